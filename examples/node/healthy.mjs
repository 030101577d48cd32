// A healthy service with a sawtooth. Requests are served from a bounded LRU
// cache of rendered pages (CACHE_MB, warmed at startup); about 30 % of them
// miss, and a new page replaces the least recently used one. Evicted pages
// have outlived the young generation, so they pile up in old space until a
// major GC clears them: the heap climbs by 10-15 MB and falls back, about twice
// a minute, while its floor after each major GC (the cache itself) stays put.
//
// Should raise: nothing. A leak detector must look at the floor, not the teeth.
import { MB, PageCache, mb, readSettings, runRequestLoop } from './lib/demo-service.mjs';

const NAME = 'healthy';
const settings = readSettings(NAME, { CACHE_MB: 48, HIT_RATE: 0.7 });
const pages = new PageCache(settings.CACHE_MB * MB, settings.PAGE_KB * 1024, settings.HIT_RATE);

runRequestLoop(NAME, settings, {
  handle: (n) => pages.get(n).length,
  status: () => {
    const { heapUsed } = process.memoryUsage();
    return `cache ${pages.pages.size}/${pages.capacity} pages (${mb(pages.pages.size * pages.pageBytes)}), ${pages.misses} misses; heap ${mb(heapUsed)}`;
  },
  ready: `cache=${settings.CACHE_MB}MB page=${settings.PAGE_KB}KB rps=${settings.REQUESTS_PER_SECOND}`,
});
