// Alert transitions, from the alerter to dashboards. The alerter NOTIFYs in
// the transaction that writes a transition; every ingest replica hears it and
// relays it to the sockets connected to that replica only (`io.local`): the
// socket.io adapter would otherwise carry each replica's copy to every other
// replica's sockets, and a client would get one copy per replica. A client
// that was disconnected catches up over REST (GET /api/alerts/transitions).
import fp from 'fastify-plugin';
import { EVENTS, PG_CHANNELS, rooms } from '@memsight/contracts';
import { getTransitionEvent } from '../../queries/list-transition-events';

export default fp(
  async (app) => {
    const relay = async (payload: string) => {
      const { transitionId } = JSON.parse(payload) as { transitionId: string };
      const event = await getTransitionEvent(app.pool, transitionId, app.clock.now());
      if (!event || !app.io) return;
      const { projectId, ...wire } = event;
      app.io.local.to(rooms.project(projectId)).emit(EVENTS.alertTransition, wire);
    };
    app.listener.on(PG_CHANNELS.alertTransitions, (payload) => {
      relay(payload).catch((err) => app.log.warn({ err }, 'could not relay an alert transition'));
    });
  },
  { name: 'alert-relay', dependencies: ['db', 'listener', 'live-gateway'] },
);
