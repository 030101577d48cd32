// Levelled lines on stderr, quiet by default (warnings and errors only). The
// agent never writes through the host's logger or console: it must not show
// up in the host's log pipeline uninvited, nor trip a test that spies on console.
export const LEVELS = { debug: 10, info: 20, warning: 30, error: 40, off: 100 } as const;
export type LogLevel = keyof typeof LEVELS;

export class Log {
  private readonly threshold: number;
  private readonly seen = new Set<string>();

  constructor(
    level: LogLevel = 'warning',
    private readonly write: (line: string) => void = (line) => process.stderr.write(line),
  ) {
    this.threshold = LEVELS[level] ?? LEVELS.warning;
  }

  log(level: Exclude<LogLevel, 'off'>, message: string): void {
    if (LEVELS[level] < this.threshold) return;
    try {
      this.write(`memsight ${level.toUpperCase()}: ${message}\n`);
    } catch {
      // a closed stderr must not become the host's problem
    }
  }

  /** Logs the first time `key` is seen: a persistent fault says so once, not every tick. */
  once(key: string, level: Exclude<LogLevel, 'off'>, message: string): void {
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.log(level, message);
  }
}
