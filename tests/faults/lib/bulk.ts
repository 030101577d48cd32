// Bulk senders: 5 000-sample batches as fast as ingest takes them, each
// retried with the same seq until acknowledged, as agents do (429, 5xx and
// no answer are retried; any other 4xx is final). What they were told is
// counted, so a test can check every acknowledged sample is stored once.
import { seedBatch } from '@memsight/ingest/testing';
import { sleep } from './fault-postgres';

export const BULK_APP = 'bulk';

export function bulkSenders(url: string, apiKey: string, senders: number) {
  const stats = { acknowledged: 0, samples: 0, refused: 0, answers: new Map<number, number>() };
  let running = true;
  let giveUpAt = Infinity; // once stopped, a batch still unacknowledged a minute later is given up (and counted)
  const one = async (n: number) => {
    for (let seq = 1; running; seq++) {
      const t0 = Date.now() - 3_600_000 + seq * 5_000;
      const samples = Array.from({ length: 5_000 }, (_, i): [number, number] => [t0 + i, i]);
      const body = JSON.stringify(seedBatch({ id: `bulk-sender-${n}`, app: BULK_APP, metrics: ['process.memory.rss'], samples, seq }));
      let status = 0;
      for (;;) {
        status = await fetch(`${url}/v1/ingest`, {
          method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` }, body, signal: AbortSignal.timeout(10_000),
        }).then(async (r) => (await r.arrayBuffer(), r.status), () => 0);
        stats.answers.set(status, (stats.answers.get(status) ?? 0) + 1);
        if (status === 200 || (status >= 400 && status < 500 && status !== 429) || Date.now() > giveUpAt) break;
        await sleep(500);
      }
      if (status !== 200) {
        stats.refused++;
        continue;
      }
      stats.acknowledged++;
      stats.samples += samples.length;
    }
  };
  const loops = Array.from({ length: senders }, (_, n) => one(n));
  return { stats, stop: async () => ((running = false), (giveUpAt = Math.min(giveUpAt, Date.now() + 60_000)), await Promise.all(loops)) };
}
