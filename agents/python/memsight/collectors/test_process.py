import os
import unittest

from memsight.collectors import cgroup, process

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")
PROC = os.path.join(FIXTURES, "proc")


class ProcessCollectorTest(unittest.TestCase):
    def test_memory_from_status(self):
        m = process.read_memory(PROC, "4242")
        self.assertEqual(m["rss"], 13596 * 1024)
        self.assertEqual(m["vms"], 16564 * 1024)
        self.assertEqual(m["peak_rss"], 13596 * 1024)
        self.assertEqual(m["rss_anon"] + m["rss_file"], (6876 + 6720) * 1024)
        self.assertEqual(m["swap"], 0)
        self.assertEqual(m["threads"], 4)

    def test_pss_and_uss_from_smaps_rollup(self):
        m = process.read_smaps_rollup(PROC, "4242")
        self.assertEqual(m, {"pss": 11512 * 1024, "uss": (4312 + 6876) * 1024})

    def test_fds_by_kind(self):
        self.assertEqual(process.read_open_fds(PROC, "4242"), {"file": 2, "socket": 2, "pipe": 2, "other": 2})

    def test_fd_limit_and_cpu_time_with_parentheses_in_the_name(self):
        self.assertEqual(process.read_max_fds(PROC, "4242"), {"max_fds": 20000})
        self.assertEqual(process.read_cpu_seconds(PROC, "4242", ticks_per_second=100), {"cpu_seconds": 0.08})

    def test_every_tick_reading_from_stat_and_statm(self):
        page = os.sysconf("SC_PAGE_SIZE")
        m = process.read_stat(PROC, "4242", ticks_per_second=100)
        self.assertEqual(m["cpu_seconds"], 0.08)
        self.assertEqual(m["threads"], 1)
        self.assertEqual(m["vms"], 16961536)
        self.assertEqual(m["rss"], 3399 * page, "statm's resident count wins over stat's")
        self.assertEqual(m["rss_file"], 1680 * page)
        self.assertEqual(m["rss_anon"], (3399 - 1680) * page)
        self.assertEqual(process.count_open_fds(PROC, "4242"), {"total": 8})

    def test_start_time_is_boot_time_plus_starttime_ticks(self):
        self.assertEqual(process.read_start_time(PROC, "4242", ticks_per_second=100), {"started_at": 1795604493 + 5795.01})
        self.assertEqual(process.read_start_time(os.path.join(FIXTURES, "cgroup-v2"), "4242"), {}, "no /proc/stat, no start time")

    def test_missing_process_is_empty_not_an_error(self):
        for read in (process.read_start_time, process.read_memory, process.read_smaps_rollup, process.read_open_fds, process.read_max_fds, process.read_cpu_seconds, process.read_stat, process.count_open_fds):
            self.assertEqual(read(PROC, "999999"), {}, read.__name__)

    def test_this_process_reads_live(self):
        if not os.path.exists("/proc/self/status"):
            self.skipTest("no /proc here")
        m = process.read_memory()
        self.assertGreater(m["rss"], 1024 * 1024)
        import subprocess
        import time

        child = subprocess.Popen(["sleep", "5"])
        try:
            started = process.read_start_time(pid=str(child.pid), ticks_per_second=os.sysconf("SC_CLK_TCK"))["started_at"]
            self.assertLess(abs(started - time.time()), 2, "a process started just now")
        finally:
            child.kill()
            child.wait()
        fds = process.read_open_fds()
        with open(__file__) as _:
            self.assertEqual(process.read_open_fds()["file"], fds["file"] + 1)


class CgroupCollectorTest(unittest.TestCase):
    def test_v2_usage_limit_and_oom_kills(self):
        m = cgroup.read_cgroup_memory(PROC, "4242", os.path.join(FIXTURES, "cgroup-v2"))
        self.assertEqual(m, {"usage": 268435456, "limit": 536870912, "oom_kills": 2})

    def test_v1_unlimited_has_no_limit(self):
        m = cgroup.read_cgroup_memory(PROC, "5151", os.path.join(FIXTURES, "cgroup-v1"))
        self.assertEqual(m, {"usage": 104857600, "oom_kills": 1})

    def test_no_cgroup_is_empty(self):
        self.assertEqual(cgroup.read_cgroup_memory(PROC, "999999", FIXTURES), {})


if __name__ == "__main__":
    unittest.main()
