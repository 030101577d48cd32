import path from 'node:path';

// The agents run from the checkout until they are published (the Node agent
// is built by `npm install`).
const PYTHON_AGENT_DIR = path.resolve(import.meta.dirname, '../../agents/python');
const NODE_AGENT_REGISTER = path.resolve(import.meta.dirname, '../../agents/node/dist/register.js');

// What `npm start` prints once everything answers. The lines starting with
// "Dashboard:" and "API key:" are read by the launcher's own test.
export function printBanner({ dashboardUrl, ingestUrl, apiKey }: { dashboardUrl: string; ingestUrl: string; apiKey: string }) {
  const lines = [
    '',
    'memsight is running.',
    '',
    `  Dashboard:  ${dashboardUrl}/#key=${apiKey}`,
    `  Ingest:     ${ingestUrl}/v1/ingest   (API docs: ${ingestUrl}/docs)`,
    `  API key:    ${apiKey}`,
    '',
    'Attach the Python agent to a service:',
    `  PYTHONPATH=${PYTHON_AGENT_DIR} MEMSIGHT_ENDPOINT=${ingestUrl} MEMSIGHT_API_KEY=${apiKey} MEMSIGHT_APP=my-service \\`,
    '    python -m memsight run -- python app.py',
    '',
    'Attach the Node agent to a service:',
    `  MEMSIGHT_ENDPOINT=${ingestUrl} MEMSIGHT_API_KEY=${apiKey} MEMSIGHT_APP=my-service \\`,
    `    node --import ${NODE_AGENT_REGISTER} app.js`,
    '',
    'No agent at hand? Send the golden example batches:',
    `  npm run demo -- --endpoint ${ingestUrl} --key ${apiKey}`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
