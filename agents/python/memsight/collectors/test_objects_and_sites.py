import gc
import os
import sys
import threading
import time
import tracemalloc
import unittest
import warnings

from memsight.collectors import process
from memsight.collectors.objects import TypeCounter
from memsight.collectors.resource_warnings import ResourceWarningCounter
from memsight.collectors.tracemalloc_sites import AllocationSites


class LeakyEntry:
    def __init__(self, n):
        self.payload = "x" * 200 + str(n)


class TypeCounterTest(unittest.TestCase):
    def test_growth_of_a_leaking_type_between_snapshots(self):
        counter = TypeCounter()
        counter.take()
        cache = [LeakyEntry(i) for i in range(5000)]
        after = {row["type"]: row for row in counter.take(top=500)["types"]}
        name = f"{__name__}.LeakyEntry"
        self.assertGreaterEqual(after[name]["count"], 5000)
        self.assertGreaterEqual(after[name]["growth"], 5000)
        del cache

    def test_json_rows_are_the_rows_of_take(self):
        import json

        class Kept:
            pass

        counter, twin = TypeCounter(), TypeCounter()
        counter.take_json(), twin.take()
        kept = [Kept() for _ in range(3000)]
        as_text = json.loads(counter.take_json(top=500))
        as_rows = twin.take(top=500)["types"]
        name = f"{__name__}.{Kept.__qualname__}"
        by_name = {row["type"]: row for row in as_text}
        self.assertEqual(set(by_name[name]), {"type", "count", "growth"})
        self.assertGreaterEqual(by_name[name]["growth"], 3000)
        self.assertEqual(by_name[name], {row["type"]: row for row in as_rows}[name])
        self.assertEqual([r["count"] for r in as_text], sorted((r["count"] for r in as_text), reverse=True))
        self.assertIsNone(TypeCounter().take_json(budget_seconds=0.1, blocks=10**9), "too big to walk: not counted")
        del kept

    def test_a_heap_too_big_to_walk_is_not_counted(self):
        result = TypeCounter().take(budget_seconds=0.1, blocks=10**9)
        self.assertEqual(result, {"types": [], "complete": False, "seconds": 0.0})

    def test_never_breaks_a_tuple_another_thread_is_building(self):
        # A reference to a half-built tuple that outlived our hold on the
        # interpreter made the builder fail with SystemError (tupleobject.c).
        errors, stop = [], threading.Event()

        def build():
            while not stop.is_set():
                try:
                    tuple(x * 2 for x in range(200))  # resized as it grows
                except SystemError as err:
                    errors.append(err)
                    return

        previous = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)
        builder = threading.Thread(target=build)
        builder.start()
        try:
            counter, deadline = TypeCounter(), time.monotonic() + 1.5
            while time.monotonic() < deadline and not errors:
                counter.take(budget_seconds=10)
        finally:
            stop.set()
            builder.join()
            sys.setswitchinterval(previous)
        self.assertEqual(errors, [])


class AllocationSitesTest(unittest.TestCase):
    def setUp(self):
        if tracemalloc.is_tracing():
            self.skipTest("tracemalloc already running")

    def test_the_top_growing_site_is_the_caches_line(self):
        sites = AllocationSites(frames=4)
        sites.start()
        try:
            cache = {}
            sites.take()
            for i in range(20000):
                cache[i] = "v" * 100 + str(i)  # CACHE-LINE
            rows = sites.take(top=10)
            traced = sites.traced()
        finally:
            sites.stop()
        with open(__file__) as f:
            line = next(n for n, text in enumerate(f, 1) if "# CACHE-LINE" in text and "cache[i]" in text)
        grown = max((r for r in rows if "growthBytes" in r), key=lambda r: r["growthBytes"])
        self.assertEqual(grown["site"], f"{__file__}:{line}")
        self.assertGreater(grown["growthBytes"], 20000 * 100)
        self.assertEqual(grown["traceback"][0], grown["site"], "newest frame first")
        self.assertGreater(traced["peak"], 2_000_000)
        self.assertFalse(tracemalloc.is_tracing(), "stopped what it started")
        del cache

    def test_nothing_when_not_tracing(self):
        self.assertEqual(AllocationSites().take(), [])
        self.assertEqual(AllocationSites().traced(), {})


class UnclosedFilesTest(unittest.TestCase):
    def test_leaked_files_raise_the_fd_count_and_warnings_are_counted_quietly(self):
        counter = ResourceWarningCounter(echo=False)
        counter.install()
        try:
            before = process.read_open_fds().get("file", 0)
            leaked = [open(__file__) for _ in range(5)]
            self.assertEqual(process.read_open_fds()["file"], before + 5)
            del leaked  # dropped without close(): each one warns
            gc.collect()
            self.assertEqual(counter.count, 5)
        finally:
            counter.uninstall()
        self.assertNotEqual(warnings.showwarning, counter._show)
        self.assertFalse([f for f in warnings.filters if f[0] == "always" and f[2] is ResourceWarning])


if __name__ == "__main__":
    unittest.main()
