"""A healthy service with a big sawtooth. Requests are served from a bounded
LRU cache of rendered pages (CACHE_MB, warmed at startup, then churning: new
pages replace evicted ones of the same size). Every SAWTOOTH_SECONDS an export
job builds an export file in memory for most of the period, up to SAWTOOTH_MB,
sends it and drops it. Live memory climbs and falls by
SAWTOOTH_MB; between exports it returns to the same floor.

Should raise: nothing. A leak detector must look at the floor, not the teeth.
"""
import io
import random
from collections import OrderedDict

from demo_service import MB, RequestLoop, mb, read_settings

NAME = "healthy"
settings = read_settings(NAME, {"CACHE_MB": 16.0, "PAGE_KB": 16.0, "SAWTOOTH_MB": 64.0, "SAWTOOTH_SECONDS": 60.0})
GATHER_SHARE = 0.6  # of each period spent gathering rows; the rest sits on the floor


class PageCache:
    """A bounded LRU cache of rendered pages over twice as many keys as it holds: requests pick a key at random, so about half of them miss."""

    def __init__(self, capacity_bytes, page_bytes):
        self.page_bytes = max(1024, int(page_bytes))
        self.capacity = max(1, int(capacity_bytes // self.page_bytes))
        self.keys = ["/page/%d" % i for i in range(self.capacity * 2)]  # made once: a key is not new memory per request
        self.template = b"<html>" + b"x" * self.page_bytes
        self.pages = OrderedDict()
        self.misses = 0
        for key in self.keys[: self.capacity]:  # warmed at startup
            self.pages[key] = self.render()

    def render(self):
        return self.template[: self.page_bytes]  # a fresh copy: real, resident memory

    def get(self):
        key = random.choice(self.keys)
        page = self.pages.get(key)
        if page is None:
            self.misses += 1
            page = self.pages[key] = self.render()
            if len(self.pages) > self.capacity:
                self.pages.popitem(last=False)
        else:
            self.pages.move_to_end(key)
        return page


class ExportJob:
    """An export file built in memory over a period's first GATHER_SHARE, then
    sent and dropped: the sawtooth. It grows as one buffer, which the C
    allocator maps and unmaps whole, so the floor between exports is the same
    every time (teeth of many small objects would pin pymalloc arenas, and a
    healthy service would show fragmentation)."""

    BLOCK = b"".join(b"order,%06d,shipped,warehouse,%04d,ok\n" % (i, i % 97) for i in range(200))

    def __init__(self, peak_bytes, period_seconds):
        self.peak_bytes = peak_bytes
        self.period = max(period_seconds, 1.0)
        self.file = io.BytesIO()
        self.exports = 0

    def advance(self, elapsed):
        phase = (elapsed % self.period) / self.period
        if phase >= GATHER_SHARE:
            if self.file.tell():
                self.file = io.BytesIO()  # sent: the whole buffer freed at once
                self.exports += 1
            return
        target = self.peak_bytes * phase / GATHER_SHARE
        while self.file.tell() < target:
            self.file.write(self.BLOCK)


cache = PageCache(settings["CACHE_MB"] * MB, settings["PAGE_KB"] * 1024)
export = ExportJob(settings["SAWTOOTH_MB"] * MB, settings["SAWTOOTH_SECONDS"])


def handle(n, elapsed):
    export.advance(elapsed)
    return len(cache.get())


def status(elapsed):
    return "cache %d/%d pages (%s), %d misses; export file %s, %d exports sent" % (
        len(cache.pages), cache.capacity, mb(len(cache.pages) * cache.page_bytes), cache.misses, mb(export.file.tell()), export.exports)


RequestLoop(NAME, settings).run(handle, status, ready="cache=%gMB sawtooth=%gMB every %gs" % (
    settings["CACHE_MB"], settings["SAWTOOTH_MB"], settings["SAWTOOTH_SECONDS"]))
