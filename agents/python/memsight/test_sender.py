"""The sampler keeps its cadence while ingest hangs, and every lost sample is
counted (issue 14: 34 of 220 one-second samples were never taken while the
sampling thread waited out send timeouts). Real threads and a real clock:
the assertions are on counts of samples, with generous tolerances, never on
how fast anything ran."""
import socket
import threading
import time
import unittest

from memsight.agent import Agent
from memsight.config import load_config
from memsight.log import Log
from memsight.test_agent import FakeIngest
from memsight.transport import HttpTransport

INTERVAL = 0.1
HANG_SECONDS = 3.0


class HangingIngest:
    """Accepts every connection and never answers: a server whose database is stopped."""

    def __init__(self):
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self.held = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self):
        self._listener.close()
        for conn in self.held:
            conn.close()


class WithIngests(unittest.TestCase):
    """A hanging ingest and a working one, each test."""

    def setUp(self):
        self.hanging = HangingIngest()
        self.ingest = FakeIngest()

    def tearDown(self):
        self.hanging.close()
        self.ingest.close()


class CadenceTest(WithIngests):
    def test_a_hung_ingest_costs_no_samples_and_the_overflow_is_counted_and_reported(self):
        config = load_config({
            "endpoint": self.hanging.url, "api_key": "msk_test", "app": "cadence", "interval": INTERVAL, "flush_interval": INTERVAL,
            "slow_interval": 60, "timeout": 1.0, "buffer_bytes": 4096, "log_level": "off",
        }, environ={})
        agent = Agent(config, Log("off"))
        began = time.monotonic()
        agent.start()
        time.sleep(HANG_SECONDS)
        scheduled = (time.monotonic() - began) / INTERVAL
        taken_while_hung = agent.samples_taken
        # Before the sender thread, each send to a hung ingest held the sampler for the timeout: ~3 samples of 30.
        self.assertGreaterEqual(taken_while_hung, 0.75 * scheduled, f"{taken_while_hung} samples taken of {scheduled:.0f} scheduled")
        self.assertGreater(len(self.hanging.held), 0, "the agent did try the hung ingest")
        self.assertGreater(agent.outbox.dropped_total, 0, "a 4 KiB outbox overflows in 3 s at 10 batches/s")
        self.assertLessEqual(agent.outbox.bytes, 4096 + 4096, "the outbox stays at its cap (one batch of slack)")

        agent.transport = HttpTransport(self.ingest.url, "msk_test", 1.0, "memsight-test")  # ingest answers again
        time.sleep(1.0 + 1.0)  # the send in flight times out (1 s), then the backlog goes
        agent.stop(flush_deadline=3.0)

        self.assertEqual(len(agent.outbox), 0, "everything left was sent at stop")
        received = sum(len(b["samples"]) for b in self.ingest.batches)
        reported = sum(b.get("dropped", 0) for b in self.ingest.batches)
        self.assertEqual(reported, agent.outbox.dropped_total, "every drop is reported in `dropped`")
        self.assertEqual(received + reported, agent.samples_taken + agent.samples_not_taken, "every sample is stored or counted")
        counters = [s["values"][b["metrics"].index("memsight.agent.dropped_samples")] for b in self.ingest.batches for s in b["samples"]]
        self.assertEqual(counters, sorted(counters), "the counter only rises")
        self.assertEqual(counters[-1], agent.outbox.dropped_total, "the last sample stored says how many were lost")
        seqs = [b["seq"] for b in self.ingest.batches]
        self.assertEqual(seqs, sorted(set(seqs)), "no batch stored twice")


class FirstSendTest(WithIngests):
    """start() sends the first batch itself, for at most FIRST_SEND_SECONDS, and leaves
    anything that fails to the sending thread without backing off."""

    def agent(self, url):
        from memsight.test_agent import make_agent

        agent, clock, _ = make_agent(url, timeout=5.0)
        agent.tick()  # the first tick is flushed at once: one batch in the outbox
        self.assertEqual(len(agent.outbox), 1)
        return agent

    def test_sent_and_acknowledged_on_the_callers_thread(self):
        agent = self.agent(self.ingest.url)
        self.assertTrue(agent.sender.send_first(0.5))
        self.assertEqual((len(agent.outbox), agent.sent_batches, len(self.ingest.batches)), (0, 1, 1))

    def test_a_hung_ingest_costs_start_the_bound_not_the_timeout_and_the_batch_stays(self):
        agent = self.agent(self.hanging.url)
        started = time.monotonic()
        self.assertFalse(agent.sender.send_first(0.2))
        self.assertLess(time.monotonic() - started, 3.0, "bounded by the first-send timeout, not the 5 s one")
        self.assertEqual((len(agent.outbox), agent.sent_batches), (1, 0))
        self.assertEqual((agent.sender._failures, agent.sender._next_send[0]), (0, 0.0), "no backoff: the thread tries at once")
        agent.transport = HttpTransport(self.ingest.url, "msk_test", 1.0, "memsight-test")
        self.assertTrue(agent.sender.send_due())
        self.assertEqual((len(agent.outbox), len(self.ingest.batches)), (0, 1))

    def test_an_error_answer_is_left_to_the_thread(self):
        self.ingest.script = [503]
        agent = self.agent(self.ingest.url)
        self.assertFalse(agent.sender.send_first(0.5))
        self.assertEqual((len(agent.outbox), agent.sender._failures), (1, 0))


if __name__ == "__main__":
    unittest.main()
