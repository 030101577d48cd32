// People: who is signed in (GET /api/me), and the project's members. Listing
// needs read, changes need admin (the defaults for GET and writes).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { listMembers } from '../../queries/members';
import { addMember } from './add-member';
import { changeRole } from './change-member-role';
import { getMe } from './get-me';
import { People } from './people';
import { removeMember } from './remove-member';
import { addMemberSchema, listMembersSchema, meSchema, removeMemberSchema, updateMemberSchema } from './schemas';

const memberRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { authSecret, dashboardUrl } = app.config;
  const people = authSecret ? new People({ pool: app.pool, secret: authSecret, dashboardUrl }) : undefined;

  // Not behind app.authenticate: a signed-in person with no project yet still learns who they are.
  app.get('/api/me', { schema: meSchema }, async (request) => getMe(app, people, request.headers));

  app.get('/api/members', { schema: listMembersSchema, onRequest: app.authenticate }, async (request) => ({ members: await listMembers(app.pool, request.projectId) }));

  app.post('/api/members', { schema: addMemberSchema, onRequest: app.authenticate }, async (request, reply) =>
    reply.code(201).send(await addMember(app.pool, people, request.projectId, request.body)),
  );

  app.patch('/api/members/:userId', { schema: updateMemberSchema, onRequest: app.authenticate }, async (request) =>
    changeRole(app.pool, request.projectId, request.params.userId, request.body.role),
  );

  app.delete('/api/members/:userId', { schema: removeMemberSchema, onRequest: app.authenticate }, async (request, reply) => {
    await removeMember(app.pool, request.projectId, request.params.userId);
    return reply.code(204).send(null);
  });
};

export default memberRoutes;
