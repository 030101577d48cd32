// One measured host for overhead.ts: an HTTP server (so `http` is loaded, as
// in any service), plus nothing, the memsight agent, or prom-client's
// collectDefaultMetrics() collected at the same interval. It idles for the
// given seconds after a warm-up of one interval, then prints its CPU and RSS as one JSON line, and keeps
// serving until its parent ends it (the load phase). GET /loop-delay answers
// the event loop delay seen since the idle phase ended, in µs.
// Optional settings (JSON, last argument): `gcProbe` and `gcProbeMaxPause` for the agent, and
// `retainMb` of live objects, built before anything is measured, so that a
// GC has a service-sized heap to mark. With either, the host also reports the
// pauses of forced major GCs (the probe's: nothing else here calls gc()).
import http from 'node:http';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

const delay = monitorEventLoopDelay({ resolution: 1 });

const [mode, intervalS, idleS, endpoint, settingsJson] = process.argv.slice(2);
const settings = JSON.parse(settingsJson ?? '{}');
const interval = Number(intervalS);
const rss = () => process.memoryUsage.rss();

const retained = [];
for (let i = 0; i < (settings.retainMb ?? 0) * 6000; i++) retained.push({ id: i, name: `item-${i}`, tags: [i & 7, i & 3] });
let forcedGcs = [];
if ('gcProbe' in settings || settings.retainMb) {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR && e.detail.flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) forcedGcs.push(e.duration);
  }).observe({ entryTypes: ['gc'] });
}
const takeForcedGcs = () => [forcedGcs, (forcedGcs = [])][0];

const server = http.createServer((req, res) => {
  if (req.url === '/loop-delay') {
    res.end(JSON.stringify({ p99: delay.percentile(99) / 1e3, max: delay.max / 1e3, forcedGcs: takeForcedGcs(), retained: retained.length }));
    return delay.reset();
  }
  // A small unit of work per request: build, serialise and parse a payload.
  const payload = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, [i, String(i), i * 0.5]]));
  res.end(String(Object.keys(JSON.parse(JSON.stringify(payload))).length));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const rssBare = rss();

if (mode === 'memsight') {
  const { start } = await import('@memsight/agent');
  const probe = Object.fromEntries(['gcProbe', 'gcProbeMaxPause'].filter((k) => k in settings).map((k) => [k, settings[k]]));
  start({ endpoint, apiKey: 'msk_bench', app: 'bench', interval, flushInterval: interval, slowInterval: interval * 6, ...probe });
} else if (mode === 'prom') {
  const client = (await import('prom-client')).default;
  client.collectDefaultMetrics();
  await client.register.metrics();
  setInterval(() => void client.register.metrics(), interval * 1000).unref();
}

// Steady state: the first collection (first reads, first connection, code
// compiled on first use) is a one-time cost, not a rate.
await new Promise((resolve) => setTimeout(resolve, (interval + 2) * 1000));
takeForcedGcs();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await new Promise((resolve) => setTimeout(resolve, Number(idleS) * 1000));
const cpu = process.cpuUsage(cpu0);
const seconds = (performance.now() - t0) / 1000;
delay.enable();
console.log(JSON.stringify({
  port: server.address().port,
  cpuPercent: (100 * (cpu.user + cpu.system)) / 1e6 / seconds,
  rssAdded: rss() - rssBare,
  rss: rss(),
  forcedGcs: takeForcedGcs(),
}));
