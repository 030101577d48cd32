// Runs a synthetic program (or recorded samples) through what production runs: its samples into an
// InstanceSeries (60 s buckets, a 2 h ring), every detector every 30 s with
// the default rules, and each verdict through decide() with the kind's `for`
// and keep-firing-for. What comes out is the alerts a user would have seen.
import { checkRuleParams, RULE_DEFAULTS, type AlertKind, type RuleParams } from '@memsight/contracts';
import { decide, type OpenAlertState } from '../lifecycle/decide';
import { InstanceSeries } from '../series/instance-series';
import { DETECTORS } from './index';
import { generate, type ProgramSpec, type SyntheticInstance } from './synthetic';
import type { Detector, Finding, SeriesView, Verdict } from './types';

/** Kinds with a default rule (threshold rules are the user's own). */
export const SIMULATED_KINDS = ['leak', 'time-to-limit', 'fragmentation', 'resource-leak', 'gc'] as const satisfies readonly AlertKind[];
export type SimulatedKind = (typeof SIMULATED_KINDS)[number];

export interface SimulatedAlert {
  kind: SimulatedKind;
  instanceId: string;
  openedAtMs: number;
  firedAtMs: number | null;
  resolvedAtMs: number | null;
  /** The finding when it opened, and when it fired. */
  opened: Finding;
  fired?: Finding;
}

export interface Simulation {
  startMs: number;
  alerts: SimulatedAlert[];
  evaluations: number;
  /** Wall time spent inside detectors. */
  detectorMs: number;
}

export interface SimulateOptions {
  startMs?: number;
  everyMs?: number;
  kinds?: readonly SimulatedKind[];
  params?: Partial<{ [K in SimulatedKind]: Partial<RuleParams[K]> }>;
  /** The series' bucket width and ring length (production: 60 s × 120). */
  bucketMs?: number;
  capacity?: number;
  /** Overrides of a kind's `for` and keep-firing-for, in seconds. */
  timing?: Partial<Record<SimulatedKind, { forSeconds: number; keepFiringForSeconds: number }>>;
  /** Every verdict, for tests that look inside a run. */
  onVerdict?: (kind: SimulatedKind, view: SeriesView, verdict: Verdict) => void;
}

export const DEFAULT_START_MS = Date.UTC(2025, 0, 6, 8, 0, 0);

function paramsFor<K extends SimulatedKind>(kind: K, overrides: Partial<RuleParams[K]> = {}): RuleParams[K] {
  const checked = checkRuleParams(kind, overrides);
  if (!checked.ok) throw new Error(`bad ${kind} params: ${JSON.stringify(checked.problems)}`);
  return checked.params;
}

export function simulate(spec: ProgramSpec, o: SimulateOptions = {}): Simulation {
  const startMs = o.startMs ?? DEFAULT_START_MS;
  return replay(generate(spec, startMs), startMs + spec.durationMs, { ...o, startMs });
}

/** Recorded instances (one per process lifetime, in order) through the same rounds; the last runs until `endMs`. */
export function replay(instances: SyntheticInstance[], endMs: number, o: SimulateOptions = {}): Simulation {
  const startMs = o.startMs ?? instances[0]?.facts.startedAtMs ?? 0;
  const everyMs = o.everyMs ?? 30_000;
  const kinds = o.kinds ?? SIMULATED_KINDS;
  const rules = kinds.map((kind) => ({
    kind,
    detector: DETECTORS[kind] as Detector<RuleParams[SimulatedKind]>,
    params: paramsFor(kind, o.params?.[kind] as never),
    forMs: (o.timing?.[kind] ?? RULE_DEFAULTS[kind]).forSeconds * 1000,
    resolveHoldMs: (o.timing?.[kind] ?? RULE_DEFAULTS[kind]).keepFiringForSeconds * 1000,
  }));
  const out: Simulation = { startMs, alerts: [], evaluations: 0, detectorMs: 0 };
  instances.forEach((inst, index) => {
    const until = instances[index + 1]?.facts.startedAtMs ?? endMs;
    const series = new InstanceSeries(inst.facts, o.bucketMs ?? 60_000, o.capacity ?? 120);
    const open = new Map<SimulatedKind, { state: OpenAlertState; alert: SimulatedAlert }>();
    let next = 0;
    for (let now = Math.ceil((inst.facts.startedAtMs + 1) / everyMs) * everyMs; now < until; now += everyMs) {
      while (next < inst.samples.length && inst.samples[next]!.ts <= now) {
        series.addRecord(inst.samples[next]!.ts, inst.samples[next]!.record);
        next++;
      }
      if (series.latestTs === -Infinity) continue;
      const view = series.view(now);
      out.evaluations++;
      for (const rule of rules) {
        const began = performance.now();
        const verdict = rule.detector(view, rule.params);
        out.detectorMs += performance.now() - began;
        o.onVerdict?.(rule.kind, view, verdict);
        const current = open.get(rule.kind);
        const d = decide(current?.state, verdict, { forMs: rule.forMs, resolveHoldMs: rule.resolveHoldMs, nowMs: now, kind: rule.kind });
        if (d.action === 'open') {
          const alert: SimulatedAlert = { kind: rule.kind, instanceId: inst.facts.id, openedAtMs: now, firedAtMs: d.state === 'firing' ? now : null, resolvedAtMs: null, opened: verdict! };
          out.alerts.push(alert);
          open.set(rule.kind, { state: { state: d.state, startedAtMs: now, clearSinceMs: null }, alert });
        } else if (d.action === 'fire' && current) {
          current.state = { ...current.state, state: 'firing', clearSinceMs: null };
          current.alert.firedAtMs = now;
          current.alert.fired = verdict!;
        } else if (d.action === 'hold' && current) {
          current.state = { ...current.state, clearSinceMs: d.clearSinceMs };
        } else if (d.action === 'resolve' && current) {
          current.alert.resolvedAtMs = now;
          open.delete(rule.kind);
        }
      }
    }
    for (const { alert } of open.values()) alert.resolvedAtMs ??= until; // the process ended
  });
  return out;
}

/** Alerts that fired (pending ones that cleared before their `for` are not seen by anyone). */
export function fired(sim: Simulation, kind?: SimulatedKind): SimulatedAlert[] {
  return sim.alerts.filter((a) => a.firedAtMs !== null && (!kind || a.kind === kind));
}
