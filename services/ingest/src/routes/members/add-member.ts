// POST /api/members: join a person to the project by email, creating them with
// the admin's initial password when no one has that email yet.
import type pg from 'pg';
import type { AddedMember, AddMember } from '@memsight/contracts';
import { ConflictError, InvalidError } from '../../lib/errors';
import { findMember, insertMember } from '../../queries/members';
import { findPersonByEmail } from '../../queries/members-people';
import { SESSIONS_DISABLED, type People } from './people';

export async function addMember(pool: pg.Pool, people: People | undefined, projectId: string, body: AddMember): Promise<AddedMember> {
  if (!people) throw new ConflictError(SESSIONS_DISABLED);
  const email = body.email.trim().toLowerCase();
  let person = await findPersonByEmail(pool, email);
  const personCreated = !person;
  if (!person) {
    if (body.password === undefined) {
      throw new InvalidError(`password: no one has the email ${email} yet; give an initial password (10 characters or more) to create them.`, [
        { path: '/password', message: 'is required to create a person who has no account yet' },
      ]);
    }
    person = await people.create({ email, name: body.name?.trim() || email.split('@')[0]!, password: body.password });
  }
  // An existing person keeps their own name and password: another project's admin must not change them.
  const member = await insertMember(pool, projectId, person.id, body.role);
  if (!member) {
    const current = await findMember(pool, projectId, person.id);
    throw new ConflictError(`${email} is already a member of this project (${current?.role ?? 'member'}): change their role instead.`);
  }
  return { member, personCreated };
}
