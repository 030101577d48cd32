// A listener leak: every request subscribes a closure to a long-lived event
// bus ("tell me if the config changes while I run") and never unsubscribes.
// Each closure keeps its request's body alive, so the heap's floor after GC
// grows by LEAK_MB_PER_HOUR. The warning that would have caught it is
// silenced, as so many apps do. After LEAK_SECONDS (or at LEAK_MAX_MB) the
// fix is in: the request unsubscribes when it is done.
//
// Should raise: leak. Must not raise: fragmentation, gc, resource-leak.
import { EventEmitter } from 'node:events';
import { LeakSchedule, MB, PageCache, mb, readSettings, renderText, runRequestLoop } from './lib/demo-service.mjs';

const NAME = 'listener-leak';
const settings = readSettings(NAME, { LEAK_MB_PER_HOUR: 60, LEAK_SECONDS: 0, LEAK_MAX_MB: 256 });
const schedule = new LeakSchedule(settings.LEAK_MB_PER_HOUR * MB, settings.LEAK_SECONDS, settings.LEAK_MAX_MB * MB);
const pages = new PageCache(settings.CACHE_MB * MB, settings.PAGE_KB * 1024, settings.HIT_RATE);
const LISTENER_OVERHEAD = 16 + 64 + 48 + 12; // the body's header, the closure, its context, its slot in the listener array
const template = Buffer.alloc(1024 * 1024, '.');
const MIN_LEAK_BYTES = 4096; // leaking in pieces this big keeps the estimated overheads a small part of the rate

const configBus = new EventEmitter();
configBus.setMaxListeners(0);
let leaked = 0;

/** A request's work: it watches the config while it runs. */
function serve(n, bodyBytes, unsubscribe) {
  const body = renderText(template, n, bodyBytes);
  const onConfigChanged = () => body.length; // holds the body for as long as it is subscribed
  configBus.on('config-changed', onConfigChanged);
  if (unsubscribe) configBus.off('config-changed', onConfigChanged);
}

function handle(n, elapsed) {
  pages.get(n);
  if (schedule.over(elapsed, leaked)) return serve(n, 2048, true); // the fix
  const size = Math.min(template.length, Math.floor(schedule.due(elapsed) - leaked) - LISTENER_OVERHEAD);
  if (size < MIN_LEAK_BYTES) return serve(n, 2048, true); // the leak is ahead of its schedule: this request cleans up
  serve(n, size, false); // the bug: never unsubscribed
  leaked += size + LISTENER_OVERHEAD;
}

runRequestLoop(NAME, settings, {
  handle,
  status: (elapsed) =>
    `${configBus.listenerCount('config-changed')} listeners on the config bus, ${mb(leaked)} held; ${schedule.over(elapsed, leaked) ? 'leak over' : `leaking ${settings.LEAK_MB_PER_HOUR} MB/h`}`,
  ready: `leak=${settings.LEAK_MB_PER_HOUR}MB/h leak_seconds=${settings.LEAK_SECONDS} max=${settings.LEAK_MAX_MB}MB`,
});
