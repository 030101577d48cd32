// `npm run bench:node-agent`: what the Node agent costs its host, side by side
// with prom-client's collectDefaultMetrics() at the same collection interval,
// each against a bare run of the same HTTP server, all in one run:
//   - CPU % of a core and RSS added, over an idle period (so only the
//     collector's own work shows);
//   - p99 latency under autocannon load (bounded: 10 connections, 8 s), and
//     the host's event loop delay p99 during it;
//   - CPU per collection, each side in its own process;
//   - the GC floor probe: off, at its default and at a short interval, in
//     hosts holding a service-sized heap, against a bare one holding the same:
//     CPU, RSS, latency, and the pauses of the GCs it requested;
//   - the churn workload (churn-floor.ts): the host's RSS floor under a
//     churning heap, bare and with the agent.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { churnFloor } from './churn-floor.ts';

const HERE = import.meta.dirname;
const MODES = ['bare', 'memsight', 'prom'] as const;
type Mode = (typeof MODES)[number];
const exec = promisify(execFile);

interface Idle { port: number; cpuPercent: number; rssAdded: number; rss: number; forcedGcs?: number[] }
interface Loaded { p99Ms: number; p999Ms: number; requests: number; loopP99Us: number; loopMaxUs: number; forcedGcs?: number[] }

