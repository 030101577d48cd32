// CPU per collection, for one side per process (each side's garbage is then
// collected on its own bill): memsight's tick (every reading, a slow round
// every sixth tick as at the defaults, then a one-tick batch built and
// gzipped) or prom-client's collectDefaultMetrics() scraped with
// register.metrics(). Usage: per-collection.mjs ours|theirs [rounds]
import client from 'prom-client';
import { buildBatch, encode } from '../dist/batch.js';
import { EventLoopMonitor } from '../dist/collectors/event-loop.js';
import { GcObserver } from '../dist/collectors/gc.js';
import { cheap } from '../dist/sampler.js';

const [side, rounds] = process.argv.slice(2);
const ROUNDS = Number(rounds ?? 600);
const sources = { procRoot: '/proc', pid: 'self', cgroupRoot: '/sys/fs/cgroup', gc: new GcObserver(), eventLoop: new EventLoopMonitor() };
sources.gc.install();
sources.eventLoop.install();
const instance = { id: 'node-bench-0000', app: 'bench', host: 'h', pid: process.pid, runtime: 'node', runtimeVersion: process.versions.node, startedAt: Date.now() };
let seq = 0;
const ours = () => encode(buildBatch(instance, seq++, [{ ts: Date.now(), values: cheap(sources, seq % 6 === 0) }]));
const theirs = () => client.register.metrics();

async function cpuPer(fn) {
  for (let i = 0; i < 20; i++) await fn(); // warm up: JIT and first-read caches
  const start = process.cpuUsage();
  for (let i = 0; i < ROUNDS; i++) await fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / ROUNDS; // µs
}

if (side === 'theirs') client.collectDefaultMetrics();
const micros = await cpuPer(side === 'theirs' ? theirs : ours);
console.log(JSON.stringify({ side, micros }));
process.exit(0);
