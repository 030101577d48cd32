// Alert transitions, from the alerter to dashboards. The alerter NOTIFYs in
// the transaction that writes a transition; every ingest replica hears it and
// relays it to the sockets connected to that replica only (`io.local`): the
// socket.io adapter would otherwise carry each replica's copy to every other
// replica's sockets, and a client would get one copy per replica. While the
// LISTEN session is down, notifications are lost; after a reconnect the relay
// reads what it missed from the table (a client that itself was disconnected
// catches up over REST: GET /api/alerts/transitions).
import fp from 'fastify-plugin';
import { EVENTS, PG_CHANNELS, rooms, type AlertTransitionEvent } from '@memsight/contracts';
import { getTransitionEvent, listTransitionEventsSince, newestTransitionId } from '../../queries/list-transition-events';

/** The most a catch-up relays; beyond it, clients page through REST. */
const CATCH_UP_LIMIT = 1000;
/** Ids relayed lately, so a notification racing a catch-up is not relayed twice. */
const RECENT = 2000;

export default fp(
  async (app) => {
    let newest: bigint | undefined;
    const recent = new Set<string>();
    const emit = (event: AlertTransitionEvent & { projectId: string }) => {
      if (!app.io || recent.has(event.cursor)) return;
      recent.add(event.cursor);
      if (recent.size > RECENT) recent.delete(recent.values().next().value!);
      if (newest === undefined || BigInt(event.cursor) > newest) newest = BigInt(event.cursor);
      const { projectId, ...wire } = event;
      app.io.local.to(rooms.project(projectId)).emit(EVENTS.alertTransition, wire);
    };
    const relay = async (payload: string) => {
      const { transitionId } = JSON.parse(payload) as { transitionId: string };
      const event = await getTransitionEvent(app.pool, transitionId, app.clock.now());
      if (event) emit(event);
    };
    const catchUp = async () => {
      if (newest === undefined) return;
      for (const event of await listTransitionEventsSince(app.pool, String(newest), CATCH_UP_LIMIT, app.clock.now())) emit(event);
    };
    app.listener.on(PG_CHANNELS.alertTransitions, (payload) => {
      relay(payload).catch((err) => app.log.warn({ err }, 'could not relay an alert transition'));
    });
    app.listener.onReconnect(() => {
      catchUp().catch((err) => app.log.warn({ err }, 'could not catch up on alert transitions missed while disconnected'));
    });
    app.addHook('onReady', async () => {
      const id = await newestTransitionId(app.pool).catch((err) => app.log.warn({ err }, 'could not read the newest alert transition'));
      if (id && (newest === undefined || BigInt(id) > newest)) newest = BigInt(id);
    });
  },
  { name: 'alert-relay', dependencies: ['db', 'listener', 'live-gateway'] },
);
