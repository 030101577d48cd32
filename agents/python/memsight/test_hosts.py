"""The kinds of host the agent must not hurt: multiprocessing with each start
method, an asyncio service and a busy threaded one, each a real child process
posting to a real HTTP server on loopback."""
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

from memsight.test_agent import FakeIngest
from memsight.test_lifecycle import AGENT_ROOT

FAST = dict(interval=0.05, flush_interval=0.1, slow_interval=60)


def python(code: str, **env) -> subprocess.CompletedProcess:
    """Runs code as a script file: spawn and forkserver children re-import the
    main module by path, which `python -c` does not have."""
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "host.py")
        with open(script, "w") as f:
            f.write(textwrap.dedent(code))
        return subprocess.run([sys.executable, script], env=dict(os.environ, PYTHONPATH=AGENT_ROOT, **env),
                              capture_output=True, text=True, timeout=60)


class HostsTest(unittest.TestCase):
    def setUp(self):
        self.ingest = FakeIngest()

    def tearDown(self):
        self.ingest.close()

    def ids_by_pid(self) -> dict:
        out: dict = {}
        for b in self.ingest.batches:
            out.setdefault(b["instance"]["pid"], set()).add(b["instance"]["id"])
        return out

    def test_multiprocessing_pools_finish_with_each_start_method(self):
        for method in multiprocessing.get_all_start_methods():
            with self.subTest(method=method):
                self.ingest.batches.clear()
                # Pool workers end with os._exit, never atexit: the agent must neither hang
                # them nor the parent's join, and a forked worker is an instance of its own.
                out = python(f"""
                    import json, multiprocessing, os, time, memsight

                    def work(n):
                        time.sleep(0.4)  # long enough for a forked worker's agent to report
                        return n * n, os.getpid()

                    if __name__ == "__main__":
                        agent = memsight.start(app="mp", **{FAST!r})
                        with multiprocessing.get_context("{method}").Pool(2) as pool:
                            results = pool.map(work, range(6))
                        print(json.dumps({{"sum": sum(r for r, _ in results), "workers": sorted({{p for _, p in results}}),
                                          "parent": [os.getpid(), agent.instance_id]}}))
                        memsight.stop()
                """, MEMSIGHT_ENDPOINT=self.ingest.url)
                self.assertEqual(out.returncode, 0, out.stderr)
                self.assertNotIn("Traceback", out.stderr)
                r = json.loads(out.stdout)
                self.assertEqual(r["sum"], sum(n * n for n in range(6)))
                ids = self.ids_by_pid()
                parent_pid, parent_id = r["parent"]
                self.assertEqual(ids.get(parent_pid), {parent_id}, "the parent keeps its one identity")
                reporting_workers = [pid for pid in r["workers"] if pid in ids]
                if method == "fork":
                    self.assertTrue(reporting_workers, f"a forked worker reports: {ids}")
                    for pid in reporting_workers:
                        self.assertNotIn(parent_id, ids[pid], "a forked worker is a new instance")
                else:
                    # spawn and forkserver start a fresh interpreter that never calls start().
                    self.assertEqual(reporting_workers, [], f"{method} workers run no agent: {ids}")

    def test_an_asyncio_service_keeps_its_loop_and_is_reported(self):
        out = python(f"""
            import asyncio, json, time, memsight

            async def main():
                agent = memsight.start(app="aio", **{FAST!r})
                worst = 0.0
                async def ticker():
                    nonlocal worst
                    for _ in range(100):
                        t = time.perf_counter()
                        await asyncio.sleep(0.005)
                        worst = max(worst, time.perf_counter() - t)
                await asyncio.gather(*(ticker() for _ in range(10)))
                print(json.dumps({{"id": agent.instance_id, "worst": worst}}))

            asyncio.run(main())
            memsight.stop()
        """, MEMSIGHT_ENDPOINT=self.ingest.url)
        self.assertEqual(out.returncode, 0, out.stderr)
        r = json.loads(out.stdout)
        self.assertGreaterEqual(len(self.ingest.batches), 2, "reported while the loop ran")
        self.assertEqual({b["instance"]["id"] for b in self.ingest.batches}, {r["id"]})
        # The agent never runs on the loop: a tick that blocked it would show as a
        # stall of the agent's own cost (tens of ms); this only rules out a hang.
        self.assertLess(r["worst"], 1.0)

    def test_a_threaded_host_that_forks_and_spawns_exits_cleanly(self):
        out = python(f"""
            import json, subprocess, sys, threading, memsight
            agent = memsight.start(app="threads", **{FAST!r})
            totals = []
            def worker():
                totals.append(sum(len(str(i)) for i in range(200_000)))
                subprocess.run([sys.executable, "-c", "pass"], check=True)
            threads = [threading.Thread(target=worker) for _ in range(8)]
            for t in threads: t.start()
            for t in threads: t.join()
            print(json.dumps({{"totals": totals, "id": agent.instance_id}}))
        """, MEMSIGHT_ENDPOINT=self.ingest.url)  # no stop(): the atexit flush must end the process
        self.assertEqual(out.returncode, 0, out.stderr)
        r = json.loads(out.stdout)
        self.assertEqual(len(r["totals"]), 8)
        self.assertEqual(len(set(r["totals"])), 1)
        self.assertIn(r["id"], {b["instance"]["id"] for b in self.ingest.batches})


if __name__ == "__main__":
    unittest.main()
