// `npm run bench:node-agent`: what the Node agent costs its host, side by side
// with prom-client's collectDefaultMetrics() at the same collection interval,
// each against a bare run of the same HTTP server, all in one run:
//   - CPU % of a core and RSS added, over an idle period (so only the
//     collector's own work shows);
//   - p99 latency under autocannon load (bounded: 10 connections, 8 s), and
//     the host's event loop delay p99 during it;
//   - CPU per collection, each side in its own process.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import autocannon from 'autocannon';

const HERE = import.meta.dirname;
const MODES = ['bare', 'memsight', 'prom'] as const;
type Mode = (typeof MODES)[number];
const exec = promisify(execFile);

interface Idle { port: number; cpuPercent: number; rssAdded: number; rss: number }
interface Loaded { p99Ms: number; p999Ms: number; requests: number; loopP99Us: number }

async function startHost(mode: Mode, interval: number, idleSeconds: number, endpoint: string): Promise<{ child: ChildProcess; idle: Idle }> {
  const child = spawn(process.execPath, [path.join(HERE, 'host.mjs'), mode, String(interval), String(idleSeconds), endpoint], {
    cwd: HERE, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_OPTIONS: '' },
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${mode} host exited with ${code}`)));
  });
  return { child, idle: JSON.parse(line) as Idle };
}

async function load(port: number): Promise<Loaded> {
  const result = await autocannon({ url: `http://127.0.0.1:${port}/`, connections: 10, duration: 8 });
  const loop = (await (await fetch(`http://127.0.0.1:${port}/loop-delay`)).json()) as { p99: number };
  return { p99Ms: result.latency.p99, p999Ms: result.latency.p99_9, requests: result.requests.total, loopP99Us: loop.p99 };
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
sink.close();

process.stderr.write('bench | CPU per collection, each side in its own process…\n');
const ours = await perCollection('ours');
const theirs = await perCollection('theirs');
console.log(`\nNode ${process.versions.node}; memsight vs prom-client collectDefaultMetrics(), each against a bare HTTP server\n`);
console.log('interval  agent           CPU %     RSS added  p99 extra  loop p99 extra');
for (const r of rows) console.log(r);
console.log(`\nCPU per collection: memsight ${ours.toFixed(0)} µs, prom-client ${theirs.toFixed(0)} µs (ratio ${(ours / theirs).toFixed(2)})`);
