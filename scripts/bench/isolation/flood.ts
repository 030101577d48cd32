// The flooding tenant of bench:isolation, in its own process (a flooding
// client is another machine, not a neighbour on the quiet client's event
// loop): keeps `flooders` maximal bodies in flight, resending at once whatever
// it is told (it ignores Retry-After), until SIGTERM; then prints the statuses
// it got as one JSON line. argv: url, key, flooders, body MB.
//
// It speaks HTTP/1.1 over plain sockets, writing one prebuilt request again
// and again, as a load generator written in C would: with fetch, the client
// took 1.4 of the host's 2 cores for 60 requests a second, so the bench
// measured the client starving ingest of CPU rather than ingest's isolation.
import net from 'node:net';
import { floodBody } from './bodies';

const [url, key, flooders, bodyMb] = process.argv.slice(2) as [string, string, string, string];
const target = new URL(url);
const body = Buffer.from(floodBody(Number(bodyMb)));
const head = Buffer.from(
  `POST ${target.pathname} HTTP/1.1\r\nhost: ${target.host}\r\ncontent-type: application/json\r\n` +
    `authorization: Bearer ${key}\r\ncontent-length: ${body.length}\r\n\r\n`,
);
const statuses = new Map<number, number>();
const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
let flooding = true;
let open = 0;
const sockets = new Set<net.Socket>();
let finished: () => void = () => {};

/** One connection sending the request back to back; a new one when the server closes it. */
function connection(): void {
  open++;
  const socket = net.connect(Number(target.port), target.hostname);
  sockets.add(socket);
  socket.setNoDelay(true);
  let pending = Buffer.alloc(0);
  let answered = true; // no request outstanding yet
  const send = () => {
    if (!flooding) return socket.end();
    answered = false;
    socket.write(head);
    socket.write(body);
  };
  socket.on('connect', send);
  socket.on('data', (chunk) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    for (;;) {
      const end = pending.indexOf('\r\n\r\n');
      if (end < 0) return;
      const header = pending.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(header)?.[1] ?? 0);
      if (pending.length < end + 4 + length) return;
      pending = pending.subarray(end + 4 + length);
      count(Number(header.slice(9, 12)));
      answered = true;
      if (/\r\nconnection: *close/i.test(header)) return void socket.end();
      send();
    }
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    if (!answered && flooding) count(0); // reset before an answer: the server stopped reading the body
    sockets.delete(socket);
    open--;
    if (flooding) connection();
    else if (open === 0) finished();
  });
}

process.on('SIGTERM', () => {
  flooding = false;
  for (const s of sockets) s.destroy();
});
process.stderr.write(`bench | flooding with ${flooders} × ${(body.length / 2 ** 20).toFixed(1)} MB bodies\n`);
const done = new Promise<void>((resolve) => (finished = resolve));
for (let i = 0; i < Number(flooders); i++) connection();
process.send?.('ready');
await done;
console.log(JSON.stringify({ bodyMB: +(body.length / 2 ** 20).toFixed(2), concurrency: Number(flooders), statuses: Object.fromEntries(statuses) }));
