// socket.io gateway: dashboards connect with their project's API key, join
// their project's room, and subscribe to instances for live samples. With
// several ingest replicas, socket.io's PostgreSQL adapter carries a broadcast
// to the sockets of every replica (live samples are committed by whichever
// replica took the batch), and the replicas tell each other what they watch.
import { randomUUID } from 'node:crypto';
import fp from 'fastify-plugin';
import { Server, type Socket } from 'socket.io';
import { createAdapter } from '@socket.io/postgres-adapter';
import { createPool } from '@memsight/db';
import { Value } from 'typebox/value';
import {
  EVENTS,
  PG_CHANNELS,
  SocketAuth,
  SubscribeRequest,
  rooms,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type SubscribeAck,
} from '@memsight/contracts';
import { getInstance } from '../queries/list-instances';
import { PROJECT_HEADER } from '../plugins/app/session-auth';
import { ForbiddenError, UnauthorizedError } from '../lib/errors';
import { WatchDirectory, watchedInstanceIds, type WatchAnnouncement } from '../lib/watch-directory';

interface SocketData {
  projectId: string;
}
interface InterServerEvents {
  'memsight:watching': (message: WatchAnnouncement) => void;
}
type GatewayServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type GatewaySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** How often a replica repeats its watched set, and how long the others trust it. */
const ANNOUNCE_EVERY_MS = 2_000;
const ANNOUNCE_TTL_MS = 3 * ANNOUNCE_EVERY_MS;

declare module 'fastify' {
  interface FastifyInstance {
    io: GatewayServer | undefined;
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

    // Its own small pool: the adapter keeps one connection for LISTEN, which must not starve the ingest path.
    const adapterPool = app.config.socketAdapter === 'postgres' ? createPool(app.config.databaseUrl, 3) : undefined;
    adapterPool?.on('error', (err) => app.log.warn({ err }, 'socket.io adapter connection failed'));
    const replica = randomUUID();
    let announcer: NodeJS.Timeout | undefined;
    let soon: NodeJS.Timeout | undefined;

    // A revoked key ends the sockets it opened, on every replica (revokeKey NOTIFYs; the listener has already
    // dropped the cached answers): each key still in use here is looked up again.
    const recheckKeys = async () => {
      const byKey = new Map<string, GatewaySocket[]>();
      for (const socket of app.io?.sockets.sockets.values() ?? []) {
        const key = (socket.handshake.auth as { apiKey?: unknown } | undefined)?.apiKey;
        if (typeof key === 'string') byKey.set(key, [...(byKey.get(key) ?? []), socket]);
      }
      for (const [key, sockets] of byKey) {
        try {
          await app.apiKeys.projectFor(key, 'read');
        } catch (err) {
          if (err instanceof UnauthorizedError || err instanceof ForbiddenError) for (const socket of sockets) socket.disconnect(true);
          else throw err;
        }
      }
    };
    app.listener.on(PG_CHANNELS.keysChanged, () => {
      recheckKeys().catch((err) => app.log.warn({ err }, 'could not recheck the keys of open sockets'));
    });

    app.addHook('onReady', async () => {
      const io: GatewayServer = new Server(app.server, {
        path: '/socket.io',
        serveClient: false,
        maxHttpBufferSize: 16 * 1024,
        adapter: adapterPool && createAdapter(adapterPool, { errorHandler: (err: Error) => app.log.warn({ err }, 'socket.io adapter') }),
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
      const localWatches = (instanceId: string) => (io.sockets.adapter.rooms.get(rooms.instance(instanceId))?.size ?? 0) > 0;
      const directory = new WatchDirectory({ now: app.clock.now, ttlMs: ANNOUNCE_TTL_MS, localWatches });
      if (adapterPool) {
        io.on('memsight:watching', (message) => directory.receive(message));
        const announce = () => io.serverSideEmit('memsight:watching', { replica, ids: watchedInstanceIds(io.sockets.adapter.rooms.keys()) });
        const changed = (room: string) => {
          if (room.startsWith('instance:')) soon ??= setTimeout(() => ((soon = undefined), announce()), 50);
        };
        io.sockets.adapter.on('create-room', changed);
        io.sockets.adapter.on('delete-room', changed);
        announcer = setInterval(() => {
          if (watchedInstanceIds(io.sockets.adapter.rooms.keys()).length > 0) announce();
        }, ANNOUNCE_EVERY_MS);
        announcer.unref();
      }
      app.live.attach({
        watches: (instanceId) => directory.watches(instanceId),
        publish: (payload) => io.to(rooms.instance(payload.instanceId)).emit(EVENTS.samplesAppended, payload),
      });
    });
    app.addHook('preClose', async () => {
      clearInterval(announcer);
      await app.io?.close();
      clearTimeout(soon); // closing left every room, which schedules one last announcement
      await adapterPool?.end();
    });
  },
  { name: 'live-gateway', dependencies: ['auth', 'ingest-pipeline', 'listener'] },
);
