// A cache leak: each report is cached under a key that carries the request
// id, so no key is ever asked for twice and nothing is ever evicted. The JS
// heap's floor after GC grows by LEAK_MB_PER_HOUR. After LEAK_SECONDS (or at
// LEAK_MAX_MB) the fix is in: the key drops the request id, and the cache
// stops growing.
//
// Should raise: leak. Must not raise: fragmentation, gc, resource-leak.
import { LeakSchedule, MB, PageCache, mb, readSettings, renderText, runRequestLoop } from './lib/demo-service.mjs';

const NAME = 'cache-leak';
const settings = readSettings(NAME, { LEAK_MB_PER_HOUR: 60, LEAK_SECONDS: 0, LEAK_MAX_MB: 256, USERS: 100 });
const schedule = new LeakSchedule(settings.LEAK_MB_PER_HOUR * MB, settings.LEAK_SECONDS, settings.LEAK_MAX_MB * MB);
const pages = new PageCache(settings.CACHE_MB * MB, settings.PAGE_KB * 1024, settings.HIT_RATE);
const REPORT_BYTES = 2048; // a report's size once the leak is fixed
const ENTRY_OVERHEAD = 16 + 40; // a string's header, and the entry's share of the Map's table (3 words, its bucket, growth)
const template = Buffer.alloc(1024 * 1024, '.');
const MIN_LEAK_BYTES = 4096; // leaking in pieces this big keeps the estimated overheads a small part of the rate

const reports = new Map();
let leaked = 0;

function handle(n, elapsed) {
  const user = n % settings.USERS;
  pages.get(n);
  if (schedule.over(elapsed, leaked)) {
    const key = `/report?user=${user}`; // fixed: one report per user
    if (!reports.has(key)) reports.set(key, renderText(template, n, REPORT_BYTES));
    return;
  }
  const key = `/report?user=${user}&request=${n}`; // the bug: every key is new
  const size = Math.min(template.length, Math.floor(schedule.due(elapsed) - leaked) - (16 + key.length) - ENTRY_OVERHEAD);
  if (size < MIN_LEAK_BYTES) return; // the leak is ahead of its schedule: this request is not cached
  reports.set(key, renderText(template, n, size));
  leaked += 16 + key.length + size + ENTRY_OVERHEAD;
}

runRequestLoop(NAME, settings, {
  handle,
  status: (elapsed) =>
    `${reports.size} reports cached, ${mb(leaked)} held; ${schedule.over(elapsed, leaked) ? 'leak over' : `leaking ${settings.LEAK_MB_PER_HOUR} MB/h`}`,
  ready: `leak=${settings.LEAK_MB_PER_HOUR}MB/h leak_seconds=${settings.LEAK_SECONDS} max=${settings.LEAK_MAX_MB}MB`,
});
