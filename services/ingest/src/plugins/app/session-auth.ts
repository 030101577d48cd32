// People signed in to the dashboard reach the API through its origin with
// Better Auth's session cookie. A session maps to a project membership: an
// admin gets the admin scope, a member the read scope. Cookie-authenticated
// writes must carry `x-memsight-csrf: 1`: a cross-site form cannot set a
// header, and a cross-site fetch with one needs a CORS preflight ingest never grants.
import type { IncomingHttpHeaders } from 'node:http';
import type pg from 'pg';
import { fromNodeHeaders } from 'better-auth/node';
import { createAuth, type Auth } from '@memsight/auth';
import { SCOPE_GRANTS, type ApiKeyScope } from '@memsight/contracts';
import { ForbiddenError } from '../../lib/errors';

export const CSRF_HEADER = 'x-memsight-csrf';
export const PROJECT_HEADER = 'x-memsight-project';

export class SessionAuthenticator {
  private readonly auth: Auth;

  constructor(private readonly deps: { pool: pg.Pool; secret: string; dashboardUrl: string }) {
    this.auth = createAuth({ pool: deps.pool, secret: deps.secret, baseURL: deps.dashboardUrl });
  }

  /** The project of the signed-in person, if the request has a session; undefined when it has none. */
  async projectFor(headers: IncomingHttpHeaders, needs: ApiKeyScope, write: boolean): Promise<string | undefined> {
    if (!headers.cookie) return undefined;
    const session = await this.auth.api.getSession({ headers: fromNodeHeaders(headers) });
    if (!session) return undefined;
    if (write && headers[CSRF_HEADER] !== '1') {
      throw new ForbiddenError(`A change made with a session cookie needs the header "${CSRF_HEADER}: 1" (cross-site request protection). Scripts use an API key instead.`);
    }
    const wanted = typeof headers[PROJECT_HEADER] === 'string' ? headers[PROJECT_HEADER] : null;
    const { rows } = await this.deps.pool.query<{ projectId: string; role: 'member' | 'admin' }>(
      `SELECT project_id AS "projectId", role FROM project_members
        WHERE user_id = $1 AND ($2::text IS NULL OR project_id::text = $2) ORDER BY created_at LIMIT 1`,
      [session.user.id, wanted],
    );
    const m = rows[0];
    if (!m) throw new ForbiddenError(`${session.user.email} is not a member of ${wanted ? `project ${wanted}` : 'any project'}: ask a project admin to add you.`);
    const scope: ApiKeyScope = m.role === 'admin' ? 'admin' : 'read';
    if (!SCOPE_GRANTS[scope].includes(needs)) throw new ForbiddenError(`${session.user.email} is a member of this project: changes need a project admin.`);
    return m.projectId;
  }
}
