"""The ticks of the batch being built, and the latest arena report, kept in C
arrays rather than as Python objects.

Why (issue 14): pymalloc gives back a 1 MiB arena only when every block in it
is free, and it places new small objects in the fullest arenas, which during a
host's peak are the host's. A tick's dict, its float and int values and its
f-string names, taken while the host built a 100 MB table, lived until the
next flush, past the host's drop, and each kept a whole arena of the host's
freed memory resident. Here a tick becomes a few numbers in arrays made once,
over 512 bytes so that they live in malloc, not in pymalloc's arenas; the
Python objects of the tick die with it. Metric names are registered once, the
first time each is seen.
"""
from __future__ import annotations

from array import array

INT64 = 1 << 63


def _zeros(code: str, n: int) -> array:
    return array(code, bytes(array(code).itemsize * n))


class TickStore:
    def __init__(self, cells: int = 1024, ticks: int = 64):
        self._column: dict = {}  # metric name -> column, for the life of the process
        self._names: list = []
        self._ts = _zeros("q", ticks)
        self._row_end = _zeros("l", ticks)
        self._col = _zeros("l", cells)
        self._int = _zeros("q", cells)
        self._float = _zeros("d", cells)
        self._is_int = _zeros("b", cells)
        self._n = _zeros("l", 2)  # ticks, cells: in an array, not new ints kept between ticks

    def __len__(self) -> int:
        return self._n[0]

    def add(self, ts: int, values: dict) -> None:
        if self._n[0] == len(self._ts):
            self._ts.extend(_zeros("q", len(self._ts)))
            self._row_end.extend(_zeros("l", len(self._row_end)))
        while self._n[1] + len(values) > len(self._col):
            grow = len(self._col)
            self._col.extend(_zeros("l", grow))
            self._int.extend(_zeros("q", grow))
            self._float.extend(_zeros("d", grow))
            self._is_int.extend(_zeros("b", grow))
        at = self._n[1]
        for name, v in values.items():
            column = self._column.get(name)
            if column is None:
                column = self._column[name] = len(self._names)
                self._names.append(name)
            if isinstance(v, int) and -INT64 <= v < INT64:
                self._int[at], self._is_int[at] = v, 1
            elif isinstance(v, (int, float)):
                self._float[at], self._is_int[at] = v, 0
            else:
                continue  # not a number: missing, as build_batch would write it
            self._col[at] = column
            at += 1
        self._n[1] = at
        self._ts[self._n[0]] = ts
        self._row_end[self._n[0]] = at
        self._n[0] += 1

    def take(self) -> list:
        """[(ts_ms, {name: value})], oldest first, for build_batch; the store is empty after."""
        out = []
        start = 0
        for i in range(self._n[0]):
            end = self._row_end[i]
            out.append((self._ts[i], {self._names[self._col[c]]: (self._int[c] if self._is_int[c] else self._float[c]) for c in range(start, end)}))
            start = end
        self._n[0] = self._n[1] = 0
        return out


class Readings:
    """A few named numbers kept between ticks (the latest arena report), in C
    arrays, their names registered once: not a dict of new objects every round."""

    def __init__(self, size: int = 64):
        self._slot: dict = {}
        self._values = _zeros("d", size)
        self._is_int = _zeros("b", size)
        self._present = _zeros("b", size)

    def replace(self, values: dict) -> None:
        for i in range(len(self._slot)):
            self._present[i] = 0
        for name, v in values.items():
            slot = self._slot.get(name)
            if slot is None:
                if len(self._slot) >= len(self._values):
                    continue  # more names than room: those are missing, softly
                slot = self._slot[name] = len(self._slot)
            self._values[slot], self._is_int[slot], self._present[slot] = v, isinstance(v, int), 1

    def as_dict(self) -> dict:
        return {name: (int(self._values[i]) if self._is_int[i] else self._values[i]) for name, i in self._slot.items() if self._present[i]}
