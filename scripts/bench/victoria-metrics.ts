// VictoriaMetrics as the peer of bench:history: the Debian package's single
// binary on loopback, loaded over its JSON-lines import with the very samples
// PostgreSQL holds, measured on disk right after ingest, and asked the same
// range queries. Missing binary: installed with apt when that works, else the
// peer is skipped with the reason.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../lib/free-port';
import { inheritedEnvironment } from '../lib/stack-config';

const BINARY = '/usr/bin/victoria-metrics';

export interface Peer {
  url: string;
  dataDir: string;
  stop: () => Promise<void>;
}

/** Starts VictoriaMetrics, or returns why it cannot. */
export async function startVictoriaMetrics(say: (m: string) => void): Promise<Peer | string> {
  if (!existsSync(BINARY)) {
    say('victoria-metrics is missing: apt-get install -y victoria-metrics');
    const apt = spawnSync('apt-get', ['install', '-y', '-qq', 'victoria-metrics'], { stdio: 'ignore', env: { ...inheritedEnvironment(), DEBIAN_FRONTEND: 'noninteractive' } });
    if (apt.status !== 0 || !existsSync(BINARY)) return 'victoria-metrics is not installed and apt could not install it (apt-get install -y victoria-metrics)';
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'memsight-bench-vm-'));
  const port = await freePort();
  const child: ChildProcess = spawn(BINARY, [`-storageDataPath=${dataDir}`, `-httpListenAddr=127.0.0.1:${port}`, '-retentionPeriod=5y', '-loggerLevel=ERROR'], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (await fetch(`${url}/health`).then((r) => r.ok).catch(() => false)) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      return { url, dataDir, stop: () => (child.kill('SIGTERM'), exited) };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  return 'victoria-metrics did not answer /health within 10 s';
}

/** Imports one series through /api/v1/import (JSON lines). */
export async function importSeries(peer: Peer, labels: Record<string, string>, timestamps: number[], values: number[]): Promise<void> {
  const res = await fetch(`${peer.url}/api/v1/import`, { method: 'POST', body: `${JSON.stringify({ metric: labels, values, timestamps })}\n` });
  if (!res.ok) throw new Error(`victoria-metrics import: ${res.status} ${await res.text()}`);
}

/** Bytes in its data directory; call it once the peer has stopped (a stop flushes what it held in memory). */
export function diskBytes(peer: Peer): number {
  const walk = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? walk(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).size), 0);
  return walk(peer.dataDir);
}

/** A range query's time in ms, and how many points came back. */
export async function timeRangeQuery(peer: Peer, query: string, startMs: number, endMs: number, stepMs: number): Promise<{ took: number; points: number }> {
  const q = new URLSearchParams({ query, start: String(startMs / 1000), end: String(endMs / 1000), step: `${stepMs / 1000}s` });
  const t = performance.now();
  const res = await fetch(`${peer.url}/api/v1/query_range?${q}`);
  const body = (await res.json()) as { status: string; data?: { result: { values: unknown[] }[] }; error?: string };
  const took = performance.now() - t;
  if (body.status !== 'success') throw new Error(`victoria-metrics query: ${body.error}`);
  return { took, points: body.data!.result.reduce((n, s) => n + s.values.length, 0) };
}
