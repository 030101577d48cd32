// PATCH /api/members/:userId: make a member an admin or an admin a member.
import type pg from 'pg';
import type { Member, MemberRole } from '@memsight/contracts';
import { ConflictError, NotFoundError } from '../../lib/errors';
import { changeMemberRole } from '../../queries/members';

export const LAST_ADMIN = "This is the project's only admin: make another member an admin first, so someone can still manage the project.";

export async function changeRole(pool: pg.Pool, projectId: string, userId: string, role: MemberRole): Promise<Member> {
  const outcome = await changeMemberRole(pool, projectId, userId, role);
  if (outcome === 'missing') throw new NotFoundError(`No member with user id ${userId} in this project.`);
  if (outcome === 'last_admin') throw new ConflictError(LAST_ADMIN);
  return outcome;
}
