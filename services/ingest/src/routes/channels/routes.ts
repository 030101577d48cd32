import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NotFoundError } from '../../lib/errors';
import { deleteChannel, insertChannel, listChannels, updateChannel } from '../../queries/channels';
import { createChannelSchema, deleteChannelSchema, listChannelsSchema, updateChannelSchema } from './schemas';

const channelRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);
  const missing = (id: string) => new NotFoundError(`Channel ${id} does not exist in this project.`);

  app.get('/api/channels', { schema: listChannelsSchema }, async (request) => ({ channels: await listChannels(app.pool, request.projectId) }));

  app.post('/api/channels', { schema: createChannelSchema }, async (request, reply) => {
    const { target, name, enabled } = request.body;
    return reply.code(201).send(await insertChannel(app.pool, request.projectId, { target, name: name ?? target, enabled: enabled ?? true }));
  });

  app.patch('/api/channels/:channelId', { schema: updateChannelSchema }, async (request) => {
    const channel = await updateChannel(app.pool, request.projectId, request.params.channelId, request.body);
    if (!channel) throw missing(request.params.channelId);
    return channel;
  });

  app.delete('/api/channels/:channelId', { schema: deleteChannelSchema }, async (request, reply) => {
    if (!(await deleteChannel(app.pool, request.projectId, request.params.channelId))) throw missing(request.params.channelId);
    return reply.code(204).send(null);
  });
};

export default channelRoutes;
