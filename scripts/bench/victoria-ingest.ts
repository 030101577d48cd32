// VictoriaMetrics as bench:ingest's side-by-side peer: the same prepared
// samples, one gzip JSON-lines body per simulated instance (a line per
// metric, as its /api/v1/import takes them), sent by the same raw-socket
// load generator over the same connections, in rounds alternating with ours.
//
// VictoriaMetrics answers an import once the rows are in its in-memory
// buffers, before they reach storage; ours answers after the commit. So a
// round is timed twice: to the last answer, and to when its
// `vm_rows_added_to_storage_total` counter holds every row of the round.
import { gzipSync } from 'node:zlib';
import { buildPosts, postAll } from './http-load';
import type { BenchShape } from './sample-data';
import type { Peer } from './victoria-metrics';

export interface PeerRound {
  /** Seconds to the last import's answer. */
  answeredSeconds: number;
  /** Seconds until its storage counted every row of the round. */
  storedSeconds: number;
}

/** One import body per instance, holding every metric of its stretch of time. */
export function importBodies(values: number[][][], startMs: number, shape: BenchShape, metrics: string[]): Buffer[] {
  const timestamps = Array.from({ length: shape.timestamps }, (_, t) => startMs + t * shape.stepMs);
  const names = metrics.map((m) => m.replaceAll('.', '_'));
  return values.map((rows, i) => {
    const instance = `bench-${String(i).padStart(6, '0')}`;
    const lines = names.map((name, m) =>
      JSON.stringify({ metric: { __name__: name, instance, app: `bench-app-${i % 10}` }, values: rows.map((r) => r[m]), timestamps }),
    );
    return gzipSync(`${lines.join('\n')}\n`, { level: 6 });
  });
}

async function rowsInStorage(peer: Peer): Promise<number> {
  const text = await (await fetch(`${peer.url}/metrics`)).text();
  return Number(/^vm_rows_added_to_storage_total (\d+)/m.exec(text)?.[1] ?? NaN);
}

export function importRequests(peer: Peer, bodies: Buffer[]): Buffer[] {
  return buildPosts(Number(new URL(peer.url).port), '/api/v1/import', {}, bodies);
}

/** Posts one round's imports; `samples` is how many values the round holds. */
export async function peerRound(peer: Peer, requests: Buffer[], samples: number, concurrency: number, deadline: number): Promise<PeerRound> {
  const before = await rowsInStorage(peer);
  const started = performance.now();
  const r = await postAll(Number(new URL(peer.url).port), requests, concurrency, deadline, (res) => {
    if (res.status !== 204 && res.status !== 200) throw new Error(`victoria-metrics import answered ${res.status}: ${res.body}`);
    return 1;
  });
  if (r.acceptedRows !== requests.length) throw new Error(`victoria-metrics took ${r.acceptedRows} of ${requests.length} imports (deadline hit?)`);
  while ((await rowsInStorage(peer)) - before < samples) {
    if (Date.now() > deadline) throw new Error('victoria-metrics had not stored the round by the deadline');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return { answeredSeconds: r.seconds, storedSeconds: (performance.now() - started) / 1000 };
}
