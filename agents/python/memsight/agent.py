"""The running agent: a sampling thread that samples and batches, and a
sending thread (sender.py) that drains the outbox, so that sampling keeps its
cadence whatever the network does.

Cheap metrics every `interval`; the arena report, type counts and
tracemalloc snapshot every `slow_interval`, backing off when they overrun
their time budget. Batches go to an outbox bounded in bytes. Every sample
carries `memsight.agent.dropped_samples`: the samples this process's agent
has lost so far (dropped from a full outbox, or never taken because the
sampler fell a whole interval behind). Nothing here may raise into the host.
"""
from __future__ import annotations

import _thread
import json
import os
import threading
import time
from array import array

from . import AGENT_NAME, __version__, metrics
from .batch import build_batch, encode
from .buffer import Outbox, PendingBatch
from .collectors import process
from .collectors.gc_stats import GcPauseTimer
from .collectors.objects import TypeCounter
from .collectors.resource_warnings import ResourceWarningCounter
from .identity import instance_identity, new_instance_id, worker_name
from .log import Log
from .sender import Sender
from .ticks import Readings, TickStore
from .threads import AgentThread, Signal, wait_step
from .transport import HttpTransport

MAX_SLOW_INTERVAL = 3600.0
FIRST_SEND_SECONDS = 0.25  # the most start() waits for ingest (Sender.send_first)
# Slots of Agent._at (monotonic seconds) and Agent._count.
NEXT_TICK, NEXT_FLUSH, NEXT_SLOW, SLOW_EVERY = range(4)
TAKEN, NOT_TAKEN, SEQ = range(3)


