// socket.io gateway: dashboards connect with their project's API key, join
// their project's room, and subscribe to instances for live samples.
import fp from 'fastify-plugin';
import { Server, type Socket } from 'socket.io';
import { Value } from 'typebox/value';
import {
  EVENTS,
  SocketAuth,
  SubscribeRequest,
  rooms,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type SubscribeAck,
} from '@memsight/contracts';
import { getInstance } from '../queries/list-instances';
import { PROJECT_HEADER } from '../plugins/app/session-auth';

interface SocketData {
  projectId: string;
}
type GatewaySocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

declare module 'fastify' {
  interface FastifyInstance {
    io: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData> | undefined;
  }
}

export default fp(
  async (app) => {
    app.decorate('io', undefined);
    const liveSince = () => app.clock.now() - app.config.liveWindowSeconds * 1000;

    async function onSubscribe(socket: GatewaySocket, payload: unknown, ack: unknown) {
      const reply = typeof ack === 'function' ? (ack as (r: SubscribeAck) => void) : () => {};
      if (!Value.Check(SubscribeRequest, payload)) {
        return reply({ ok: false, error: { code: 'invalid_request', message: 'Send { instanceId: "<decimal id>" }.' } });
      }
      const instance = await getInstance(app.pool, socket.data.projectId, payload.instanceId, liveSince());
      if (!instance) return reply({ ok: false, error: { code: 'not_found', message: `Instance ${payload.instanceId} does not exist in this project.` } });
      await socket.join(rooms.instance(payload.instanceId));
      reply({ ok: true });
    }

    app.addHook('onReady', async () => {
      const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(app.server, {
        path: '/socket.io',
        serveClient: false,
        maxHttpBufferSize: 16 * 1024,
      });
      app.io = io;
      io.use((socket, next) => {
        const raw = (socket.handshake.auth ?? {}) as Record<string, unknown>;
        const key = Value.Check(SocketAuth.properties.apiKey, raw.apiKey) ? (raw.apiKey as string | undefined) : undefined;
        if (raw.project !== undefined && !Value.Check(SocketAuth.properties.project, raw.project)) {
          return next(new Error('auth.project must be the id (a UUID) of one of your projects, as GET /api/me lists them.'));
        }
        // The chosen project rides in `auth`, and is checked against the session's memberships like the header.
        const project = raw.project as string | undefined;
        const headers = project ? { ...socket.handshake.headers, [PROJECT_HEADER]: project } : socket.handshake.headers;
        app.projectOf(headers, key, 'read', false).then(
          (projectId) => {
            socket.data.projectId = projectId;
            next();
          },
          (err: Error) => next(new Error(err.message)),
        );
      });
      io.on('connection', (socket) => {
        void socket.join(rooms.project(socket.data.projectId));
        socket.on(EVENTS.subscribe, (payload, ack) => {
          onSubscribe(socket, payload, ack).catch((err) => app.log.warn({ err }, 'subscribe failed'));
        });
        socket.on(EVENTS.unsubscribe, (payload) => {
          if (Value.Check(SubscribeRequest, payload)) void socket.leave(rooms.instance(payload.instanceId));
        });
      });
      app.live.attach({
        watches: (instanceId) => (io.sockets.adapter.rooms.get(rooms.instance(instanceId))?.size ?? 0) > 0,
        publish: (payload) => io.to(rooms.instance(payload.instanceId)).emit(EVENTS.samplesAppended, payload),
      });
    });
    app.addHook('preClose', async () => {
      await app.io?.close();
    });
  },
  { name: 'live-gateway', dependencies: ['auth', 'ingest-pipeline'] },
);
