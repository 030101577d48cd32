// The agent: a timer samples every interval, batches go to a bounded outbox,
// and one send at a time drains it with backoff. Every timer is unref'd, so
// the agent never keeps the host alive; nothing it does throws into the host.
// Every sample carries `memsight.agent.dropped_samples`: the samples lost so
// far (dropped from a full outbox, or never taken because the timer fired a
// whole interval late, the event loop blocked).
import { AGENT_NAME, AGENT_VERSION, buildBatch, encode, type Tick } from './batch.js';
import { EventLoopMonitor } from './collectors/event-loop.js';
import { GcObserver } from './collectors/gc.js';
import { GcProbe, type ProbeOutcome } from './collectors/gc-probe.js';
import { HeapSampler } from './collectors/heap-profile.js';
import { readStartTime } from './collectors/proc.js';
import type { LoadedConfig } from './config.js';
import { clusterWorkerId, instanceIdentity, newInstanceId, workerName } from './identity.js';
import type { Log } from './log.js';
import { Outbox } from './outbox.js';
import { cheap, type Sources } from './sampler.js';
import { HttpTransport, TransportError } from './transport.js';
import type { Snapshot } from '@memsight/contracts';

const MAX_BACKOFF_S = 300;

export interface AgentDeps {
  /** Wall clock (ms) for timestamps; monotonic clock (ms) for scheduling. */
  wall?: () => number;
  monotonic?: () => number;
  sources?: Partial<Sources>;
}

export class Agent {
  readonly instanceId = newInstanceId();
  readonly outbox: Outbox;
  sentBatches = 0;
  private readonly transport: HttpTransport;
  private readonly sources: Sources;
  private readonly gc: GcObserver;
  private readonly gcProbe: GcProbe | undefined;
  private readonly eventLoop = new EventLoopMonitor();
  private readonly heap: HeapSampler | undefined;
  private readonly wall: () => number;
  private readonly mono: () => number;
  private readonly startedAtMs: number;
  private readonly clusterWorkerId = clusterWorkerId();
  private ticks: Tick[] = [];
  private snapshots: Snapshot[] = [];
  private seq = 0;
  private memoryLimit: number | undefined;
  private failures = 0;
  private nextSend = 0;
  private nextFlush: number;
  private nextSlow: number;
  private timer: NodeJS.Timeout | undefined;
  /** When the scheduled tick is due (monotonic ms): how late it fires says how many were never taken. */
  private dueAt = 0;
  samplesTaken = 0;
  samplesNotTaken = 0;
  private sending: Promise<void> | undefined;
  private stopped = false;

  constructor(readonly config: LoadedConfig, private readonly log: Log, deps: AgentDeps = {}) {
    this.wall = deps.wall ?? Date.now;
    this.mono = deps.monotonic ?? (() => performance.now());
    this.gc = new GcObserver(this.mono);
    const probe = { interval: config.gcProbe, maxPause: config.gcProbeMaxPause };
    this.gcProbe = probe.interval > 0 ? new GcProbe(probe, this.mono) : undefined;
    this.outbox = new Outbox(config.bufferBytes);
    this.transport = new HttpTransport(config.endpoint, config.apiKey, config.timeout * 1000, `${AGENT_NAME}/${AGENT_VERSION}`);
    this.sources = { procRoot: '/proc', pid: 'self', cgroupRoot: '/sys/fs/cgroup', gc: this.gc, eventLoop: this.eventLoop, ...deps.sources };
    this.heap = config.heapSampling > 0 ? new HeapSampler(config.heapSampling) : undefined;
    // The process's start, not the agent's: attached late, a leak still dates from the start.
    const started = readStartTime(this.sources.procRoot, this.sources.pid);
    this.startedAtMs = started !== undefined ? started * 1000 : this.wall() - process.uptime() * 1000;
    this.nextFlush = this.mono() + config.flushInterval * 1000;
    this.nextSlow = this.mono(); // the first tick takes the slow picture too
  }

  start(): void {
    this.gc.install();
    this.eventLoop.install();
    this.heap?.start().catch((err) => this.log.once('heap', 'warning', `the sampling heap profiler is unavailable: ${err}`));
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.dueAt = this.mono() + delayMs;
    this.timer = setTimeout(() => void this.tickSafely(), delayMs);
    this.timer.unref();
  }

  private async tickSafely(): Promise<void> {
    const began = this.mono();
    const intervalMs = this.config.interval * 1000;
    const missed = Math.floor((began - this.dueAt) / intervalMs);
    if (missed > 0) {
      this.samplesNotTaken += missed;
      this.outbox.countNotTaken(missed);
    }
    try {
      await this.tick();
    } catch (err) {
      // a collector bug must cost a tick, not the host its process
      this.log.once(`tick:${(err as Error)?.name}`, 'warning', `sampling failed: ${err}`);
    }
    this.schedule(Math.max(0, intervalMs - (this.mono() - began)));
  }

  /** One sample; a batch when the flush interval is due; then a send if one is due. */
  async tick(): Promise<void> {
    const now = this.mono();
    const ts = this.wall();
    const full = now >= this.nextSlow;
    const values = cheap(this.sources, full);
    values['memsight.agent.dropped_samples'] = this.outbox.droppedTotal;
    if (full) {
      this.nextSlow = now + this.config.slowInterval * 1000;
      this.memoryLimit = values['container.memory.limit'];
      if (this.heap) await this.heapSnapshot(ts);
    }
    this.ticks.push({ ts, values });
    this.samplesTaken += 1;
    if (this.gcProbe) this.reportProbe(this.gcProbe.tick(this.gc.lastMajor, this.gc.lastForced));
    if (this.mono() >= this.nextFlush) this.flush();
    this.kick();
  }

