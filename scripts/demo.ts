// `npm run demo -- --endpoint URL --key KEY`: posts the golden example batches
// (Python and Node), with their timestamps moved to now, to a running ingest.
import { parseArgs } from 'node:util';
import { goldenNames, readGolden, rebaseBatch } from '@memsight/contracts/golden';

const USAGE = 'usage: npm run demo -- --endpoint http://127.0.0.1:4100 --key msk_...\n';
let values: { endpoint?: string; key?: string };
try {
  ({ values } = parseArgs({ options: { endpoint: { type: 'string', default: 'http://127.0.0.1:4100' }, key: { type: 'string' } } }));
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (!values.key) {
  process.stderr.write(`--key is required: the API key npm start printed.\n${USAGE}`);
  process.exit(2);
}
for (const name of goldenNames('valid')) {
  const batch = rebaseBatch(readGolden('valid', name), Date.now());
  batch.seq = Date.now(); // a new batch each run, so it is not taken for a retry
  const res = await fetch(`${values.endpoint}/v1/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${values.key}` },
    body: JSON.stringify(batch),
  });
  process.stdout.write(`${name}: HTTP ${res.status} ${await res.text()}\n`);
  if (!res.ok) process.exitCode = 1;
}
