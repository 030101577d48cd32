// DELETE /api/members/:userId: the person leaves this project; their account,
// and their other projects, stay.
import type pg from 'pg';
import { ConflictError, NotFoundError } from '../../lib/errors';
import { removeMember as removeMembership } from '../../queries/members';
import { LAST_ADMIN } from './change-member-role';

export async function removeMember(pool: pg.Pool, projectId: string, userId: string): Promise<void> {
  const outcome = await removeMembership(pool, projectId, userId);
  if (outcome === 'missing') throw new NotFoundError(`No member with user id ${userId} in this project.`);
  if (outcome === 'last_admin') throw new ConflictError(LAST_ADMIN);
}
