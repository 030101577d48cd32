// What the instance page says about samples the agent lost (its buffer full
// while ingest was unreachable or refusing it, or ticks it never took): the
// charts alone only show a gap, which reads like a quiet process. Pure, so
// the sentence is tested without a browser.
import { formatAgo } from './format';

export interface AgentDrops {
  droppedSamples: number;
  droppedLastAt: string | null;
}

/** "Agent dropped 1,234 samples (last at 02/12/2026, 07:31:20, 5m ago)", or null when it lost none. */
export function describeDrops(d: AgentDrops, nowMs = Date.now(), formatTime = (ms: number) => new Date(ms).toLocaleString()): string | null {
  if (!(d.droppedSamples > 0)) return null;
  const count = `${d.droppedSamples.toLocaleString('en-US')} ${d.droppedSamples === 1 ? 'sample' : 'samples'}`;
  const last = d.droppedLastAt ? ` (last at ${formatTime(Date.parse(d.droppedLastAt))}, ${formatAgo(d.droppedLastAt, nowMs)})` : '';
  return `Agent dropped ${count}${last}`;
}
