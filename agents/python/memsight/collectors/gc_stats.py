"""The cyclic garbage collector: per-generation counts, collections,
uncollectable objects, and pause times.

Reference counting frees most objects at once; what reaches the collector is
cycles. Collections that find nothing while generation 2 keeps growing, or a
rising uncollectable count, are how a cycle leak looks from outside.
"""
from __future__ import annotations

import gc as _gc
from array import array
import threading
import time


def read_gc(gc_module=_gc) -> dict:
    """Counts, thresholds and cumulative stats per generation, plus gc.garbage and enabled."""
    out: dict = {}
    try:
        # [*t], not list(t): list() takes fresh memory, not the interpreter's list
        # free list, and the list then parks in that free list when freed; made
        # during a host's peak, each one pinned a host arena for good (issue 14).
        out["count"] = [*gc_module.get_count()]
        out["threshold"] = [*gc_module.get_threshold()]
        out["enabled"] = 1 if gc_module.isenabled() else 0
        out["garbage"] = len(gc_module.garbage)
        stats = gc_module.get_stats()
        out["collections"] = [s.get("collections", 0) for s in stats]
        out["collected"] = [s.get("collected", 0) for s in stats]
        out["uncollectable"] = [s.get("uncollectable", 0) for s in stats]
    except Exception:  # an exotic interpreter without some of these: report what we have
        pass
    return out


class GcPauseTimer:
    """Times collections through gc.callbacks: count, total and max per generation.

    `clock` returns seconds (time.perf_counter by default). `take()` returns
    the cumulative count and total and the max since the previous take.
    """

    def __init__(self, clock=time.perf_counter, gc_module=_gc):
        self._clock = clock
        self._gc = gc_module
        self._lock = threading.Lock()
        # When the running collection began. One slot serves every thread: collections
        # never overlap (the collector is not reentrant and holds the interpreter
        # lock), so each "stop" follows its own "start". A dict keyed by thread
        # resized every few collections, and its newest table, made during the
        # host's peak, lived on past it (issue 14).
        self._began = array("d", [-1.0])
        # C arrays, not lists: the callback runs during the host's collections,
        # so a new int or float kept here lands in the host's pymalloc arenas at
        # its peak and pins one of them until the next collection (issue 14).
        self._count = array("q", [0, 0, 0])
        self._total = array("d", [0.0, 0.0, 0.0])
        self._max = array("d", [0.0, 0.0, 0.0])
        self._installed = False

    def _callback(self, phase, info):
        # Runs inside the collector, on whichever thread triggered it: keep it tiny.
        try:
            gen = info.get("generation", 2)
            if phase == "start":
                self._began[0] = self._clock()
                return
            began, self._began[0] = self._began[0], -1.0
            if began < 0 or not 0 <= gen <= 2:
                return
            took = self._clock() - began
            with self._lock:
                self._count[gen] += 1
                self._total[gen] += took
                if took > self._max[gen]:
                    self._max[gen] = took
        except Exception:
            pass

    def install(self) -> None:
        if not self._installed:
            self._gc.callbacks.append(self._callback)
            self._installed = True

    def uninstall(self) -> None:
        if self._installed:
            try:
                self._gc.callbacks.remove(self._callback)
            except ValueError:
                pass
            self._installed = False

    def take(self) -> dict:
        with self._lock:
            out = {"count": self._count.tolist(), "total": self._total.tolist(), "max": self._max.tolist()}
            self._max[0] = self._max[1] = self._max[2] = 0.0
        return out
