// What every Node example shares: its settings (read from the environment
// once, at startup), a request loop paced by the clock, the leak schedule, a
// bounded page cache, and the `ready` and status lines.
//
// The page cache is ordinary service work, and it matters for the picture:
// evicted pages have outlived the young generation, so they pile up in old
// space until a major GC clears them. That gives every example a sawtooth and
// a major collection every half minute or so, whose floor (the heap right
// after one) is what a leak detector trends on. Its churn is kept low: below
// about 1 MB/s V8 also runs memory-reducing collections, and more than a few
// full collections a minute is what the gc rule calls a storm.

export const MB = 1024 * 1024; // the examples' "MB" is a MiB, as in the alert rules

const COMMON = { REQUESTS_PER_SECOND: 20, DURATION_SECONDS: 0, STATUS_SECONDS: 10, CACHE_MB: 8, PAGE_KB: 32, HIT_RATE: 0.9 };

/** The example's settings: `defaults` and the common ones, each overridable by an environment variable of its name. */
export function readSettings(name, defaults, env = process.env) {
  const settings = {};
  for (const [key, fallback] of Object.entries({ ...COMMON, ...defaults })) {
    const raw = env[key]?.trim();
    const value = raw ? Number(raw) : fallback;
    if (!Number.isFinite(value) || value < 0) {
      process.stderr.write(`${name}: ${key}=${JSON.stringify(raw)} is not a number ≥ 0\n`);
      process.exit(2);
    }
    settings[key] = value;
  }
  return settings;
}

/**
 * How much should have leaked `elapsed` seconds in: `perHour` until
 * `leakSeconds` (0: no end), never more than `cap`. Callers leak the
 * shortfall on each request, so the rate holds however late a request runs.
 */
export class LeakSchedule {
  constructor(perHour, leakSeconds, cap) {
    Object.assign(this, { perHour, leakSeconds, cap });
  }

  due(elapsed) {
    const leakingFor = this.leakSeconds ? Math.min(elapsed, this.leakSeconds) : elapsed;
    return Math.min((this.perHour * leakingFor) / 3600, this.cap);
  }

  /** True once the leak has stopped for good: its time is up or the cap is reached. */
  over(elapsed, leaked) {
    return (this.leakSeconds > 0 && elapsed >= this.leakSeconds) || leaked >= this.cap;
  }
}

/** A fresh flat string of `bytes` one-byte characters (16 bytes of header in the heap), marked with `n`. */
export function renderText(template, n, bytes) {
  template.write(String(n).padStart(12, '0'), 0, 'latin1');
  return template.toString('latin1', 0, bytes); // a copy: not a slice or a rope of a shared string
}

/** A bounded LRU cache of rendered pages, warmed at startup, over enough keys that about `hitRate` of the requests hit. */
export class PageCache {
  constructor(capacityBytes, pageBytes, hitRate = 0.5) {
    this.pageBytes = Math.max(1024, Math.floor(pageBytes));
    this.capacity = Math.max(1, Math.floor(capacityBytes / this.pageBytes));
    this.keys = Array.from({ length: Math.ceil(this.capacity / Math.min(Math.max(hitRate, 0.01), 1)) }, (_, i) => `/page/${i}`);
    this.template = Buffer.alloc(this.pageBytes, '.');
    this.pages = new Map();
    this.misses = 0;
    for (let i = 0; i < this.capacity; i++) this.pages.set(this.keys[i], renderText(this.template, i, this.pageBytes));
  }

  get(n) {
    const key = this.keys[Math.floor(Math.random() * this.keys.length)]; // uniform: an LRU of C pages over K keys then hits about C/K of the time
    let page = this.pages.get(key);
    if (page === undefined) {
      this.misses += 1;
      page = renderText(this.template, n, this.pageBytes);
      if (this.pages.size >= this.capacity) this.pages.delete(this.pages.keys().next().value);
    } else {
      this.pages.delete(key); // re-inserted below: Map order is the LRU order
    }
    this.pages.set(key, page);
    return page;
  }
}

export const mb = (n) => `${(n / MB).toFixed(1)} MB`;

/**
 * Runs `handle(n, elapsed)` at REQUESTS_PER_SECOND, writes `status(elapsed)`
 * to stderr every STATUS_SECONDS, and stops on SIGTERM, SIGINT, after
 * DURATION_SECONDS, or when its parent process is gone (nothing outlives a
 * demo that was killed), then calls `stop()` so the process can exit on its own.
 */
export function runRequestLoop(name, settings, { handle, status, ready, stop = () => {} }) {
  const started = performance.now();
  const parent = process.ppid;
  const interval = 1000 / Math.max(settings.REQUESTS_PER_SECOND, 0.01);
  const tickMs = Math.min(100, Math.max(interval, 10));
  let n = 0;
  let nextRequest = started;
  const elapsed = () => (performance.now() - started) / 1000;

  const ticker = setInterval(() => {
    const now = performance.now();
    if ((settings.DURATION_SECONDS && elapsed() >= settings.DURATION_SECONDS) || process.ppid !== parent) return finish();
    if (nextRequest < now - 1000) nextRequest = now; // a stalled machine: skip the backlog rather than burst
    for (; nextRequest <= now; nextRequest += interval) handle(n++, elapsed());
  }, tickMs);
  const reporter = setInterval(() => process.stderr.write(`${status(elapsed())}\n`), Math.max(settings.STATUS_SECONDS, 1) * 1000);

  let finished = false;
  function finish() {
    if (finished) return;
    finished = true;
    clearInterval(ticker);
    clearInterval(reporter);
    process.stderr.write(`stopped after ${n} requests\n`);
    stop();
  }
  process.once('SIGTERM', finish);
  process.once('SIGINT', finish);
  process.stdout.write(`ready ${name} pid=${process.pid} ${ready}\n`);
}
