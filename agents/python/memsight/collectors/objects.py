"""Live objects by type, and their growth between snapshots (objgraph's
show_growth, without objgraph).

gc.get_objects() hands out a reference to every container object, including
a tuple another thread is still building. CPython resizes such a tuple only
while it holds the sole reference; if our reference is alive when that thread
runs again, the host gets "SystemError: bad argument to internal function"
(seen in multiprocessing's import of tokenize). So the list is fetched,
counted and freed inside one C call (`_count_elements` over C iterators), in
which no other thread can run: no bytecode executes until every reference is
dropped. That call cannot stop part way, so the budget works between rounds:
a process with too many objects is not counted at all.
"""
from __future__ import annotations

import gc as _gc
import sys
import time
from array import array
from _collections import _count_elements
from _operator import methodcaller
from itertools import chain
from json.encoder import encode_basestring_ascii as _quote

_CALL = methodcaller("__call__")
# About 40 ns an object: 4 million allocated blocks hold the interpreter ~0.1 s.
MAX_BLOCKS = 4_000_000
# Distinct type names remembered for growth; past this (types made on the fly) start over.
MAX_NAMES = 4096


def _type_name(t: type) -> str:
    module = getattr(t, "__module__", "builtins")
    name = getattr(t, "__qualname__", t.__name__)
    return name if module == "builtins" else f"{module}.{name}"


def _largest(named: dict, top: int) -> list:
    # Sorting the names by their counts, not the (name, count) items: a tuple per type.
    return sorted(named, key=named.__getitem__, reverse=True)[:top]


class TypeCounter:
    def __init__(self, clock=time.perf_counter, gc_module=_gc):
        self._clock = clock
        self._gc = gc_module
        # The previous counts live between rounds, so they are kept as one name
        # per type (registered once) and a C array of counts: a fresh dict of
        # new strs and ints every round, made during a host's peak, pinned the
        # host's pymalloc arenas until the next round (issue 14).
        self._slot: dict = {}
        self._previous = array("q", bytes(8 * 512))

    def take(self, top: int = 50, budget_seconds: float = 0.2, blocks=None) -> dict:
        """{"types": [{type, count, growth}], "complete": bool, "seconds": float}, largest first.

        Not counted ("complete": False) when the heap is too big to walk in one go."""
        started = self._clock()
        named = self._count(budget_seconds, blocks)
        if named is None:
            return {"types": [], "complete": False, "seconds": 0.0}
        out = [{"type": name, "count": named[name], "growth": named[name] - self._previous_count(name)} for name in _largest(named, top)]
        self._remember(named)
        return {"types": out, "complete": True, "seconds": self._clock() - started}

    def take_json(self, top: int = 50, budget_seconds: float = 0.2, blocks=None):
        """take()'s rows as the text of a JSON array, or None when not counted.

        The agent's form: the rows go straight into text, so a round makes no
        dict or tuple per type. Those, freed after the round, stayed in the
        interpreter's free lists, and, made during a host's peak, kept the
        host's arenas they landed in resident (issue 14)."""
        named = self._count(budget_seconds, blocks)
        if named is None:
            return None
        rows = ",".join([
            f'{{"type":{_quote(name)},"count":{named[name]},"growth":{named[name] - self._previous_count(name)}}}'
            for name in _largest(named, top)
        ])
        self._remember(named)
        return f"[{rows}]"

    def _count(self, budget_seconds: float, blocks) -> dict | None:
        """{type name: live objects}, or None when the heap is too big to walk or the walk failed."""
        counts: dict = {}
        blocks = sys.getallocatedblocks() if blocks is None else blocks
        if blocks > MAX_BLOCKS * max(1.0, budget_seconds / 0.1):
            return None
        try:
            _count_elements(counts, map(type, chain.from_iterable(map(_CALL, (self._gc.get_objects,)))))
        except Exception:
            return None
        named: dict = {}
        for t, n in counts.items():
            key = _type_name(t)
            named[key] = named.get(key, 0) + n
        return named

    def _previous_count(self, name: str) -> int:
        slot = self._slot.get(name)
        return 0 if slot is None else self._previous[slot]

    def _remember(self, named: dict) -> None:
        if len(self._slot) + len(named) > MAX_NAMES:
            self._slot = {}
        for i in range(len(self._slot)):
            self._previous[i] = 0
        for name, n in named.items():
            slot = self._slot.get(name)
            if slot is None:
                slot = self._slot[name] = len(self._slot)
                if slot >= len(self._previous):
                    self._previous.extend(array("q", bytes(8 * len(self._previous))))
            self._previous[slot] = n
