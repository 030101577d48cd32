// Runs rounds one at a time. Full rounds come from the interval timer; fast
// rounds from ingest's "samples committed" notifications, coalesced for a few
// milliseconds. A fast round never waits for a whole full round: the full
// round yields between its chunks (see Evaluator's `between`).
import type { Logger } from 'pino';

export interface RoundRunner {
  fullRound: () => Promise<unknown>;
  fastRound: (instanceIds: string[]) => Promise<unknown>;
}

export class RoundScheduler {
  private fastIds = new Set<string>();
  private fastAll = false;
  private fullWanted = false;
  private running: Promise<void> | undefined;
  private coalesce: NodeJS.Timeout | undefined;
  private stopped = false;
  fullRounds = 0;

  constructor(
    private readonly runner: RoundRunner,
    private readonly o: { log: Logger; coalesceMs: number; onRoundError?: (err: unknown) => void },
  ) {}

  requestFull(): void {
    this.fullWanted = true;
    this.kick();
  }

  /** `'*'`: too many instances to list; the next full round covers them. */
  requestFast(ids: string[] | '*'): void {
    if (ids === '*') this.fastAll = true;
    else for (const id of ids) this.fastIds.add(id);
    if (!this.coalesce) {
      this.coalesce = setTimeout(() => {
        this.coalesce = undefined;
        this.kick();
      }, this.o.coalesceMs);
    }
  }

  /** For the evaluator between full-round chunks: runs the fast work that queued up meanwhile. */
  async drainFast(): Promise<void> {
    if (this.fastIds.size === 0) return;
    const ids = [...this.fastIds];
    this.fastIds.clear();
    await this.runner.fastRound(ids);
  }

  /** Resolves when no round is running. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.coalesce);
  }

  /** Drops queued work (on losing leadership). */
  clear(): void {
    this.fastIds.clear();
    this.fastAll = false;
    this.fullWanted = false;
  }

  private kick(): void {
    if (this.running || this.stopped) return;
    this.running = this.loop().finally(() => {
      this.running = undefined;
      if (!this.stopped && (this.fullWanted || this.fastIds.size)) this.kick();
    });
  }

  private async loop(): Promise<void> {
    while (!this.stopped && (this.fullWanted || this.fastIds.size || this.fastAll)) {
      try {
        if (this.fastIds.size) await this.drainFast();
        else if (this.fullWanted || this.fastAll) {
          this.fullWanted = false;
          this.fastAll = false;
          await this.runner.fullRound();
          this.fullRounds++;
        }
      } catch (err) {
        this.o.onRoundError?.(err);
        this.o.log.error({ err }, 'evaluation round failed');
        return;
      }
    }
  }
}
