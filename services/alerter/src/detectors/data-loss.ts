// Data loss: the agent dropped samples. Both agents count what they lose in
// memsight.agent.dropped_samples, a counter per process: batches dropped from
// their full buffer (ingest unreachable, slow or refusing them) and ticks
// never taken (the process too busy to run the agent's timer). The counter
// rides on the samples that did arrive, so its rise within the window is the
// loss, however long ago the process started. A process whose history starts
// inside the window (new, or silent for all of the alerter's history) rose
// from 0: the counter starts there with its process.
import type { DataLossParams } from '@memsight/contracts';
import { increase, readPoints } from './envelope';
import { formatCount, formatDuration } from './format';
import type { Detector, Points } from './types';

export const DROPPED_METRIC = 'memsight.agent.dropped_samples';

/** The counter's points from the last one before `fromMs` on (or from a 0 at `fromMs` when the ring starts inside the window). */
function sinceBaseline(all: Points, fromMs: number, bucketMs: number): Points {
  const first = Math.floor(fromMs / bucketMs) * bucketMs; // bucket middles from the bucket holding fromMs on are in the window
  let i = 0;
  while (i < all.t.length && all.t[i]! < first) i++;
  if (i > 0) return { t: all.t.slice(i - 1), v: all.v.slice(i - 1) };
  return { t: [fromMs, ...all.t], v: [0, ...all.v] };
}

export const dataLoss: Detector<DataLossParams> = (view, p) => {
  const all = readPoints(view, DROPPED_METRIC, 'last', -Infinity);
  // An agent that does not report the counter (an old one) cannot be judged.
  if (all.t.length === 0) return undefined;
  const fromMs = view.nowMs - p.windowSeconds * 1000;
  const counted = increase(sinceBaseline(all, fromMs, view.bucketMs));
  const dropped = counted.v[counted.v.length - 1]!;
  if (dropped < p.minDropped) return null;
  const total = all.v[all.v.length - 1]!;
  const samples = dropped === 1 ? 'sample' : 'samples';
  return {
    summary: `the agent dropped ${formatCount(dropped)} ${samples} in the last ${formatDuration(p.windowSeconds)} (buffer full: ingest unreachable?)`,
    metric: DROPPED_METRIC,
    value: dropped,
    evidence: {
      nextStep:
        "Those samples are gone: the instance's charts have a gap there. A full buffer means ingest was unreachable, too slow or refusing this agent's batches (see ingest's /readyz and the agent's log for 429 or 503); ticks never taken mean the process was too busy to run the agent.",
      metric: DROPPED_METRIC,
      level: total,
      series: { t: counted.t.slice(1), v: counted.v.slice(1) },
      signals: { droppedInWindow: dropped, droppedByThisProcess: total },
    },
  };
};
