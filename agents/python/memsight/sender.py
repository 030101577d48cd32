"""The sender: drains the outbox on a thread of its own, oldest batch first.

Sampling never waits on the network. With ingest hung, each POST waits out
the transport timeout (5 s by default); when the sampling thread sent
batches itself, a 1 s interval lost 34 of 220 samples that way, uncounted
(issue 14). The outbox absorbs an outage instead: the sampler keeps putting
batches in, the oldest are dropped and counted at the cap, and this thread
sends whatever is there when ingest answers again.

Connection errors, 5xx and 429 are retried with exponential backoff and
jitter (Retry-After honoured); other 4xx are dropped and logged once. One
send at a time: the thread and the final flush at stop() share a lock.
"""
from __future__ import annotations

import os
import threading
from array import array

from .buffer import Outbox
from .log import Log
from .threads import AgentThread, Signal, wait_step
from .transport import TransportError

MAX_BACKOFF = 300.0


class Sender:
    def __init__(self, transport, outbox: Outbox, log: Log, interval: float, monotonic):
        self.transport = transport
        self.outbox = outbox
        self.log = log
        self._sent = array("q", [0])  # not an int replaced per send: it would pin a host arena (issue 14)
        self._interval = interval  # the backoff's unit
        self._mono = monotonic
        self._thread: AgentThread | None = None
        self.reset()

    @property
    def sent_batches(self) -> int:
        return self._sent[0]

    def reset(self) -> None:
        """Fresh state and locks: at start, and in a forked child, where the parent's
        sending thread does not exist but its lock may have been held at the fork."""
        self._failures = 0
        self._next_send = array("d", [0.0])  # a float kept through the backoff's wait would pin a host arena
        self._sending = threading.Lock()
        self._wake = Signal()
        self._stop = Signal()

    def start(self) -> None:
        self._thread = AgentThread(self._run)
        self._thread.start()

    def wake(self) -> None:
        """A batch was put in the outbox."""
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def is_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.take(self._seconds_to_wait())
            if self._stop.is_set():
                return
            try:
                self.send_due()
            except Exception as err:  # a bug here must cost a send, never the host
                self.log.once(f"send:{type(err).__name__}", "warning", f"sending failed: {err!r}")

    def _seconds_to_wait(self):
        """None (until woken) with nothing to send; otherwise a step towards the end
        of the backoff, as an object that exists already (threads.Signal says why)."""
        if not len(self.outbox):
            return None
        return wait_step(max(0.01, self._next_send[0] - self._mono()))

    def send_due(self, deadline: float = float("inf"), ignore_backoff: bool = False, wait_for_lock: float = -1) -> bool:
        """Sends the outbox oldest first until it is empty, a send fails or `deadline`
        (monotonic seconds) passes. False when another send held the lock past `wait_for_lock`."""
        if not self._sending.acquire(timeout=wait_for_lock):
            return False
        try:
            self._send_pending(deadline, ignore_backoff)
        finally:
            self._sending.release()
        return True

    def send_first(self, timeout: float) -> bool:
        """At start, on the caller's thread: sends the oldest batch if ingest answers
        within `timeout` seconds (each connect, send and recv). True when it was
        acknowledged. Anything else leaves it to the thread, quietly: no backoff, no log.

        Why: the first exchange makes one-time allocations (socket state, the
        thread's first objects); made by the thread while the host built its
        first peak, they kept 0.5 MB of the host's arenas resident (issue 14)."""
        if not self._sending.acquire(False):
            return False
        try:
            pending = self.outbox.begin_send()
            if pending is None:
                return False
            try:
                response = self.transport.post(pending.body, timeout)
            except TransportError:
                self.outbox.end_send()
                return False
            if response.status >= 300:
                self.outbox.end_send()  # the thread sends it again and handles the answer
                return False
            self.outbox.acknowledge(pending)
            self._sent[0] += 1
            return True
        finally:
            self._sending.release()

    def _send_pending(self, deadline: float, ignore_backoff: bool) -> None:
        while True:
            now = self._mono()
            if not len(self.outbox) or now >= deadline or (now < self._next_send[0] and not ignore_backoff):
                return
            pending = self.outbox.begin_send()
            if pending is None:
                return
            try:
                response = self.transport.post(pending.body)
            except TransportError as err:
                self.outbox.end_send()
                self._backoff(None, f"ingest unreachable: {err}")
                return
            except BaseException:
                self.outbox.end_send()
                raise
            if response.status < 300:
                self.outbox.acknowledge(pending)
                self._sent[0] += 1
                if self._failures:
                    self.log.info(f"ingest reachable again after {self._failures} failed tries")
                self._failures = 0
                self._next_send[0] = 0.0
            elif response.status == 429 or response.status >= 500:
                self.outbox.end_send()
                self._backoff(response.retry_after, f"ingest answered {response.status}")
                return
            else:  # our batch or our key is wrong: resending cannot help; its samples count as dropped
                self.outbox.refuse(pending)
                body = response.body[:300].decode("utf-8", "replace")
                self.log.once(f"http:{response.status}", "warning", f"ingest refused a batch with {response.status}: {body}")

    def _backoff(self, retry_after: float | None, reason: str) -> None:
        self._failures += 1
        delay = min(MAX_BACKOFF, self._interval * (2 ** min(self._failures - 1, 10)))
        delay = delay * (0.5 + int.from_bytes(os.urandom(2), "big") / 131070)  # jitter: a fleet must not retry in step
        if retry_after is not None:
            delay = max(delay, retry_after)
        self._next_send[0] = self._mono() + delay
        # Info, not warning: an ingest outage is expected weather, and the agent
        # writing to the host's stderr is itself a hazard (CPython's
        # test_subprocess read our line from an fd it had swapped in).
        self.log.once(f"backoff:{reason.split(':')[0]}", "info", f"{reason}; retrying with backoff (next in {delay:.1f}s)")
