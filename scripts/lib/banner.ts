import path from 'node:path';
import type { FirstAdmin } from './first-admin';

// The agents run from the checkout until they are published (the Node agent
// is built by `npm install`).
const PYTHON_AGENT_DIR = path.resolve(import.meta.dirname, '../../agents/python');
const NODE_AGENT_REGISTER = path.resolve(import.meta.dirname, '../../agents/node/dist/register.js');

// What `npm start` prints once everything answers. The lines starting with
// "Dashboard:", "Sign in:", "API key:" and "Agent key:" are read by the launcher's own test.
export function printBanner(o: { dashboardUrl: string; ingestUrl: string; apiKey: string; agentKey: string; admin: FirstAdmin; alertEmail: string; smtp: boolean }) {
  const { dashboardUrl, ingestUrl, apiKey, agentKey } = o;
  const lines = [
    '',
    'memsight is running.',
    '',
    `  Dashboard:  ${dashboardUrl}`,
    `  Sign in:    ${o.admin.email} / ${o.admin.password ?? '(the password you set)'}`,
    `  Ingest:     ${ingestUrl}/v1/ingest   (API docs: ${ingestUrl}/docs)`,
    `  API key:    ${apiKey}   (admin: the API, the dashboard, scripts)`,
    `  Agent key:  ${agentKey}   (ingest only: give this one to your services)`,
    '',
    'Attach the Python agent to a service:',
    `  PYTHONPATH=${PYTHON_AGENT_DIR} MEMSIGHT_ENDPOINT=${ingestUrl} MEMSIGHT_API_KEY=${agentKey} MEMSIGHT_APP=my-service \\`,
    '    python -m memsight run -- python app.py',
    '',
    'Attach the Node agent to a service:',
    `  MEMSIGHT_ENDPOINT=${ingestUrl} MEMSIGHT_API_KEY=${agentKey} MEMSIGHT_APP=my-service \\`,
    `    node --import ${NODE_AGENT_REGISTER} app.js`,
    '',
    'Alerts (leaks, fragmentation, limits, resources, GC) go live to the dashboard and by email to',
    `  ${o.alertEmail}: ${o.smtp ? 'through ALERTER_SMTP_URL' : `no SMTP server is set (ALERTER_SMTP_URL), so they are kept: curl -H 'Authorization: Bearer ${apiKey}' ${ingestUrl}/api/mailbox`}`,
    `  Alerts: ${ingestUrl}/api/alerts   Rules: ${ingestUrl}/api/rules`,
    '',
    'No service at hand? Run the demo apps (leaks, fragmentation, a healthy one) against this stack:',
    '  npm run demo',
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
