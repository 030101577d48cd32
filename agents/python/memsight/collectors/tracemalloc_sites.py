"""Top allocation sites from tracemalloc: by size, and by growth since the
previous snapshot. Opt-in: tracing costs the host memory and CPU on every
allocation, so the agent only starts it when asked."""
from __future__ import annotations

import os
import tracemalloc

# The agent's own allocations would crowd out the host's sites. Checked per
# grouped site, not with Snapshot.filter_traces: that runs fnmatch for every
# trace and took 28 s on 150,000 traces here.
_OWN_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_TRACEMALLOC_FILE = tracemalloc.__file__


def _is_own(filename: str) -> bool:
    if filename == _TRACEMALLOC_FILE:
        return True
    return filename.startswith(_OWN_DIR) and not os.path.basename(filename).startswith("test_")


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
        """[{site, sizeBytes, count, growthBytes, traceback}]: the top sites by size, then by growth.

        Growth is against the previous take's per-site sizes (kept instead of
        the previous snapshot, which holds every trace).
        """
        if not tracemalloc.is_tracing():
            return []
        snapshot = tracemalloc.take_snapshot()
        stats = snapshot.statistics("traceback" if self._frames > 1 else "lineno")
        del snapshot
        # Several tracebacks can end at one line: sum them per allocating line,
        # and keep the traceback that holds the most.
        sites: dict = {}
        for stat in stats:
            frame = stat.traceback[-1]  # oldest to most recent: the last one allocated
            if _is_own(frame.filename):
                continue
            site = f"{frame.filename}:{frame.lineno}"
            row = sites.get(site)
            if row is None:
                row = sites[site] = {"site": site[-512:], "sizeBytes": 0, "count": 0, "_held": -1, "_stat": stat}
            row["sizeBytes"] += stat.size
            row["count"] += stat.count
            if stat.size > row["_held"]:
                row["_held"], row["_stat"] = stat.size, stat
        previous = self._previous
        self._previous = {site: row["sizeBytes"] for site, row in sites.items()}
        rows = [*sites.values()]  # not list(): see gc_stats.read_gc
        if previous is not None:
            for site, row in sites.items():
                row["growthBytes"] = row["sizeBytes"] - previous.get(site, 0)
        chosen = sorted(rows, key=lambda r: r["sizeBytes"], reverse=True)[:top]
        if previous is not None:
            growing = sorted((r for r in rows if r["growthBytes"] > 0), key=lambda r: r["growthBytes"], reverse=True)[:top]
            chosen += [r for r in growing if r not in chosen]
        for r in chosen:
            stat = r.pop("_stat")
            del r["_held"]
            if self._frames > 1:
                r["traceback"] = [t[-512:] for t in _site(stat)[1]]
        return chosen
