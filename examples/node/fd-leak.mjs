// A file descriptor leak: instead of the shared client, requests open their
// own connection to a local upstream (a TCP server in this process, standing
// in for a cache or a database), ask their question, and never destroy it.
// The upstream keeps its end open as real servers do, so each forgotten
// connection holds two descriptors: open fds grow by LEAK_FDS_PER_HOUR.
// After LEAK_SECONDS (or at LEAK_MAX_FDS) the fix is in: requests go through
// the shared client.
//
// Should raise: resource-leak, and the demo's threshold rule (open fds > 200).
// Must not raise: fragmentation, gc. Each forgotten connection also keeps a
// few KB of heap (about 2.5 MB/h at the default rate), so in time a small
// leak alert is right too.
import net from 'node:net';
import { LeakSchedule, MB, PageCache, readSettings, runRequestLoop } from './lib/demo-service.mjs';

const NAME = 'fd-leak';
const settings = readSettings(NAME, { LEAK_FDS_PER_HOUR: 1800, LEAK_SECONDS: 0, LEAK_MAX_FDS: 1000 });
const schedule = new LeakSchedule(settings.LEAK_FDS_PER_HOUR, settings.LEAK_SECONDS, settings.LEAK_MAX_FDS);
const pages = new PageCache(settings.CACHE_MB * MB, settings.PAGE_KB * 1024, settings.HIT_RATE);
const FDS_PER_CONNECTION = 2; // ours, and the upstream's end of it

const upstreamEnds = new Set();
const upstream = net.createServer((socket) => {
  upstreamEnds.add(socket);
  socket.on('close', () => upstreamEnds.delete(socket));
  socket.on('data', () => socket.write('+OK\r\n'));
  socket.on('error', () => {});
});
await new Promise((resolve) => upstream.listen(0, '127.0.0.1', resolve));
const { port } = upstream.address();

const forgotten = []; // the bug's sockets: answered, never destroyed
let connecting = 0;
const shared = net.connect(port, '127.0.0.1'); // the client the service should use for everything
shared.on('error', () => {});
shared.on('data', () => {}); // its answers read, so no buffer fills on either side

function askOnNewConnection() {
  connecting += 1;
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.once('data', () => {
    connecting -= 1;
    forgotten.push(socket); // the bug: a client per request, never destroyed
  });
  socket.write('GET session\r\n');
}

const leakedFds = () => (forgotten.length + connecting) * FDS_PER_CONNECTION;

function handle(n, elapsed) {
  pages.get(n);
  let asked = false;
  while (!schedule.over(elapsed, leakedFds()) && leakedFds() + FDS_PER_CONNECTION <= schedule.due(elapsed)) {
    askOnNewConnection(); // usually one; more when the rate outruns the requests
    asked = true;
  }
  if (!asked) shared.write('GET session\r\n'); // the fix (or the leak ahead of its schedule)
}

runRequestLoop(NAME, settings, {
  handle,
  status: (elapsed) =>
    `${forgotten.length} connections left open (${leakedFds()} fds); ${schedule.over(elapsed, leakedFds()) ? 'leak over' : `leaking ${settings.LEAK_FDS_PER_HOUR} fds/h`}`,
  ready: `leak=${settings.LEAK_FDS_PER_HOUR}fds/h leak_seconds=${settings.LEAK_SECONDS} max=${settings.LEAK_MAX_FDS}fds`,
  stop: () => {
    for (const socket of [shared, ...forgotten, ...upstreamEnds]) socket.destroy();
    upstream.close();
  },
});
