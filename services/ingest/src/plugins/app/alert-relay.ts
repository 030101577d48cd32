// Alert transitions, from the alerter to dashboards. The alerter NOTIFYs in
// the transaction that writes a transition; every ingest LISTENs, so with
// several ingest replicas each relays to the sockets connected to it. A
// client that was disconnected catches up over REST (GET /api/alerts/transitions).
import fp from 'fastify-plugin';
import pg from 'pg';
import { EVENTS, PG_CHANNELS, rooms } from '@memsight/contracts';
import { getTransitionEvent } from '../../queries/list-transition-events';

export default fp(
  async (app) => {
    let client: pg.Client | undefined;
    let retry: NodeJS.Timeout | undefined;
    let closing = false;

    const relay = async (payload: string) => {
      const { transitionId } = JSON.parse(payload) as { transitionId: string };
      const event = await getTransitionEvent(app.pool, transitionId, app.clock.now());
      if (!event || !app.io) return;
      const { projectId, ...wire } = event;
      app.io.to(rooms.project(projectId)).emit(EVENTS.alertTransition, wire);
    };

    const connect = async () => {
      if (closing) return;
      const c = new pg.Client({ connectionString: app.config.databaseUrl, application_name: 'memsight-ingest-relay' });
      const reconnect = (err?: Error) => {
        if (client !== c) return;
        client = undefined;
        c.end().catch(() => {});
        if (closing) return;
        app.log.warn({ err }, 'alert relay lost its database session; reconnecting');
        retry = setTimeout(() => void connect(), 1000);
      };
      c.on('error', reconnect);
      c.on('end', () => reconnect());
      c.on('notification', (n) => {
        relay(n.payload ?? '').catch((err) => app.log.warn({ err }, 'could not relay an alert transition'));
      });
      client = c;
      try {
        await c.connect();
        await c.query(`LISTEN ${PG_CHANNELS.alertTransitions}`);
      } catch (err) {
        reconnect(err as Error);
      }
    };

    app.addHook('onReady', connect);
    app.addHook('preClose', async () => {
      closing = true;
      clearTimeout(retry);
      const c = client;
      client = undefined;
      await c?.end().catch(() => {});
    });
  },
  { name: 'alert-relay', dependencies: ['db', 'live-gateway'] },
);
