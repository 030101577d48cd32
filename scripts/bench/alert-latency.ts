// From the commit of a sample that crosses a threshold rule to the alert
// event in a socket.io client: the whole path with real processes (agent
// batches over HTTP → ingest → PostgreSQL → NOTIFY → alerter fast round →
// transition + NOTIFY → ingest relay → socket.io). "Commit" is when ingest
// answers the POST: it acknowledges only after the transaction commits.
import { gzipSync } from 'node:zlib';
import { io as connect } from 'socket.io-client';
import type { AlertTransitionEvent, IngestBatch } from '@memsight/contracts';

export interface LatencyResult {
  trials: number;
  firingMs: number[];
  resolvedMs: number[];
}

const METRICS = ['process.memory.rss', 'process.threads', 'process.open_fds{kind=total}'];

function batch(instance: number, seq: number, tsMs: number, threads: number, startedAt: number): IngestBatch {
  return {
    v: 1,
    agent: { name: 'memsight-bench', version: '0' },
    instance: { id: `latency-${String(instance).padStart(4, '0')}`, app: 'latency-app', host: 'bench', pid: 10_000 + instance, runtime: 'cpython', runtimeVersion: '3.11.7', startedAt },
    seq,
    metrics: METRICS,
    samples: [{ ts: tsMs, values: [80e6, threads, 40] }],
  };
}

export async function measureAlertLatency(o: {
  ingestUrl: string;
  apiKey: string;
  instances: number;
  trials: number;
  /** Background instances posting normal samples every second during the trials. */
  backgroundInstances: number;
  log: (m: string) => void;
}): Promise<LatencyResult> {
  const startedAt = Date.now() - 3600_000;
  const seqs = new Map<number, number>();
  const post = async (instance: number, threads: number) => {
    const seq = (seqs.get(instance) ?? 0) + 1;
    seqs.set(instance, seq);
    const res = await fetch(`${o.ingestUrl}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: `Bearer ${o.apiKey}` },
      body: gzipSync(JSON.stringify(batch(instance, seq, Date.now(), threads, startedAt))),
    });
    if (!res.ok) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  };

  const socket = connect(o.ingestUrl, { auth: { apiKey: o.apiKey }, transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const waiters = new Map<string, (at: number) => void>();
  socket.on('alert:transition', (e: AlertTransitionEvent) => {
    const key = `${e.alert.instanceId}:${e.transition.to}`;
    waiters.get(key)?.(performance.now());
  });
  const eventFor = (instanceId: string, to: string, timeoutMs = 10_000) =>
    new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${to} event for instance ${instanceId} within ${timeoutMs} ms`)), timeoutMs);
      waiters.set(`${instanceId}:${to}`, (at) => {
        clearTimeout(timer);
        waiters.delete(`${instanceId}:${to}`);
        resolve(at);
      });
    });

  // Every instance registers with a normal sample; the alerter takes new instances in on their first commit.
  for (let i = 0; i < o.instances + o.backgroundInstances; i++) await post(i, 10);
  const serverIds = await instanceIds(o.ingestUrl, o.apiKey);
  let background = true;
  const backgroundLoop = (async () => {
    while (background) {
      const t = Date.now();
      for (let i = o.instances; i < o.instances + o.backgroundInstances && background; i++) await post(i, 10);
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - t))));
    }
  })();

  const result: LatencyResult = { trials: o.trials, firingMs: [], resolvedMs: [] };
  try {
    for (let trial = 0; trial < o.trials; trial++) {
      const instance = trial % o.instances;
      const id = serverIds.get(`latency-${String(instance).padStart(4, '0')}`)!;
      const firing = eventFor(id, 'firing');
      await post(instance, 600);
      const committed = performance.now();
      result.firingMs.push((await firing) - committed);
      const resolved = eventFor(id, 'resolved');
      await post(instance, 10);
      const cleared = performance.now();
      result.resolvedMs.push((await resolved) - cleared);
      if ((trial + 1) % 25 === 0) o.log(`latency: ${trial + 1}/${o.trials} trials`);
    }
  } finally {
    background = false;
    await backgroundLoop;
    socket.disconnect();
  }
  return result;
}

async function instanceIds(ingestUrl: string, apiKey: string): Promise<Map<string, string>> {
  const headers = { authorization: `Bearer ${apiKey}` };
  const { apps } = (await (await fetch(`${ingestUrl}/api/apps`, { headers })).json()) as { apps: { id: string; name: string }[] };
  const app = apps.find((a) => a.name === 'latency-app')!;
  const { instances } = (await (await fetch(`${ingestUrl}/api/apps/${app.id}/instances`, { headers })).json()) as { instances: { id: string; agentInstanceId: string }[] };
  return new Map(instances.map((i) => [i.agentInstanceId, i.id]));
}
