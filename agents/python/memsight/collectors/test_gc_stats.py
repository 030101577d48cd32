import gc
import unittest

from memsight.collectors.gc_stats import GcPauseTimer, read_gc


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class GcStatsTest(unittest.TestCase):
    def test_reads_three_generations(self):
        g = read_gc()
        self.assertEqual(len(g["count"]), 3)
        self.assertEqual(len(g["collections"]), 3)
        self.assertIn(g["enabled"], (0, 1))

    def test_cycles_with_gc_disabled_show_up_when_collected(self):
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            gc.collect()
            before = read_gc()["collected"][2]

            class Node:
                pass

            for _ in range(1000):
                a, b = Node(), Node()
                a.other, b.other = b, a  # a cycle refcounting alone never frees
            del a, b
            self.assertEqual(read_gc()["collected"][2], before)
            gc.collect()
            self.assertGreaterEqual(read_gc()["collected"][2] - before, 2000)
        finally:
            if was_enabled:
                gc.enable()


class GcPauseTimerTest(unittest.TestCase):
    def test_pauses_per_generation_with_an_injected_clock(self):
        clock = FakeClock()
        timer = GcPauseTimer(clock=clock)
        # Drive the callback as the collector would: start, time passes, stop.
        for gen, took in ((0, 0.001), (0, 0.003), (2, 0.05)):
            timer._callback("start", {"generation": gen})
            clock.now += took
            timer._callback("stop", {"generation": gen, "collected": 0, "uncollectable": 0})
        first = timer.take()
        self.assertEqual(first["count"], [2, 0, 1])
        self.assertAlmostEqual(first["total"][0], 0.004)
        self.assertAlmostEqual(first["max"][0], 0.003)
        self.assertAlmostEqual(first["max"][2], 0.05)
        self.assertEqual(timer.take()["max"], [0.0, 0.0, 0.0], "max is per interval, counts are cumulative")
        self.assertEqual(timer.take()["count"], [2, 0, 1])

    def test_installed_timer_sees_real_collections(self):
        timer = GcPauseTimer()
        timer.install()
        try:
            gc.collect()
        finally:
            timer.uninstall()
        self.assertGreaterEqual(timer.take()["count"][2], 1)
        self.assertNotIn(timer._callback, gc.callbacks)


if __name__ == "__main__":
    unittest.main()
