"""The outbox: encoded batches waiting to be acknowledged, bounded in bytes.

A batch is encoded once, with its sequence number, and re-sent byte for byte
until ingest acknowledges it, so a retry can never be stored twice. When the
bytes would exceed the cap the oldest batches go first, and their samples
are counted; the count rides on the next batch built (`dropped`). Samples the
sampler never took (it fell a whole interval behind) are counted the same way.
`dropped_total` is what `memsight.agent.dropped_samples` reports."""
from __future__ import annotations

import threading
from collections import deque


class PendingBatch:
    __slots__ = ("seq", "body", "samples", "reports_dropped")

    def __init__(self, seq: int, body: bytes, samples: int, reports_dropped: int = 0):
        self.seq, self.body, self.samples = seq, body, samples
        self.reports_dropped = reports_dropped  # the `dropped` count written into this batch


class Outbox:
    def __init__(self, max_bytes: int):
        self.max_bytes = max(1, max_bytes)
        self._queue: deque = deque()
        self._bytes = 0
        self._lock = threading.Lock()
        self.dropped_total = 0
        self._dropped_unreported = 0
        self._in_flight: PendingBatch | None = None

    def __len__(self) -> int:
        return len(self._queue)

    @property
    def bytes(self) -> int:
        return self._bytes

    def put(self, batch: PendingBatch) -> None:
        with self._lock:
            self._queue.append(batch)
            self._bytes += len(batch.body)
            # Keep at least the newest batch, even if it alone is over the cap. Never the
            # one being sent: ingest may store it, and then its samples were counted as
            # dropped too (the sending thread made that possible).
            while self._bytes > self.max_bytes:
                oldest = 1 if self._queue[0] is self._in_flight else 0
                if oldest >= len(self._queue) - 1:
                    break
                old = self._queue[oldest]
                del self._queue[oldest]
                self._bytes -= len(old.body)
                self.dropped_total += old.samples
                # Its samples are lost, and so is the drop count it carried: report both later.
                self._dropped_unreported += old.samples + old.reports_dropped

    def count_not_taken(self, samples: int) -> None:
        """Samples lost before they were ever taken: reported like dropped ones."""
        with self._lock:
            self.dropped_total += samples
            self._dropped_unreported += samples

    def peek(self) -> PendingBatch | None:
        with self._lock:
            return self._queue[0] if self._queue else None

    def begin_send(self) -> PendingBatch | None:
        """The oldest batch, kept from being dropped until end_send() or acknowledge()."""
        with self._lock:
            self._in_flight = self._queue[0] if self._queue else None
            return self._in_flight

    def end_send(self) -> None:
        """The send failed: the batch stays, and may be dropped again."""
        with self._lock:
            self._in_flight = None

    def acknowledge(self, batch: PendingBatch) -> None:
        """Removes `batch` if it is still the oldest."""
        with self._lock:
            self._remove(batch)

    def refuse(self, batch: PendingBatch) -> None:
        """Ingest refused `batch` for good (a 4xx other than 429): resending cannot help, so it is
        removed and its samples (and the drop count it carried) are reported as dropped on the next
        batch. A refused batch used to vanish with only a log line."""
        with self._lock:
            if self._remove(batch):
                self.dropped_total += batch.samples
                self._dropped_unreported += batch.samples + batch.reports_dropped

    def _remove(self, batch: PendingBatch) -> bool:
        """Under the lock: removes `batch` if it is still the oldest; True if it was."""
        if self._in_flight is batch:
            self._in_flight = None
        if self._queue and self._queue[0] is batch:
            self._queue.popleft()
            self._bytes -= len(batch.body)
            return True
        return False

    def take_dropped(self) -> int:
        """Samples dropped since the last call, for the next batch's `dropped` field."""
        with self._lock:
            n, self._dropped_unreported = self._dropped_unreported, 0
            return n

    def clear(self) -> None:
        """Empty, counts included: for a new instance (a forked child, where the
        sending thread may have held the lock at the fork: the lock is new too)."""
        self._lock = threading.Lock()
        with self._lock:
            self._queue.clear()
            self._bytes = 0
            self.dropped_total = 0
            self._dropped_unreported = 0
            self._in_flight = None
