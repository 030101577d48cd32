// A round: which instances are live, what arrived for them since last time,
// what every applicable rule's detector says now, and the resulting alert
// changes, written in one transaction per chunk on the leader's connection
// (the advisory lock's own session: if the lock is lost, so are the writes).
import type pg from 'pg';
import type { Logger } from 'pino';
import { ensureBuiltinRules, latestSnapshots } from '@memsight/db';
import { DETECTORS } from '../detectors/index';
import type { Detector } from '../detectors/types';
import { enrichEvidence } from '../lifecycle/enrich-evidence';
import { listInstancesByIds, listLiveInstances, type LiveInstance } from '../queries/list-live-instances';
import { listOpenAlerts } from '../queries/list-open-alerts';
import { listRules } from '../queries/list-rules';
import { writeAlertChanges, type AlertChange, type WrittenTransition } from '../queries/write-alert-changes';
import { evaluateInstance, type DetectFn } from './evaluate-instance';
import { OpenAlerts } from './open-alerts';
import { RuleIndex } from './rule-index';
import { SeriesStore } from './series-store';

export interface EvaluatorOptions {
  pool: pg.Pool;
  /** Runs on the leader's session: alert writes go through it, so a lost lock means no writes. */
  leader: <T>(fn: (session: pg.ClientBase) => Promise<T>) => Promise<T>;
  log: Logger;
  now: () => number;
  bucketSeconds: number;
  historySeconds: number;
  liveWindowSeconds: number;
  /** Instances per read-evaluate-write chunk of a full round. */
  chunkSize?: number;
  /** Between a full round's chunks: lets fast rounds (threshold rules on fresh samples) go first. */
  between?: () => Promise<void>;
  /** Replaces detectors by kind (tests of the lifecycle with a detector whose verdicts they choose). */
  detectors?: Partial<typeof DETECTORS>;
}

export interface RoundStats {
  mode: 'fast' | 'full';
  instances: number;
  samples: number;
  changes: number;
  transitions: WrittenTransition[];
  ms: { read: number; evaluate: number; write: number; total: number };
}

const EVIDENCE_KINDS = new Set(['leak', 'time-to-limit']);

export class Evaluator {
  readonly series: SeriesStore;
  private open = new OpenAlerts();
  private rules = new RuleIndex([], 0);
  private instances = new Map<string, LiveInstance>();
  private readonly reportedInvalid = new Set<string>();
  private readonly detect: DetectFn;

  constructor(private readonly o: EvaluatorOptions) {
    this.series = new SeriesStore({ bucketMs: o.bucketSeconds * 1000, historyMs: o.historySeconds * 1000 });
    const detectors = { ...DETECTORS, ...o.detectors };
    this.detect = (kind, view, params) => {
      try {
        return (detectors[kind] as Detector<typeof params>)(view, params);
      } catch (err) {
        // A detector bug costs one verdict ("cannot tell"), never the round.
        o.log.error({ err, kind, instance: view.instance.id }, 'detector failed');
        return undefined;
      }
    };
  }

  /** Forgets everything in memory (on losing leadership); the next round starts from the database. */
  reset(): void {
    this.series.clear();
    this.open = new OpenAlerts();
    this.instances.clear();
  }

  /** Every live instance, every rule. */
  async fullRound(): Promise<RoundStats> {
    const began = this.o.now();
    const nowMs = began;
    const live = await listLiveInstances(this.o.pool, nowMs - this.o.liveWindowSeconds * 1000);
    this.instances = new Map(live.map((i) => [i.id, i]));
    this.series.retain(new Set(this.instances.keys()));
    for (const inst of live) this.series.adopt(factsOf(inst));
    await this.reloadRules([...new Set(live.map((i) => i.projectId))]);
    this.open = new OpenAlerts(await listOpenAlerts(this.o.pool));
    const stats = emptyStats('full', live.length);
    const chunkSize = this.o.chunkSize ?? 1000;
    for (let i = 0; i < live.length; i += chunkSize) {
      if (i > 0) await this.o.between?.();
      await this.evaluateChunk(live.slice(i, i + chunkSize), 'full', stats);
    }
    stats.ms.total = this.o.now() - began;
    return stats;
  }

