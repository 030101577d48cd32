import os
import unittest

from memsight import metrics

FIXTURES = os.path.join(os.path.dirname(__file__), "collectors", "fixtures")


class MetricsTest(unittest.TestCase):
    def test_fixture_process_maps_to_catalogue_names(self):
        src = metrics.Sources(proc_root=os.path.join(FIXTURES, "proc"), pid="4242", cgroup_root=os.path.join(FIXTURES, "cgroup-v2"))
        values = metrics.cheap(src)
        self.assertEqual(values["process.memory.rss"], 13596 * 1024)
        self.assertEqual(values["process.memory.uss"], (4312 + 6876) * 1024)
        self.assertEqual(values["process.open_fds{kind=socket}"], 2)
        self.assertEqual(values["container.memory.limit"], 536870912)
        self.assertEqual(values["container.memory.oom_kills"], 2)
        self.assertIn("cpython.gc.collections{generation=2}", values)

    def test_where_rss_went(self):
        values = {"process.memory.rss_anon": 100, "glibc.malloc.in_use": 20, "glibc.malloc.mmap": 10, "glibc.malloc.free": 5}
        arenas = {"cpython.pymalloc.arena_bytes": 40, "cpython.pymalloc.used_bytes": 25}
        self.assertEqual(metrics.breakdown(values, arenas), {
            "process.memory.breakdown{part=in_use}": 55,
            "process.memory.breakdown{part=allocator_free}": 20,
            "process.memory.breakdown{part=other}": 25,
        })
        self.assertEqual(metrics.breakdown(values, {}), {}, "nothing without an arena report")


if __name__ == "__main__":
    unittest.main()