  private reportProbe(outcome: ProbeOutcome): void {
    if (outcome.kind === 'unavailable') this.log.once('gc-probe', outcome.level, `the GC floor probe is off: ${outcome.reason}`);
    else if (outcome.kind === 'over-bound') {
      const mb = (outcome.oldGenerationBytes / 2 ** 20).toFixed(0);
      this.log.once('gc-probe-bound', 'info', `GC floor probe skipped: a major GC of this heap (${mb} MB) would pause it about ${outcome.estimateMs.toFixed(0)} ms, over gcProbeMaxPause; retrying every interval`);
    } else if (outcome.kind === 'fired') this.log.log('debug', `GC floor probe: requested a major GC (about ${outcome.estimateMs.toFixed(0)} ms)`);
  }

  private async heapSnapshot(ts: number): Promise<void> {
    try {
      const sites = await this.heap!.take(20);
      this.snapshots = [...this.snapshots, { kind: 'allocation_sites' as const, ts, source: 'v8-sampling-heap-profiler' as const, sites }].slice(-8);
    } catch (err) {
      this.log.once('heap-take', 'warning', `could not read the heap profile: ${err}`);
    }
  }

  /** Turns the collected ticks into one encoded batch in the outbox. */
  flush(): void {
    this.nextFlush = this.mono() + this.config.flushInterval * 1000;
    if (!this.ticks.length) return;
    const c = this.config;
    const identity = instanceIdentity({
      app: c.app, appVersion: c.appVersion, labels: c.labels, instanceId: this.instanceId, startedAtMs: this.startedAtMs,
      worker: workerName(c.pm2Instance, this.clusterWorkerId), memoryLimit: this.memoryLimit,
    });
    const dropped = this.outbox.takeDropped();
    const batch = buildBatch(identity, this.seq, this.ticks, this.snapshots, dropped);
    this.outbox.put({ seq: this.seq, body: encode(batch), samples: this.ticks.length, reportsDropped: dropped });
    this.seq += 1;
    this.ticks = [];
    this.snapshots = [];
  }

  /** Starts draining the outbox unless a send is in flight or backing off. */
  kick(): void {
    if (this.sending || this.mono() < this.nextSend || !this.outbox.length) return;
    this.sending = this.drain(false).finally(() => (this.sending = undefined));
  }

  /** Resolves when no send is in flight. */
  idle(): Promise<void> {
    return this.sending ?? Promise.resolve();
  }

  private async drain(hold: boolean, deadline = Infinity): Promise<void> {
    while (this.outbox.length && this.mono() < deadline) {
      const pending = this.outbox.beginSend()!;
      let response;
      try {
        response = await this.transport.post(pending.body, hold);
      } catch (err) {
        this.outbox.endSend();
        this.backoff(undefined, `ingest unreachable: ${err instanceof TransportError ? err.message : err}`);
        return;
      }
      if (response.status < 300) {
        this.outbox.acknowledge(pending);
        this.sentBatches += 1;
        if (this.failures) this.log.log('info', `ingest reachable again after ${this.failures} failed tries`);
        this.failures = 0;
        this.nextSend = 0;
      } else if (response.status === 429 || response.status >= 500) {
        this.outbox.endSend();
        this.backoff(response.retryAfter, `ingest answered ${response.status}`);
        return;
      } else {
        // our batch or our key is wrong: resending cannot help, and its samples count as dropped
        this.outbox.refuse(pending);
        this.log.once(`http:${response.status}`, 'warning', `ingest refused a batch with ${response.status}: ${response.body.slice(0, 300)}`);
      }
    }
  }

  private backoff(retryAfter: number | undefined, reason: string): void {
    this.failures += 1;
    let delay = Math.min(MAX_BACKOFF_S, this.config.interval * 2 ** Math.min(this.failures - 1, 10));
    delay *= 0.5 + Math.random() / 2; // jitter: a fleet must not retry in step
    if (retryAfter !== undefined) delay = Math.max(delay, retryAfter);
    this.nextSend = this.mono() + delay * 1000;
    // Info, not warning: an ingest outage is expected weather.
    this.log.once(`backoff:${reason.split(':')[0]}`, 'info', `${reason}; retrying with backoff (next in ${delay.toFixed(1)}s)`);
  }

  /** Stops sampling, then sends what is buffered (one last tick included) until the deadline. */
  async stop(deadlineMs = 2000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    const deadline = this.mono() + deadlineMs;
    try {
      this.transport.holdInFlight(); // its socket is unref'd: awaiting it alone would let the process end first
      await this.sending;
      this.flushFinal();
      await this.drain(true, deadline);
    } catch (err) {
      this.log.once('stop', 'warning', `final flush failed: ${err}`);
    } finally {
      this.uninstall();
    }
  }

  /** For process.exit(): what is still unsent, newest batch included, for a synchronous send. */
  finalBodies(): Buffer[] {
    this.stopped = true;
    clearTimeout(this.timer);
    try {
      this.flushFinal();
    } catch {
      // sampling at exit is best effort
    }
    this.uninstall();
    return this.outbox.takeAll().map((b) => b.body);
  }

  /** A last reading (so a process's last moments are in its data; one per millisecond at most), then the batch. */
  private flushFinal(): void {
    const ts = this.wall();
    if ((this.ticks.at(-1)?.ts ?? -1) < Math.round(ts)) {
      this.ticks.push({ ts, values: { ...cheap(this.sources, false), 'memsight.agent.dropped_samples': this.outbox.droppedTotal } });
    }
    this.flush();
  }

  private uninstall(): void {
    this.gc.uninstall();
    this.eventLoop.uninstall();
    this.heap?.stop();
  }
}
