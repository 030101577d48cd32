"""Top allocation sites from tracemalloc: by size, and by growth since the
previous snapshot. Opt-in: tracing costs the host memory and CPU on every
allocation, so the agent only starts it when asked."""
from __future__ import annotations

import os
import tracemalloc

# The agent's own frames and the import machinery would crowd out the
# host's sites. Listed file by file, so that tests beside the code still count.
_OWN_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _own_files() -> list:
    files = []
    for folder, _, names in os.walk(_OWN_DIR):
        files += [os.path.join(folder, n) for n in names if n.endswith(".py") and not n.startswith("test_")]
    return files


_FILTERS = [tracemalloc.Filter(False, f) for f in _own_files()] + [
    tracemalloc.Filter(False, tracemalloc.__file__),
    tracemalloc.Filter(False, "<frozen importlib._bootstrap>"),
    tracemalloc.Filter(False, "<frozen importlib._bootstrap_external>"),
    tracemalloc.Filter(False, "<unknown>"),
]


def _site(stat) -> tuple:
    """("file:line" of the allocating frame, the traceback newest first)."""
    # A tracemalloc Traceback runs oldest to most recent: the last frame allocated.
    frames = [f"{f.filename}:{f.lineno}" for f in reversed(stat.traceback)]
    return frames[0], frames[:32]


class AllocationSites:
    def __init__(self, frames: int = 1):
        self._frames = max(1, frames)
        self._previous = None
        self._started_here = False

    def start(self) -> None:
        if not tracemalloc.is_tracing():
            tracemalloc.start(self._frames)
            self._started_here = True

    def stop(self) -> None:
        if self._started_here and tracemalloc.is_tracing():
            tracemalloc.stop()
        self._started_here = False
        self._previous = None

    def traced(self) -> dict:
        if not tracemalloc.is_tracing():
            return {}
        current, peak = tracemalloc.get_traced_memory()
        return {"current": current, "peak": peak}

    def take(self, top: int = 20) -> list:
        """[{site, sizeBytes, count, growthBytes, traceback}]: the top sites by size, then by growth."""
        if not tracemalloc.is_tracing():
            return []
        snapshot = tracemalloc.take_snapshot().filter_traces(_FILTERS)
        key = "traceback" if self._frames > 1 else "lineno"
        stats = snapshot.compare_to(self._previous, key) if self._previous is not None else snapshot.statistics(key)
        first = self._previous is None
        self._previous = snapshot
        # Several tracebacks can end at one line: sum them per allocating line,
        # and keep the traceback that holds the most.
        sites: dict = {}
        for stat in stats:
            site, traceback = _site(stat)
            row = sites.get(site)
            if row is None:
                row = sites[site] = {"site": site[-512:], "sizeBytes": 0, "count": 0, "_held": -1}
                if not first:
                    row["growthBytes"] = 0
            row["sizeBytes"] += stat.size
            row["count"] += stat.count
            if not first:
                row["growthBytes"] += stat.size_diff
            if self._frames > 1 and stat.size > row["_held"]:
                row["_held"] = stat.size
                row["traceback"] = [t[-512:] for t in traceback]
        rows = list(sites.values())
        chosen = sorted(rows, key=lambda r: r["sizeBytes"], reverse=True)[:top]
        if not first:
            growing = sorted((r for r in rows if r["growthBytes"] > 0), key=lambda r: r["growthBytes"], reverse=True)[:top]
            chosen += [r for r in growing if r not in chosen]
        for r in chosen:
            del r["_held"]
        return chosen