  /** Threshold rules only, for instances that just got samples: the path that makes an alert reach a dashboard within a second. */
  async fastRound(instanceIds: string[]): Promise<RoundStats> {
    const began = this.o.now();
    await this.adoptNew(instanceIds.filter((id) => !this.instances.has(id)));
    const known = instanceIds.map((id) => this.instances.get(id)).filter((i): i is LiveInstance => !!i);
    const stats = emptyStats('fast', known.length);
    if (known.length) await this.evaluateChunk(known, 'fast', stats);
    stats.ms.total = this.o.now() - began;
    return stats;
  }

  /** An instance that started since the last full round: taken in now, so its first samples already meet the threshold rules. */
  private async adoptNew(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const fresh = await listInstancesByIds(this.o.pool, ids);
    const knownProjects = new Set([...this.instances.values()].map((i) => i.projectId));
    for (const inst of fresh) {
      this.instances.set(inst.id, inst);
      this.series.adopt(factsOf(inst));
    }
    if (fresh.some((i) => !knownProjects.has(i.projectId))) await this.reloadRules();
  }

  /** Rules changed (ingest tells us): re-read them before the next round. */
  async reloadRules(projectIds = [...new Set([...this.instances.values()].map((i) => i.projectId))]): Promise<void> {
    await ensureBuiltinRules(this.o.pool, projectIds);
    this.rules = new RuleIndex(await listRules(this.o.pool, projectIds), this.o.historySeconds);
    for (const { rule, message } of this.rules.invalid) {
      if (this.reportedInvalid.has(rule.id)) continue;
      this.reportedInvalid.add(rule.id);
      this.o.log.warn({ rule: rule.id, project: rule.projectId }, `rule skipped, its params are invalid: ${message}`);
    }
  }

  private async evaluateChunk(instances: LiveInstance[], mode: 'fast' | 'full', stats: RoundStats): Promise<void> {
    let t = this.o.now();
    const { rows } = await this.series.catchUp(this.o.pool, instances.map((i) => i.id), t);
    stats.samples += rows;
    const nowMs = this.o.now();
    stats.ms.read += nowMs - t;
    t = nowMs;
    const round = { nowMs, mode, rules: this.rules, open: this.open, detect: this.detect, liveSinceMs: nowMs - this.o.liveWindowSeconds * 1000 };
    const changes: AlertChange[] = [];
    for (const inst of instances) changes.push(...evaluateInstance(inst, this.series.get(inst.id)?.view(nowMs), round));
    stats.ms.evaluate += this.o.now() - t;
    t = this.o.now();
    if (changes.length) {
      await this.addEvidence(changes);
      stats.transitions.push(...(await this.o.leader((session) => writeAlertChanges(session, changes))));
      stats.changes += changes.length;
    }
    stats.ms.write += this.o.now() - t;
  }

  /** Snapshots (sites, types) go into a leak or limit alert's evidence when it opens and when it fires. */
  private async addEvidence(changes: AlertChange[]): Promise<void> {
    for (const change of changes) {
      if ((change.type !== 'open' && change.type !== 'fire') || !EVIDENCE_KINDS.has(change.kind)) continue;
      const inst = this.instances.get(change.instanceId);
      if (!inst) continue;
      const snapshots = await latestSnapshots(this.o.pool, change.instanceId, this.o.now() - 3600_000);
      change.evidence = enrichEvidence(change.evidence, snapshots, inst.runtime);
    }
  }
}

function factsOf(inst: LiveInstance) {
  return { id: inst.id, runtime: inst.runtime, startedAtMs: inst.startedAtMs, memoryLimitBytes: inst.memoryLimitBytes };
}

function emptyStats(mode: 'fast' | 'full', instances: number): RoundStats {
  return { mode, instances, samples: 0, changes: 0, transitions: [], ms: { read: 0, evaluate: 0, write: 0, total: 0 } };
}
