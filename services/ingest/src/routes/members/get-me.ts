// GET /api/me: the signed-in person and the projects they can switch between.
// It answers for a person without any membership too, so the dashboard can say so.
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Me } from '@memsight/contracts';
import { ConflictError, ForbiddenError, UnauthorizedError } from '../../lib/errors';
import { bearerToken } from '../../plugins/app/auth';
import { PROJECT_HEADER } from '../../plugins/app/session-auth';
import { listProjectsOfPerson } from '../../queries/members-people';
import { SESSIONS_DISABLED, type People } from './people';

export async function getMe(app: FastifyInstance, people: People | undefined, headers: IncomingHttpHeaders): Promise<Me> {
  const key = bearerToken(headers.authorization);
  if (key) {
    // An unknown, revoked or agent key is refused as on every other route, with its own reason.
    await app.apiKeys.projectFor(key, 'read');
    throw new ForbiddenError('GET /api/me describes a person signed in to the dashboard; an API key belongs to a project, not a person. Call it with the session cookie, without an Authorization header.');
  }
  if (!people) throw new ConflictError(SESSIONS_DISABLED);
  const user = await people.signedIn(headers);
  if (!user) throw new UnauthorizedError('Not signed in: GET /api/me answers for the dashboard session cookie. Sign in on the dashboard first.');
  const projects = await listProjectsOfPerson(app.pool, user.id);
  const wanted = headers[PROJECT_HEADER];
  // The same choice session-auth makes, so the dashboard knows which project its other calls act on.
  const current = typeof wanted === 'string' ? projects.find((p) => p.id === wanted) : projects[0];
  return { user, projects, currentProjectId: current?.id ?? null };
}
