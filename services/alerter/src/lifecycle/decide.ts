// The alert state machine, as a pure function (Prometheus' rule semantics):
// a condition that starts holding opens a pending alert; one that holds for the
// rule's `for` fires it; one that stops holding resolves it, a firing alert only
// after it stayed clear for `resolveHoldMs` so a condition at its edge does
// not flap. A detector's pending condition may blink off for up to
// PENDING_GRACE_MS (a noisy floor at the edge of one of its statistical gates
// for an evaluation or two) without restarting its `for`; longer, and it
// resolves. A threshold is the user's own crisp condition: it gets no grace.
// A verdict of "cannot tell" (too little data, a restart still
// warming up) changes nothing: a restart never resolves what was decided.
import type { AlertKind } from '@memsight/contracts';
import type { Verdict } from '../detectors/types';

export interface OpenAlertState {
  state: 'pending' | 'firing';
  startedAtMs: number;
  /** When the condition was last seen clear while firing; null while it holds. */
  clearSinceMs: number | null;
}

export type Decision =
  | { action: 'none' }
  | { action: 'open'; state: 'pending' | 'firing' }
  | { action: 'fire' }
  | { action: 'hold'; clearSinceMs: number | null }
  | { action: 'resolve'; reason: string };

export interface DecideOptions {
  forMs: number;
  resolveHoldMs: number;
  nowMs: number;
  kind: AlertKind;
}

/** How long a detector's pending condition may be clear without resolving it; never more than half its `for`. */
export const PENDING_GRACE_MS = 60_000;

export function decide(open: OpenAlertState | undefined, verdict: Verdict, o: DecideOptions): Decision {
  if (verdict === undefined) return { action: 'none' };
  if (verdict) {
    if (!open) return { action: 'open', state: o.forMs <= 0 ? 'firing' : 'pending' };
    if (open.state === 'pending' && o.nowMs - open.startedAtMs >= o.forMs) return { action: 'fire' };
    return { action: 'hold', clearSinceMs: null };
  }
  if (!open) return { action: 'none' };
  // Pending and firing alerts alike resolve once clear for long enough; only how long differs.
  const clearSince = open.clearSinceMs ?? o.nowMs;
  const pending = open.state === 'pending';
  const holdMs = !pending ? o.resolveHoldMs : o.kind === 'threshold' ? 0 : Math.min(PENDING_GRACE_MS, o.forMs / 2);
  if (o.nowMs - clearSince >= holdMs) {
    return { action: 'resolve', reason: pending ? 'The condition cleared before it held for the rule\'s "for".' : 'The condition no longer holds.' };
  }
  return { action: 'hold', clearSinceMs: clearSince };
}
