// The accuracy goals, on a bounded sample of the suite (scripts/accuracy.ts
// runs the full one and prints its table): every leak of 10 MB/h or more, on
// heaps up to 512 MB, fires through decide() within 30 minutes of its start,
// for both runtimes; and no healthy, warm-up, deploy-step, fragmentation,
// restart or gap program raises any false alert.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { falseAlerts, HEALTHY_FAMILIES, leakCase, runFamily, runLeakCase } from './accuracy-suite';
import { MB, MINUTE } from './synthetic';

const RUNTIMES = ['cpython', 'node'] as const;

test('every leak of 10 MB/h or more on heaps up to 512 MB fires within 30 minutes of its start', () => {
  const misses: string[] = [];
  for (const runtime of RUNTIMES) {
    for (const rate of [10, 20, 50, 100, 1000]) {
      for (const heap of [32, 128, 512]) {
        for (const seed of [0, 1, 2, 3]) {
          const r = runLeakCase(leakCase(runtime, rate * MB, heap * MB, seed, 32 * MINUTE));
          const label = `${runtime} ${rate} MB/h on ${heap} MB (seed ${seed}, from ${(r.c.leakStartMs / MINUTE).toFixed(0)} min, ${r.c.spec.leak!.kind})`;
          if (r.early) misses.push(`${label}: fired before the leak began`);
          if (r.detectMinutes === null || r.detectMinutes > 30) misses.push(`${label}: ${r.detectMinutes === null ? 'never fired' : `fired after ${r.detectMinutes.toFixed(1)} min`}`);
        }
      }
    }
  }
  assert.deepEqual(misses, []);
});

test('no false alert of any kind on healthy, warm-up, deploy-step, fragmentation, restart and gap programs', () => {
  const wrong: string[] = [];
  for (const family of HEALTHY_FAMILIES) {
    for (const runtime of RUNTIMES) {
      for (let seed = 0; seed < 10; seed++) {
        const r = runFamily(family, runtime, seed);
        if (falseAlerts(r) > 0) wrong.push(`${family} ${runtime} seed ${seed}: ${r.summaries.join('; ')}`);
        if (r.alerts.leak > 0) wrong.push(`${family} ${runtime} seed ${seed}: a leak alert`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});
