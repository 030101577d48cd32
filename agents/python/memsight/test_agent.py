"""The agent against a real HTTP server on loopback, with scripted faults.
Clocks are injected and ticks driven by hand, so no test waits on a timer."""
import gzip
import io
import json
import socket
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from memsight.agent import Agent
from memsight.config import load_config
from memsight.log import Log


class FakeIngest:
    """Answers from a script of actions: an int status, ("retry", seconds), "hang" or "kill"; then 200."""

    def __init__(self):
        self.batches = []
        self.script = []
        self.down_until = 0.0  # answer 503 until this time.monotonic()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                action = owner.script.pop(0) if owner.script else (503 if time.monotonic() < owner.down_until else 200)
                if action == "hang":
                    time.sleep(1.0)
                    return
                if action == "kill":
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                status, retry_after = (429, action[1]) if isinstance(action, tuple) else (action, None)
                if status == 200:
                    owner.batches.append(json.loads(gzip.decompress(body)))
                payload = json.dumps({"accepted": 1} if status == 200 else {"error": {"code": "x", "message": "no"}}).encode()
                self.send_response(status)
                if retry_after is not None:
                    self.send_header("Retry-After", str(retry_after))
                self.send_header("Content-Length", str(len(payload)))
                try:
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    # The agent gave up first (its timeout, as the hang test means it to). Left
                    # unhandled, the server thread prints a traceback into the test runner's output.
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def make_agent(endpoint, **settings):
    clock = Clock()
    log_stream = io.StringIO()
    config = load_config(dict({"endpoint": endpoint, "api_key": "msk_test", "app": "t", "interval": 1.0, "flush_interval": 1.0, "timeout": 0.3}, **settings))
    agent = Agent(config, Log("info", log_stream), wall=lambda: 1_700_000_000 + clock.now, monotonic=clock)
    return agent, clock, log_stream


def run_ticks(agent, clock, n, step=1.0):
    """Each tick, then the sends it made due, in this thread: what the two agent threads do, in step."""
    for _ in range(n):
        clock.now += step
        agent.tick()
        agent.sender.send_due()