async function startHost(mode: Mode, interval: number, idleSeconds: number, endpoint: string, settings: object = {}): Promise<{ child: ChildProcess; idle: Idle }> {
  const child = spawn(process.execPath, [path.join(HERE, 'host.mjs'), mode, String(interval), String(idleSeconds), endpoint, JSON.stringify(settings)], {
    cwd: HERE, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_OPTIONS: '' },
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${mode} host exited with ${code}`)));
  });
  return { child, idle: JSON.parse(line) as Idle };
}

async function load(port: number, seconds = 8): Promise<Loaded> {
  const result = await autocannon({ url: `http://127.0.0.1:${port}/`, connections: 10, duration: seconds });
  const loop = (await (await fetch(`http://127.0.0.1:${port}/loop-delay`)).json()) as { p99: number; max: number; forcedGcs?: number[] };
  return { p99Ms: result.latency.p99, p999Ms: result.latency.p99_9, requests: result.requests.total, loopP99Us: loop.p99, loopMaxUs: loop.max, forcedGcs: loop.forcedGcs };
}

async function perCollection(side: 'ours' | 'theirs'): Promise<number> {
  const { stdout } = await exec(process.execPath, [path.join(HERE, 'per-collection.mjs'), side], { cwd: HERE });
  return (JSON.parse(stdout) as { micros: number }).micros;
}

// A sink that acknowledges every batch, standing in for ingest.
const sink = createServer((req, res) => req.resume().on('end', () => res.end('{"accepted":1}')));
await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;

const rows: string[] = [];
for (const [interval, idleSeconds] of [[1, 20], [10, 60]] as const) {
  process.stderr.write(`bench | interval ${interval}s: bare, memsight and prom-client hosts idle ${idleSeconds}s side by side, then 8 s of load each…\n`);
  const hosts = await Promise.all(MODES.map((m) => startHost(m, interval, idleSeconds, endpoint)));
  const loaded: Loaded[] = [];
  for (const h of hosts) loaded.push(await load(h.idle.port));
  for (const h of hosts) h.child.kill();
  const [bare] = hosts;
  rows.push(`${`${interval}s`.padStart(8)}  ${'(bare)'.padEnd(12)} ${bare!.idle.cpuPercent.toFixed(3).padStart(8)}%  ${(bare!.idle.rss / 2 ** 20).toFixed(1).padStart(7)} MB  ${loaded[0]!.p99Ms.toFixed(0).padStart(6)} ms  ${loaded[0]!.loopP99Us.toFixed(0).padStart(9)} µs   (absolute)`);
  for (const i of [1, 2]) {
    const { idle } = hosts[i]!;
    const name = i === 1 ? 'memsight' : 'prom-client';
    const cpu = idle.cpuPercent - bare!.idle.cpuPercent;
    const rss = (idle.rssAdded - bare!.idle.rssAdded) / 2 ** 20;
    const p99 = loaded[i]!.p99Ms - loaded[0]!.p99Ms;
    const loop = loaded[i]!.loopP99Us - loaded[0]!.loopP99Us;
    rows.push(`${`${interval}s`.padStart(8)}  ${name.padEnd(12)} ${cpu.toFixed(3).padStart(8)}%  ${rss.toFixed(1).padStart(7)} MB  ${p99.toFixed(0).padStart(6)} ms  ${loop.toFixed(0).padStart(9)} µs`);
  }
}

// The probe at the 10 s sampling interval: the idle window outlasts the
// default's 180 s, so its first probe falls inside it; 10 s probes on every
// tick, and 20 s of load give it at least one probe under load. That host's
// bound is raised: on this shared 2-core machine two slow probes in the idle
// phase made it back off for good, leaving nothing to measure under load.
const PROBE_IDLE_S = 200;
const PROBE_LOAD_S = 20;
const RETAIN_MB = 16;
const probeHosts = [
  { name: 'bare', mode: 'bare', settings: { retainMb: RETAIN_MB } },
  { name: 'probe off', mode: 'memsight', settings: { retainMb: RETAIN_MB, gcProbe: 0 } },
  { name: 'probe 180 s', mode: 'memsight', settings: { retainMb: RETAIN_MB, gcProbe: 180 } },
  { name: 'probe 10 s*', mode: 'memsight', settings: { retainMb: RETAIN_MB, gcProbe: 10, gcProbeMaxPause: 0.2 } },
] as const;
process.stderr.write(`bench | GC floor probe: hosts with ${RETAIN_MB} MB of live objects idle ${PROBE_IDLE_S}s side by side, then ${PROBE_LOAD_S} s of load each…\n`);
const probed = await Promise.all(probeHosts.map((h) => startHost(h.mode, 10, PROBE_IDLE_S, endpoint, h.settings)));
const probedLoad: Loaded[] = [];
for (const h of probed) probedLoad.push(await load(h.idle.port, PROBE_LOAD_S));
for (const h of probed) h.child.kill();
const churnLines = await churnFloor(endpoint);
sink.close();
const pauses = (ms: number[] = []) => {
  if (!ms.length) return '0';
  const sorted = [...ms].sort((a, b) => a - b);
  return `${ms.length}: median ${sorted[sorted.length >> 1]!.toFixed(1)}, max ${sorted.at(-1)!.toFixed(1)} ms`;
};
const probeRows = probeHosts.map((h, i) => {
  const { idle } = probed[i]!;
  const bare = probed[0]!.idle;
  const loaded = probedLoad[i]!;
  const rel = i > 0;
  const cpu = idle.cpuPercent - (rel ? bare.cpuPercent : 0);
  const rss = (rel ? idle.rssAdded - bare.rssAdded : idle.rss) / 2 ** 20;
  const p99 = loaded.p99Ms - (rel ? probedLoad[0]!.p99Ms : 0);
  const p999 = loaded.p999Ms - (rel ? probedLoad[0]!.p999Ms : 0);
  const loopP99 = loaded.loopP99Us - (rel ? probedLoad[0]!.loopP99Us : 0);
  const loopMax = loaded.loopMaxUs - (rel ? probedLoad[0]!.loopMaxUs : 0);
  return `${h.name.padEnd(12)} ${cpu.toFixed(3).padStart(8)}%  ${rss.toFixed(1).padStart(7)} MB  ${p99.toFixed(0).padStart(6)} ms  ${p999.toFixed(0).padStart(7)} ms  ${loopP99.toFixed(0).padStart(9)} µs  ${(loopMax / 1000).toFixed(1).padStart(8)} ms   idle ${pauses(idle.forcedGcs)}; load ${pauses(loaded.forcedGcs)}${rel ? '' : '   (absolute)'}`;
});

process.stderr.write('bench | CPU per collection, each side in its own process…\n');
const ours = await perCollection('ours');
const theirs = await perCollection('theirs');
console.log(`\nNode ${process.versions.node}; memsight vs prom-client collectDefaultMetrics(), each against a bare HTTP server\n`);
console.log('interval  agent           CPU %     RSS added  p99 extra  loop p99 extra');
for (const r of rows) console.log(r);
console.log(`\nCPU per collection: memsight ${ours.toFixed(0)} µs, prom-client ${theirs.toFixed(0)} µs (ratio ${(ours / theirs).toFixed(2)})`);
console.log(`\nGC floor probe, 10 s interval, hosts holding ${RETAIN_MB} MB of live objects, each against the bare one (CPU over ${PROBE_IDLE_S} s idle)`);
console.log('host              CPU %     RSS added  p99 extra  p99.9 extra  loop p99 extra  loop max extra  forced major GCs (idle; load)');
for (const r of probeRows) console.log(r);
console.log(`* gcProbeMaxPause 0.2 s, so that it keeps probing through the load phase (${PROBE_LOAD_S} s per host)`);
for (const line of churnLines) console.log(line);
