// Alerts: list, detail, acknowledgement, and the live feed's catch-up.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { acknowledgeAlert } from './acknowledge-alert';
import { getAlert } from './get-alert';
import { listAlertTransitionEvents } from './list-alert-transitions';
import { listAlerts } from './list-alerts';
import { acknowledgeAlertSchema, getAlertSchema, listAlertsSchema, listTransitionsSchema, unacknowledgeAlertSchema } from './schemas';

const alertRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get('/api/alerts', { schema: listAlertsSchema }, async (request) => listAlerts(app, request.projectId, request.query));

  app.get('/api/alerts/transitions', { schema: listTransitionsSchema }, async (request) =>
    listAlertTransitionEvents(app, request.projectId, request.query),
  );

  app.get('/api/alerts/:alertId', { schema: getAlertSchema }, async (request) => getAlert(app, request.projectId, request.params.alertId));

  app.post('/api/alerts/:alertId/ack', { schema: acknowledgeAlertSchema }, async (request) =>
    acknowledgeAlert(app, request.projectId, request.params.alertId, request.body),
  );

  app.delete('/api/alerts/:alertId/ack', { schema: unacknowledgeAlertSchema }, async (request) =>
    acknowledgeAlert(app, request.projectId, request.params.alertId, null),
  );
};

export default alertRoutes;
