"""start(), stop(), import and fork, in real child processes."""
import json
import os
import subprocess
import sys
import textwrap
import time
import unittest

from memsight.test_agent import FakeIngest

AGENT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def python(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=dict(os.environ, PYTHONPATH=AGENT_ROOT, **env), capture_output=True, text=True, timeout=60,
    )


class LifecycleTest(unittest.TestCase):
    def setUp(self):
        self.ingest = FakeIngest()

    def tearDown(self):
        self.ingest.close()

    def test_import_does_nothing(self):
        out = python("""
            import sys, threading
            before = (threading.active_count(), set(sys.modules))
            import memsight
            print(threading.active_count() - before[0], sorted(m for m in set(sys.modules) - before[1] if not m.startswith("memsight")))
        """)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.split(" ", 1)[0], "0", "no thread at import")
        self.assertNotIn("socket", out.stdout, "no network module at import")

    def test_a_subinterpreter_starts_no_agent_of_its_own_and_ends_cleanly(self):
        try:
            import _testcapi  # noqa: F401
        except ImportError:
            self.skipTest("no _testcapi in this Python (it ships with CPython's test build): no subinterpreters to start")
        out = python("""
            import _testcapi, memsight
            memsight.start(app="t", interval=0.1)
            code = "import memsight, sys; sys.stdout.write('sub:%s ' % (memsight.start(app='t', interval=0.1) is None))"
            print(_testcapi.run_in_subinterp(code), memsight._agent is not None)
            memsight.stop()
        """, MEMSIGHT_ENDPOINT=self.ingest.url)
        self.assertEqual(out.returncode, 0, out.stderr)  # Py_EndInterpreter aborted while our threads lived in it
        self.assertEqual(out.stdout.split(), ["sub:True", "0", "True"])

    def test_start_is_idempotent_and_stop_flushes(self):
        out = python("""
            import memsight
            a = memsight.start(app="t", interval=60, flush_interval=60)
            b = memsight.start()
            print(a is b, a.instance_id)
            memsight.stop()
        """, MEMSIGHT_ENDPOINT=self.ingest.url)
        self.assertEqual(out.returncode, 0, out.stderr)
        same, instance_id = out.stdout.split()
        self.assertEqual(same, "True")
        self.assertEqual([b["instance"]["id"] for b in self.ingest.batches], [instance_id], "the first tick was flushed at stop")

    def test_disabled_and_bad_settings_never_raise(self):
        out = python("""
            import memsight
            print(memsight.start(), memsight.start(endpoint="nonsense://x"), memsight.start(interval="soon", disabled=True))
        """, MEMSIGHT_DISABLED="1")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.strip(), "None None None")

    def test_an_outage_in_a_real_process_keeps_the_host_running_and_memory_bounded(self):
        self.ingest.down_until = time.monotonic() + 2.0
        out = python("""
            import json, os, time, memsight
            def rss():
                return int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            agent = memsight.start(app="outage", interval=0.02, flush_interval=0.02, slow_interval=60, buffer_bytes=32768, log_level="off")
            start_rss, most_buffered, work = rss(), 0, 0
            deadline = time.monotonic() + 6.0
            while time.monotonic() < deadline:  # the host keeps serving throughout
                work += sum(range(1000))
                most_buffered = max(most_buffered, agent.outbox.bytes)
                time.sleep(0.001)
            print(json.dumps({"rss_growth": rss() - start_rss, "most_buffered": most_buffered, "dropped": agent.outbox.dropped_total, "work": work}))
            memsight.stop()
        """, MEMSIGHT_ENDPOINT=self.ingest.url)
        self.assertEqual(out.returncode, 0, out.stderr)
        r = json.loads(out.stdout)
        self.assertGreater(r["work"], 0)
        self.assertLessEqual(r["most_buffered"], 32768 + 4096, "the outbox stays at its cap (one batch of slack)")
        self.assertGreater(r["dropped"], 0, "a 2 s outage at 50 ticks/s overflows 32 KiB")
        self.assertLess(r["rss_growth"], 8 * 2**20)
        seqs = [b["seq"] for b in self.ingest.batches]
        self.assertEqual(seqs, sorted(set(seqs)), "no batch stored twice after recovery")
        self.assertEqual(sum(b.get("dropped", 0) for b in self.ingest.batches), r["dropped"], "every drop reported")

    def test_a_forked_child_reports_as_a_new_instance(self):
        out = python("""
            import json, os, time, memsight
            agent = memsight.start(app="fork", interval=0.1, flush_interval=0.1)
            parent_id = agent.instance_id
            pid = os.fork()
            if pid == 0:
                time.sleep(0.5)
                print(json.dumps({"child": memsight._agent.instance_id, "alive": memsight._agent._thread.is_alive()}), flush=True)
                memsight.stop()
                os._exit(0)
            os.waitpid(pid, 0)
            time.sleep(0.3)
            print(json.dumps({"parent": parent_id}), flush=True)
            memsight.stop()
        """, MEMSIGHT_ENDPOINT=self.ingest.url)
        self.assertEqual(out.returncode, 0, out.stderr)
        lines = [json.loads(line) for line in out.stdout.splitlines()]
        child = next(x for x in lines if "child" in x)
        parent = next(x for x in lines if "parent" in x)
        self.assertNotEqual(child["child"], parent["parent"])
        self.assertTrue(child["alive"], "the child runs its own agent thread")
        ids = {b["instance"]["id"] for b in self.ingest.batches}
        self.assertEqual(ids, {child["child"], parent["parent"]})
        child_batches = [b for b in self.ingest.batches if b["instance"]["id"] == child["child"]]
        self.assertEqual(child_batches[0]["seq"], 0, "a new instance starts at seq 0")
        self.assertEqual({b["instance"]["pid"] for b in child_batches} & {b["instance"]["pid"] for b in self.ingest.batches if b not in child_batches}, set())


if __name__ == "__main__":
    unittest.main()
