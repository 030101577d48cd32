// Better Auth, as the members feature needs it: who a session cookie belongs
// to (for GET /api/me, which needs no membership), and creating a person with
// an initial password although sign-up is closed to the world.
import type { IncomingHttpHeaders } from 'node:http';
import type pg from 'pg';
import { fromNodeHeaders } from 'better-auth/node';
import { isAPIError } from 'better-auth/api';
import { createAuth, type Auth } from '@memsight/auth';
import { ConflictError, InvalidError } from '../../lib/errors';
import { endSessionsOfPerson } from '../../queries/members-people';

export interface Person {
  id: string;
  email: string;
  name: string;
}

export class People {
  private readonly sessions: Auth;
  // The same configuration with sign-up open, used only server-side by an admin's request.
  private readonly signUp: Auth;

  constructor(private readonly deps: { pool: pg.Pool; secret: string; dashboardUrl: string }) {
    const o = { pool: deps.pool, secret: deps.secret, baseURL: deps.dashboardUrl };
    this.sessions = createAuth(o);
    this.signUp = createAuth({ ...o, allowSignUp: true });
  }

  /** The signed-in person of a request, or undefined without a valid session cookie. */
  async signedIn(headers: IncomingHttpHeaders): Promise<Person | undefined> {
    if (!headers.cookie) return undefined;
    const session = await this.sessions.api.getSession({ headers: fromNodeHeaders(headers) });
    return session ? { id: session.user.id, email: session.user.email, name: session.user.name } : undefined;
  }

  async create(p: { email: string; name: string; password: string }): Promise<Person> {
    try {
      const { user } = await this.signUp.api.signUpEmail({ body: p });
      // Sign-up signs the new person in; that session was made for no browser, so end it.
      await endSessionsOfPerson(this.deps.pool, user.id);
      return { id: user.id, email: user.email, name: user.name };
    } catch (err) {
      if (!isAPIError(err) || err.statusCode >= 500) throw err;
      throw refusal(err.body?.code, err.message, p.email);
    }
  }
}

/** Better Auth's refusals, as errors naming the field the admin should fix. */
function refusal(code: string | undefined, message: string, email: string): Error {
  if (code?.startsWith('PASSWORD_') || code === 'INVALID_PASSWORD') return new InvalidError(`password: ${message}.`, [{ path: '/password', message }]);
  if (code === 'INVALID_EMAIL') return new InvalidError(`email: ${email} is not an address people can sign in with.`, [{ path: '/email', message }]);
  // Another request created the person between our look-up and this sign-up.
  if (code?.startsWith('USER_ALREADY_EXISTS')) return new ConflictError(`${email} was just created by another request: add them again to join them to this project.`);
  return new InvalidError(`The person could not be created: ${message}`);
}

export const SESSIONS_DISABLED =
  'Dashboard sign-in is not enabled on this ingest (MEMSIGHT_AUTH_SECRET is not set), so there are no people to manage: set it, shared with the dashboard, and restart.';
