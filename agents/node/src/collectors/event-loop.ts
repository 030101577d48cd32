// Event loop delay (p50, p99, max) and utilisation over each interval. A
// heap near its limit shows here first, as GC pauses stall the loop.
import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';

// The histogram probes the loop with a timer. Every 20 ms (the usual choice)
// costs an idle host 0.4 % of a core in wakeups, eight times the agent's whole
// budget; every second costs 0.007 %. A stall then shows in proportion to its
// length; GC stalls are caught exactly by the GC pause metrics.
export const PROBE_MS = 1000;

export class EventLoopMonitor {
  /** `histogram`: Node's own unless a test feeds fixed delays. */
  constructor(
    private readonly probeMs = PROBE_MS,
    private readonly histogramOf: (options: { resolution: number }) => IntervalHistogram = monitorEventLoopDelay,
  ) {}

  private histogram: IntervalHistogram | undefined;
  private lastUtilization: EventLoopUtilization | undefined;

  install(): void {
    if (this.histogram) return;
    this.histogram = this.histogramOf({ resolution: this.probeMs });
    this.histogram.enable();
    this.lastUtilization = performance.eventLoopUtilization();
  }

  uninstall(): void {
    this.histogram?.disable();
    this.histogram = undefined;
  }

  /** Seconds of delay and the utilisation since the last call. */
  take(): Record<string, number> {
    const out: Record<string, number> = {};
    const h = this.histogram;
    if (h && h.count > 0) {
      out['nodejs.eventloop.delay.p50'] = h.percentile(50) / 1e9;
      out['nodejs.eventloop.delay.p99'] = h.percentile(99) / 1e9;
      out['nodejs.eventloop.delay.max'] = h.max / 1e9;
      h.reset();
    }
    if (this.lastUtilization) {
      const now = performance.eventLoopUtilization();
      out['nodejs.eventloop.utilization'] = performance.eventLoopUtilization(now, this.lastUtilization).utilization;
      this.lastUtilization = now;
    }
    return out;
  }
}
