"""Live objects by type, and their growth between snapshots (objgraph's
show_growth, without objgraph).

gc.get_objects() walks every container object, so this runs at a low rate
and stops when it runs over its time budget: a partial count is better than
a stalled host.
"""
from __future__ import annotations

import gc as _gc
import time


def _type_name(t: type) -> str:
    module = getattr(t, "__module__", "builtins")
    name = getattr(t, "__qualname__", t.__name__)
    return name if module == "builtins" else f"{module}.{name}"


class TypeCounter:
    def __init__(self, clock=time.perf_counter, gc_module=_gc):
        self._clock = clock
        self._gc = gc_module
        self._previous: dict = {}

    def take(self, top: int = 50, budget_seconds: float = 0.2) -> dict:
        """{"types": [{type, count, growth}], "complete": bool, "seconds": float}, largest first."""
        started = self._clock()
        counts: dict = {}
        complete = True
        try:
            objects = self._gc.get_objects()
        except Exception:
            return {"types": [], "complete": False, "seconds": 0.0}
        try:
            for i, obj in enumerate(objects):
                t = type(obj)
                counts[t] = counts.get(t, 0) + 1
                # Checking the clock every object would cost more than counting.
                if i % 4096 == 4095 and self._clock() - started > budget_seconds:
                    complete = False
                    break
        finally:
            del objects
        named: dict = {}
        for t, n in counts.items():
            key = _type_name(t)
            named[key] = named.get(key, 0) + n
        rows = sorted(named.items(), key=lambda kv: kv[1], reverse=True)[:top]
        out = [{"type": name, "count": n, "growth": n - self._previous.get(name, 0)} for name, n in rows]
        if complete:  # a cut-short count would read as shrinkage next time
            self._previous = named
        return {"types": out, "complete": complete, "seconds": self._clock() - started}