class AgentTest(unittest.TestCase):
    def setUp(self):
        self.ingest = FakeIngest()

    def tearDown(self):
        self.ingest.close()

    def test_batches_arrive_in_order_with_rising_seq(self):
        agent, clock, _ = make_agent(self.ingest.url)
        run_ticks(agent, clock, 3)
        self.assertEqual([b["seq"] for b in self.ingest.batches], [0, 1, 2])
        first = self.ingest.batches[0]
        self.assertEqual(first["instance"]["id"], agent.instance_id)
        self.assertIn("process.memory.rss", first["metrics"])
        self.assertEqual(first["snapshots"][0]["kind"], "type_counts", "the first tick takes the slow picture")

    def test_5xx_and_a_killed_connection_are_retried_without_duplicates(self):
        agent, clock, log = make_agent(self.ingest.url)
        self.ingest.script = [500, "kill"]
        run_ticks(agent, clock, 1)  # 500: kept
        self.assertEqual(len(agent.outbox), 1)
        run_ticks(agent, clock, 1, step=60)  # past the backoff: the kill, kept again
        run_ticks(agent, clock, 3, step=60)
        seqs = [b["seq"] for b in self.ingest.batches]
        self.assertEqual(seqs, sorted(set(seqs)), "no batch stored twice")
        self.assertEqual(seqs[0], 0, "the failed batch went through later, first")
        self.assertEqual(len(agent.outbox), 0)
        self.assertIn("ingest answered 500", log.getvalue())

    def test_429_waits_for_retry_after(self):
        agent, clock, _ = make_agent(self.ingest.url)
        self.ingest.script = [("retry", 30)]
        run_ticks(agent, clock, 1)
        run_ticks(agent, clock, 20)  # 20 s later: still waiting
        self.assertEqual(self.ingest.batches, [])
        run_ticks(agent, clock, 11)
        self.assertEqual(self.ingest.batches[0]["seq"], 0)

    def test_a_4xx_drops_the_batch_and_says_so_once(self):
        agent, clock, log = make_agent(self.ingest.url)
        self.ingest.script = [400, 400]
        run_ticks(agent, clock, 3)
        self.assertEqual([b["seq"] for b in self.ingest.batches], [2])
        self.assertEqual(log.getvalue().count("refused a batch with 400"), 1)

    def test_a_hanging_server_costs_the_sender_at_most_the_timeout(self):
        agent, clock, _ = make_agent(self.ingest.url)
        self.ingest.script = ["hang"]
        started = time.monotonic()
        run_ticks(agent, clock, 1)
        self.assertLess(time.monotonic() - started, 0.9)
        self.assertEqual(len(agent.outbox), 1)
        run_ticks(agent, clock, 2, step=60)
        self.assertEqual([b["seq"] for b in self.ingest.batches], [0, 1, 2])

    def _outage(self, buffer_bytes, ticks):
        down = FakeIngest()
        down.close()  # nothing listens there now: connection refused
        agent, clock, _ = make_agent(down.url, buffer_bytes=buffer_bytes)
        run_ticks(agent, clock, ticks, step=5)
        agent.transport = make_agent(self.ingest.url)[0].transport  # the server is back
        run_ticks(agent, clock, 2, step=600)
        return agent

    def test_an_outage_that_fits_the_buffer_loses_nothing(self):
        agent = self._outage(1 << 20, 30)
        self.assertEqual([b["seq"] for b in self.ingest.batches], list(range(32)))
        self.assertEqual(sum(len(b["samples"]) for b in self.ingest.batches), 32)
        self.assertEqual(agent.outbox.dropped_total, 0)

    def test_an_exit_during_an_outage_says_what_was_not_sent(self):
        down = FakeIngest()
        down.close()
        agent, clock, log = make_agent(down.url)
        run_ticks(agent, clock, 3, step=5)
        agent.start()  # stop() flushes only for an agent whose thread runs (a uwsgi master's does not)
        agent.stop(flush_deadline=0.2)
        self.assertGreater(len(agent.outbox), 0)
        self.assertIn(f"exit: {len(agent.outbox)} batches", log.getvalue())
        self.assertIn("not sent within the 0.2s flush deadline", log.getvalue())

    def test_a_longer_outage_drops_the_oldest_within_the_cap_and_counts_them(self):
        down = FakeIngest()
        down.close()
        agent, clock, _ = make_agent(down.url, buffer_bytes=20_000)
        run_ticks(agent, clock, 40, step=5)
        self.assertLessEqual(agent.outbox.bytes, 20_000)
        self.assertGreater(agent.outbox.dropped_total, 0)
        agent.transport = make_agent(self.ingest.url)[0].transport
        run_ticks(agent, clock, 3, step=600)
        seqs = [b["seq"] for b in self.ingest.batches]
        self.assertEqual(seqs, sorted(set(seqs)), "no duplicates")
        received = sum(len(b["samples"]) for b in self.ingest.batches)
        reported = sum(b.get("dropped", 0) for b in self.ingest.batches)
        self.assertEqual(reported, agent.outbox.dropped_total, "every drop is reported")
        self.assertEqual(received + reported, 43, "every tick is either stored or counted as dropped")
        last = self.ingest.batches[-1]
        self.assertEqual(last["samples"][-1]["values"][last["metrics"].index("memsight.agent.dropped_samples")], agent.outbox.dropped_total, "and counted in the metric")


class ConfigTest(unittest.TestCase):
    def test_environment_and_bad_values(self):
        warnings = []
        env = {"MEMSIGHT_INTERVAL": "abc", "MEMSIGHT_LABELS": "env=prod,team=core", "MEMSIGHT_DISABLED": "yes", "MEMSIGHT_BUFFER_BYTES": "4096"}
        c = load_config({}, environ=env, warn=warnings.append)
        self.assertEqual(c.interval, 10.0)
        self.assertEqual(c.labels, {"env": "prod", "team": "core"})
        self.assertTrue(c.disabled)
        self.assertEqual(c.buffer_bytes, 4096)
        self.assertIn("MEMSIGHT_INTERVAL='abc' is not valid", warnings[0])

    def test_arguments_win_over_the_environment_and_a_bad_endpoint_disables(self):
        c = load_config({"app": "from-code"}, environ={"MEMSIGHT_APP": "from-env"})
        self.assertEqual(c.app, "from-code")
        warnings = []
        self.assertTrue(load_config({"endpoint": "ftp://x"}, environ={}, warn=warnings.append).disabled)
        self.assertEqual(len(warnings), 1)


if __name__ == "__main__":
    unittest.main()
