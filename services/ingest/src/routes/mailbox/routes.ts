import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { InvalidError, NotFoundError } from '../../lib/errors';
import { getMailboxAttachment, listMailbox } from '../../queries/mailbox';
import { getAttachmentSchema, listMailboxSchema } from './schemas';

const mailboxRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get('/api/mailbox', { schema: listMailboxSchema }, async (request) => {
    const limit = request.query.limit ? Number(request.query.limit) : 20;
    if (limit < 1 || limit > 100) throw new InvalidError('Query parameter "limit" must be between 1 and 100.');
    const messages = await listMailbox(app.pool, request.projectId, request.query.cursor ?? null, limit + 1);
    const page = messages.slice(0, limit);
    return { messages: page, nextCursor: messages.length > limit ? (page.at(-1)?.id ?? null) : null };
  });

  app.get('/api/mailbox/:messageId/attachments/:cid', { schema: getAttachmentSchema }, async (request, reply) => {
    const attachment = await getMailboxAttachment(app.pool, request.projectId, request.params.messageId, request.params.cid);
    if (!attachment) throw new NotFoundError('No such attachment in this project\'s mailbox.');
    return reply.type(attachment.contentType).send(attachment.content);
  });
};

export default mailboxRoutes;
