// The bodies bench:isolation sends: the quiet tenant's one-sample batches and
// the flooding tenant's maximal ones.

/**
 * One batch of instance `id`. `startedAt` is the process's start, the same in every batch of an instance, as an
 * agent sends it: a start that changed with every batch made ingest take the quiet tenant for a process restarting
 * 50 times a second, and write its instance row (and a deploy check) on every batch.
 */
export function batch(id: string, seq: number, samples: [number, ...number[]][], metrics: string[], startedAt: number): string {
  return JSON.stringify({
    v: 1, agent: { name: 'memsight-bench', version: '0.0.0' },
    instance: { id, app: id.split('-')[0]!, host: id, pid: 1, runtime: 'node', runtimeVersion: '20.0.0', startedAt },
    seq, metrics, samples: samples.map(([ts, ...values]) => ({ ts, values })),
  });
}

/** About `mb` MB of JSON in a valid batch: the most samples a batch may hold (10 000), 1 s apart, with as many metrics as fill it. */
export function floodBody(mb: number): string {
  const metrics = Array.from({ length: Math.min(512, Math.floor((mb * 1024 * 1024) / 10_000 / 11)) }, (_, i) => `bench.flood.m${i}`);
  const now = Date.now();
  const samples = (n: number) => Array.from({ length: n }, (_, i): [number, ...number[]] => [now - (n - i) * 1000, ...metrics.map((_, j) => 100_000 + i + j + 0.123)]);
  const started = now - 20_000_000;
  const one = batch('flood-instance-1', 1, samples(1), metrics, started).length;
  const perSample = batch('flood-instance-1', 1, samples(2), metrics, started).length - one;
  return batch('flood-instance-1', 1, samples(Math.min(10_000, Math.floor((mb * 1024 * 1024 - one) / perSample))), metrics, started);
}