class Agent:
    def __init__(self, config, log: Log | None = None, wall=time.time, monotonic=time.monotonic, sources: metrics.Sources | None = None):
        self.config = config
        self.log = log or Log(config.log_level)
        self._wall = wall
        self._mono = monotonic
        self._stop = Signal()
        self._thread: AgentThread | None = None
        self._lock = threading.Lock()
        self.gc_pauses = GcPauseTimer()
        self.resource_warnings = ResourceWarningCounter()
        self.sources = sources or metrics.Sources(gc_pauses=self.gc_pauses, resource_warnings=self.resource_warnings)
        self.type_counter = TypeCounter()
        self.sites = None
        if config.tracemalloc_frames > 0:  # imported only when asked for: tracemalloc pulls in pickle
            from .collectors.tracemalloc_sites import AllocationSites

            self.sites = AllocationSites(config.tracemalloc_frames)
        self.outbox = Outbox(config.buffer_bytes)
        transport = HttpTransport(config.endpoint, config.api_key, config.timeout, f"{AGENT_NAME}/{__version__}")
        self.sender = Sender(transport, self.outbox, self.log, config.interval, monotonic)
        self._new_identity()

    @property
    def transport(self):
        return self.sender.transport

    @transport.setter
    def transport(self, transport) -> None:
        self.sender.transport = transport

    @property
    def sent_batches(self) -> int:
        return self.sender.sent_batches

    @property
    def samples_taken(self) -> int:
        return self._count[TAKEN]

    @property
    def samples_not_taken(self) -> int:
        return self._count[NOT_TAKEN]

    @property
    def _seq(self) -> int:
        return self._count[SEQ]

    def _new_identity(self) -> None:
        self.instance_id = new_instance_id()
        started = process.read_start_time(self.sources.proc_root, self.sources.pid, self.sources.ticks_per_second).get("started_at")
        self.started_at_ms = int((started or self._wall()) * 1000)
        # Numbers that live from one tick to the next are kept in C arrays: a new int
        # or float each tick, made during a host's peak, pinned the host's arena it
        # landed in until the next tick (issue 14: one float per arena, measured).
        self._at = array("d", bytes(8 * 4))
        self._count = array("q", bytes(8 * 3))
        self._ticks = TickStore()
        # Between ticks, state is kept out of new small objects where it can be:
        # one made during the host's peak pins a 1 MiB pymalloc arena of the
        # host's for as long as it lives (issue 14; ticks.py says how).
        self._snapshots: list = []  # JSON texts, one per snapshot, until the flush
        self._last_arenas = Readings()
        self._memory_limit = None  # from the slow rounds' cgroup reading; the first tick is one
        self._pid = os.getpid()
        self._at[SLOW_EVERY] = self.config.slow_interval
        self._at[NEXT_SLOW] = self._mono()  # the first tick takes the slow picture too
        # The first tick is flushed and sent at once: the first encode and send make
        # their one-time allocations now, at start, rather than during the host's work.
        self._at[NEXT_FLUSH] = self._mono()
        self.outbox.clear()

    # --- lifecycle -------------------------------------------------------

    def start(self, in_forked_children_only: bool = False) -> None:
        """`in_forked_children_only`: a uwsgi master, whose workers are forked in C.
        A thread of ours holding the interpreter lock at that moment would leave
        the worker deadlocked, so the thread starts in each worker instead."""
        self.gc_pauses.install()
        self.resource_warnings.install()
        if self.sites:
            self.sites.start()
        if not in_forked_children_only:
            self._warm_up()
            self._spawn()

    def _warm_up(self) -> None:
        """The first tick (slow round, encode and all) here, on the caller's thread,
        before the host goes on: the agent's one-time allocations (caches,
        registered names, buffers, the ctypes and _socket state) are made now,
        at start; the first batch is sent from here too. Made by our threads during
        the host's first peak, they pinned the host's pymalloc arenas (issue 14)."""
        try:
            self.tick()
            self.transport.warm_up()
            self.sender.send_first(FIRST_SEND_SECONDS)
        except Exception as err:  # the thread's first tick will say it again, with the loop's handling
            self.log.once(f"tick:{type(err).__name__}", "warning", f"sampling failed: {err!r}")

    def _spawn(self, first_delay: float = 0.0) -> None:
        self._stop.clear()
        self.sender.start()
        self._thread = AgentThread(lambda: self._run(first_delay))
        self._thread.start()

    def after_fork_in_child(self) -> None:
        """A forked child is another process: new id, empty outbox, its own thread.

        The thread waits a moment before its first tick: most forks are about
        to exec (subprocess with preexec_fn), and a tick in between wrote to
        file descriptors the child was rearranging (CPython's test_subprocess).
        Under uwsgi two hooks may call this for one fork: the second is a no-op.
        """
        if os.getpid() == self._pid:
            return
        self._lock = threading.Lock()
        self._stop = Signal()
        self.sender.reset()
        self._new_identity()
        self._spawn(first_delay=min(1.0, self.config.interval))

    def stop(self, flush_deadline: float = 2.0) -> None:
        """Stops both threads, then sends what is buffered until the deadline (seconds)."""
        self._stop.set()
        self.sender.stop()
        thread = self._thread
        if thread is None:  # a uwsgi master: its workers report, it does not
            self._uninstall()
            return
        if thread and thread.is_alive() and thread.ident != _thread.get_ident():
            thread.join(timeout=flush_deadline)
        # The thread may still be inside a long slow round: never wait past the deadline for it.
        if self._lock.acquire(timeout=flush_deadline):
            try:
                if not self._ticks and self._seq == 0:  # a short-lived process still reports once
                    self._record(*self._collect())
                self._flush()
            except Exception as err:
                self.log.once("stop", "warning", f"final flush failed: {err}")
            finally:
                self._lock.release()
        try:
            # The sending thread may be inside a send to a hung ingest: wait for it only until the deadline.
            deadline = self._mono() + flush_deadline
            self.sender.send_due(deadline, ignore_backoff=True, wait_for_lock=flush_deadline)
        except Exception as err:
            self.log.once("stop", "warning", f"final flush failed: {err}")
        if len(self.outbox):  # a loss the user can see: the newest data of this process is not stored
            self.log.info(f"exit: {len(self.outbox)} batches ({self.outbox.bytes} bytes) not sent within the {flush_deadline:g}s flush deadline")
        self._uninstall()

    def _uninstall(self) -> None:
        self.gc_pauses.uninstall()
        self.resource_warnings.uninstall()
        if self.sites:
            self.sites.stop()

    # --- the loop --------------------------------------------------------

    def _run(self, first_delay: float = 0.0) -> None:
        if first_delay and self._stop.wait(first_delay):
            return
        self._at[NEXT_TICK] = self._mono() + (0.0 if first_delay else self.config.interval)  # start() took the first tick
        while not self._stop.is_set():
            step = self._wait_step()
            while step is not None:
                if self._stop.wait(step):
                    return
                step = self._wait_step()
            try:
                self.tick()
            except Exception as err:  # a collector bug must cost us a tick, not the host its process
                self.log.once(f"tick:{type(err).__name__}", "warning", f"sampling failed: {err!r}")
            self._schedule_next()

    def _wait_step(self):
        """The next wait before the tick is due (an object that already exists:
        threads.Signal says why), or None when it is due."""
        return wait_step(self._at[NEXT_TICK] - self._mono())

    def _schedule_next(self) -> None:
        self._at[NEXT_TICK] += self.config.interval
        behind = self._mono() - self._at[NEXT_TICK]
        if behind >= self.config.interval:  # asleep (suspended host, debugger): skip, do not burst, and count the loss
            missed = int(behind // self.config.interval)
            self._count[NOT_TAKEN] += missed
            self.outbox.count_not_taken(missed)
            self._at[NEXT_TICK] += missed * self.config.interval

    def tick(self) -> None:
        """Collects (slow work included) without the lock, then records under it, so
        stop() never waits on a long slow round to flush what is already collected.
        Sending is the sender thread's: tests call `sender.send_due()` by hand."""
        ts, values = self._collect()
        with self._lock:
            self._record(ts, values)
        self._count[TAKEN] += 1

    def _collect(self) -> tuple:
        now = self._mono()
        ts = int(self._wall() * 1000)
        slow = now >= self._at[NEXT_SLOW]
        values = metrics.cheap(self.sources, full=slow)
        if self.sites:
            values.update({f"cpython.tracemalloc.{k}": v for k, v in self.sites.traced().items()})
        if slow:
            limit = values.get("container.memory.limit")
            if limit != self._memory_limit:  # kept, not replaced by an equal new int every round
                self._memory_limit = limit
            self._last_arenas.replace(self._slow_round(ts))
        last_arenas = self._last_arenas.as_dict()
        if slow:
            values.update(last_arenas)
        values.update(metrics.breakdown(values, last_arenas))
        values["memsight.agent.dropped_samples"] = self.outbox.dropped_total
        return ts, values

    def _record(self, ts: int, values: dict) -> None:
        self._ticks.add(ts, values)
        if self._mono() >= self._at[NEXT_FLUSH]:
            self._flush()

    def _slow_round(self, ts: int) -> dict:
        started = self._mono()
        values = metrics.arenas()
        # Snapshots are kept as JSON text until the flush, and type counts are written
        # as text from the start: dicts per row, freed after the round, sat in the
        # interpreter's free lists and kept a host's arenas resident (objects.py).
        types = self.type_counter.take_json(top=50, budget_seconds=self.config.slow_budget)
        self._snapshots.append(f'{{"kind":"type_counts","ts":{ts},"types":{types or "[]"}}}')
        if self.sites:  # opt-in, and its rows are tracemalloc's objects anyway
            sites = {"kind": "allocation_sites", "ts": ts, "source": "tracemalloc", "sites": self.sites.take(top=20)}
            self._snapshots.append(json.dumps(sites, separators=(",", ":")))
        del self._snapshots[:-8]
        took = self._mono() - started
        if took > self.config.slow_budget:
            self._at[SLOW_EVERY] = min(MAX_SLOW_INTERVAL, self._at[SLOW_EVERY] * 2)
            self.log.once("slow-backoff", "info", f"slow metrics took {took * 1000:.0f} ms; now every {self._at[SLOW_EVERY]:.0f}s")
        else:
            self._at[SLOW_EVERY] = max(self.config.slow_interval, self._at[SLOW_EVERY] / 2)
        self._at[NEXT_SLOW] = self._mono() + self._at[SLOW_EVERY]
        return values

    def _flush(self) -> None:
        self._at[NEXT_FLUSH] = self._mono() + self.config.flush_interval
        if not self._ticks:
            return
        c = self.config
        identity = instance_identity(
            c.app, self.instance_id, self.started_at_ms, c.app_version or None, c.labels, self._memory_limit,
            worker=worker_name(c.server_software, c.under_uwsgi), computer_name=c.computer_name,
        )
        dropped = self.outbox.take_dropped()
        ticks = self._ticks.take()
        batch = build_batch(identity, self._seq, ticks, None, dropped)
        self.outbox.put(PendingBatch(self._seq, encode(batch, ",".join(self._snapshots)), len(ticks), dropped))
        self._count[SEQ] += 1
        self._snapshots.clear()
        self.sender.wake()
