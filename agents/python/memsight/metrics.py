"""Collector readings -> wire metric names (see the catalogue in
packages/contracts/src/metric-catalogue.ts). Attributes go into the name:
`cpython.gc.collections{generation=0}`.

`cheap()` runs every tick; `arenas()` (sys._debugmallocstats) at a lower rate.
"""
from __future__ import annotations

import os

from .collectors import cgroup, glibc, process, pymalloc
from .collectors.gc_stats import GcPauseTimer, read_gc
from .collectors.resource_warnings import ResourceWarningCounter

_PROCESS = {"rss": "rss", "vms": "vms", "peak_rss": "peak_rss", "rss_anon": "rss_anon", "rss_file": "rss_file", "swap": "swap"}
_GLIBC = ("arena", "in_use", "free", "mmap", "releasable", "fragmentation")
_ARENAS = {
    "arenas": "arenas",
    "arenas_reclaimed": "arenas_reclaimed",
    "arenas_highwater": "arenas_highwater",
    "arena_bytes": "arena_bytes",
    "used_bytes": "used_bytes",
    "utilization": "utilization",
}


class Sources:
    """Where collectors read from (tests point these at fixtures), and the stateful collectors."""

    def __init__(self, proc_root: str = "/proc", pid: str = "self", cgroup_root: str = "/sys/fs/cgroup",
                 gc_pauses: GcPauseTimer | None = None, resource_warnings: ResourceWarningCounter | None = None):
        self.proc_root, self.pid, self.cgroup_root = proc_root, pid, cgroup_root
        self.ticks_per_second = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self.gc_pauses, self.resource_warnings = gc_pauses, resource_warnings


def _per_generation(out: dict, name: str, values) -> None:
    for gen, v in enumerate(values or []):
        out[f"{name}{{generation={gen}}}"] = v


def cheap(src: Sources) -> dict:
    out: dict = {}
    mem = process.read_memory(src.proc_root, src.pid)
    for key, suffix in _PROCESS.items():
        if key in mem:
            out[f"process.memory.{suffix}"] = mem[key]
    rollup = process.read_smaps_rollup(src.proc_root, src.pid)
    for key in ("pss", "uss"):
        if key in rollup:
            out[f"process.memory.{key}"] = rollup[key]
    if "threads" in mem:
        out["process.threads"] = mem["threads"]
    for kind, n in process.read_open_fds(src.proc_root, src.pid).items():
        out[f"process.open_fds{{kind={kind}}}"] = n
    limit = process.read_max_fds(src.proc_root, src.pid)
    if "max_fds" in limit:
        out["process.max_fds"] = limit["max_fds"]
    cpu = process.read_cpu_seconds(src.proc_root, src.pid, src.ticks_per_second)
    if "cpu_seconds" in cpu:
        out["process.cpu.time"] = cpu["cpu_seconds"]
    cg = cgroup.read_cgroup_memory(src.proc_root, src.pid, src.cgroup_root)
    for key, name in (("usage", "usage"), ("limit", "limit"), ("oom_kills", "oom_kills")):
        if key in cg:
            out[f"container.memory.{name}"] = cg[key]

    g = read_gc()
    _per_generation(out, "cpython.gc.count", g.get("count"))
    _per_generation(out, "cpython.gc.collections", g.get("collections"))
    _per_generation(out, "cpython.gc.collected_objects", g.get("collected"))
    _per_generation(out, "cpython.gc.uncollectable_objects", g.get("uncollectable"))
    _per_generation(out, "cpython.gc.threshold", g.get("threshold"))
    for key, name in (("garbage", "cpython.gc.garbage"), ("enabled", "cpython.gc.enabled")):
        if key in g:
            out[name] = g[key]
    if src.gc_pauses is not None:
        pauses = src.gc_pauses.take()
        _per_generation(out, "cpython.gc.pause.count", pauses["count"])
        _per_generation(out, "cpython.gc.pause.total", pauses["total"])
        _per_generation(out, "cpython.gc.pause.max", pauses["max"])
    if src.resource_warnings is not None:
        out["cpython.resource_warnings"] = src.resource_warnings.count

    out.update({f"cpython.pymalloc.{k}": v for k, v in pymalloc.allocated_blocks().items()})
    malloc = glibc.read_malloc()
    for key in _GLIBC:
        if key in malloc:
            out[f"glibc.malloc.{key}"] = malloc[key]
    return out


def arenas(capture=pymalloc.capture_debugmallocstats) -> dict:
    stats = pymalloc.read_pymalloc_stats(capture)
    return {f"cpython.pymalloc.{name}": stats[key] for key, name in _ARENAS.items() if key in stats}
