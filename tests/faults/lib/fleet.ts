// Simulated hosts: many real Node agents (agents/node/src/agent.ts, with its
// real outbox, retry and backoff) in this one process, each its own instance,
// sampling at 1 Hz. Every batch an agent builds is counted as it enters the
// outbox, so a test can account for every sample: stored, dropped at the cap
// (and reported), or still pending.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Agent } from '../../../agents/node/src/agent';
import { loadConfig } from '../../../agents/node/src/config';
import { Log } from '../../../agents/node/src/log';

export interface FleetOptions {
  agents: number;
  endpoint: string;
  apiKey: string;
  app?: string;
  /** The outbox cap per agent (the agent's MEMSIGHT_BUFFER_BYTES). */
  bufferBytes?: number;
}

export interface FleetTotals {
  /** Samples in the batches the agents built. */
  built: number;
  batches: number;
  /** Samples dropped from full outboxes (oldest first). */
  droppedAtCap: number;
  /** What the agents report as memsight.agent.dropped_samples (drops plus samples never taken). */
  reportedDropped: number;
  /** Batches still waiting in outboxes. */
  pendingBatches: number;
  /** The most any one agent's outbox held, in bytes: what an agent's buffering costs its host, bounded by its cap. */
  peakOutboxBytes: number;
}

export class Fleet {
  readonly agents: Agent[] = [];
  private readonly built = new Map<Agent, { samples: number; batches: number }>();
  private peakOutboxBytes = 0;
  /** The host's work loop: its timer delay while the agents run beside it. */
  readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });

  constructor(private readonly o: FleetOptions) {
    for (let i = 0; i < o.agents; i++) {
      const config = loadConfig(
        { endpoint: o.endpoint, apiKey: o.apiKey, app: o.app ?? 'fault-fleet', interval: 1, flushInterval: 1, gcProbe: 0, timeout: 5, logLevel: 'off', ...(o.bufferBytes ? { bufferBytes: o.bufferBytes } : {}) },
        {},
      );
      const agent = new Agent(config, new Log('off'));
      const counts = { samples: 0, batches: 0 };
      this.built.set(agent, counts);
      // Counting what enters the outbox: the agent's own bookkeeping stays untouched.
      const put = agent.outbox.put.bind(agent.outbox);
      agent.outbox.put = (batch) => {
        counts.samples += batch.samples;
        counts.batches += 1;
        put(batch);
        this.peakOutboxBytes = Math.max(this.peakOutboxBytes, agent.outbox.bytes);
      };
      this.agents.push(agent);
    }
  }

  start(): this {
    this.loopDelay.enable();
    // Spread over a second, as hosts are.
    this.agents.forEach((a, i) => setTimeout(() => a.start(), (i * 1000) / this.agents.length));
    return this;
  }

  /** Until every outbox holds at most the batch just built (the agents caught up after a fault). */
  async drained(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.agents.every((a) => a.outbox.length <= 1)) return true;
      await new Promise((r) => setTimeout(r, 250));
    }
    return false;
  }

  /** Stops sampling and sends what is left (the agents' own stop, as at process exit). */
  async stop(deadlineMs = 5_000): Promise<void> {
    await Promise.all(this.agents.map((a) => a.stop(deadlineMs)));
    this.loopDelay.disable();
  }

  totals(): FleetTotals {
    let built = 0;
    let batches = 0;
    let droppedAtCap = 0;
    let reportedDropped = 0;
    let pendingBatches = 0;
    for (const a of this.agents) {
      const counts = this.built.get(a)!;
      built += counts.samples;
      batches += counts.batches;
      droppedAtCap += a.outbox.droppedTotal - a.samplesNotTaken;
      reportedDropped += a.outbox.droppedTotal;
      pendingBatches += a.outbox.length;
    }
    return { built, batches, droppedAtCap, reportedDropped, pendingBatches, peakOutboxBytes: this.peakOutboxBytes };
  }
}
