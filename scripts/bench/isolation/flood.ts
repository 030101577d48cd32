// The flooding tenant of bench:isolation, in its own process (a flooding
// client is another machine, not a neighbour on the quiet client's event
// loop): keeps `flooders` maximal bodies in flight, resending at once whatever
// it is told (it ignores Retry-After), until SIGTERM; then prints the statuses
// it got as one JSON line. argv: url, key, flooders, body MB.
import { floodBody } from './bodies';

const [url, key, flooders, bodyMb] = process.argv.slice(2) as [string, string, string, string];
const body = Buffer.from(floodBody(Number(bodyMb)));
const statuses = new Map<number, number>();
let flooding = true;
process.on('SIGTERM', () => (flooding = false));

const post = () =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body }).then(
    async (r) => (await r.arrayBuffer(), r.status),
    () => 0,
  );

process.stderr.write(`bench | flooding with ${flooders} × ${(body.length / 2 ** 20).toFixed(1)} MB bodies\n`);
process.send?.('ready');
await Promise.all(
  Array.from({ length: Number(flooders) }, async () => {
    while (flooding) {
      const status = await post();
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  }),
);
console.log(JSON.stringify({ bodyMB: +(body.length / 2 ** 20).toFixed(2), concurrency: Number(flooders), statuses: Object.fromEntries(statuses) }));
