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
        self.usage_file: str | None = None  # the cgroup usage file, once found ("" = none)


def _per_generation(out: dict, name: str, values) -> None:
    for gen, v in enumerate(values or []):
        out[f"{name}{{generation={gen}}}"] = v


def cheap(src: Sources, full: bool = True) -> dict:
    """One tick's readings. `full` adds what is costlier or changes slowly
    (status, smaps_rollup, fd kinds and limit, the cgroup limit and OOM
    kills): the agent asks for it on its slow rounds only."""
    out: dict = {}
    stat = process.read_stat(src.proc_root, src.pid, src.ticks_per_second)
    for key in ("rss", "vms", "rss_anon", "rss_file"):
        if key in stat:
            out[f"process.memory.{key}"] = stat[key]
    if "threads" in stat:
        out["process.threads"] = stat["threads"]
    if "cpu_seconds" in stat:
        out["process.cpu.time"] = stat["cpu_seconds"]
    for kind, n in process.count_open_fds(src.proc_root, src.pid).items():
        out[f"process.open_fds{{kind={kind}}}"] = n
    if src.usage_file is None or full:
        found = cgroup.memory_usage_file(src.proc_root, src.pid, src.cgroup_root) or ""
        if found != src.usage_file:  # an equal new str kept every round would pin a host arena (issue 14)
            src.usage_file = found
    if src.usage_file:
        usage = cgroup.read_usage(src.usage_file).get("usage")
        if usage is not None:
            out["container.memory.usage"] = usage
    if full:
        out.update(_full(src))

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


def _full(src: Sources) -> dict:
    out: dict = {}
    mem = process.read_memory(src.proc_root, src.pid)
    for key, suffix in _PROCESS.items():
        if key in mem:
            out[f"process.memory.{suffix}"] = mem[key]
    rollup = process.read_smaps_rollup(src.proc_root, src.pid)
    for key in ("pss", "uss"):
        if key in rollup:
            out[f"process.memory.{key}"] = rollup[key]
    for kind, n in process.read_open_fds(src.proc_root, src.pid).items():
        out[f"process.open_fds{{kind={kind}}}"] = n
    limit = process.read_max_fds(src.proc_root, src.pid)
    if "max_fds" in limit:
        out["process.max_fds"] = limit["max_fds"]
    cg = cgroup.read_cgroup_memory(src.proc_root, src.pid, src.cgroup_root)
    for key in ("usage", "limit", "oom_kills"):
        if key in cg:
            out[f"container.memory.{key}"] = cg[key]
    return out


def arenas(capture=pymalloc.capture_debugmallocstats) -> dict:
    stats = pymalloc.read_pymalloc_stats(capture, size_classes=False)
    return {f"cpython.pymalloc.{name}": stats[key] for key, name in _ARENAS.items() if key in stats}


def breakdown(values: dict, arena_values: dict) -> dict:
    """Where anonymous RSS went, from this tick's readings and the latest arena report.

    in_use: pymalloc's used blocks plus what malloc hands out (Python objects
    over 512 bytes and C extensions). allocator_free: free blocks the two
    allocators hold, resident but empty: the fragmentation users see as RSS
    that never comes down. other: the rest of anonymous RSS (thread stacks,
    the interpreter, mmaps that bypass malloc). Arena bytes are virtual, so
    `other` is clamped at zero when arenas are partly not resident.
    """
    need = ("process.memory.rss_anon", "glibc.malloc.in_use", "glibc.malloc.mmap", "glibc.malloc.free")
    merged = {**arena_values, **values}  # not dict(...): see read_gc on constructors and free lists
    if any(k not in merged for k in need) or "cpython.pymalloc.arena_bytes" not in merged:
        return {}
    in_use = merged.get("cpython.pymalloc.used_bytes", 0) + merged["glibc.malloc.in_use"] + merged["glibc.malloc.mmap"]
    free = merged["cpython.pymalloc.arena_bytes"] - merged.get("cpython.pymalloc.used_bytes", 0) + merged["glibc.malloc.free"]
    other = max(0, merged["process.memory.rss_anon"] - in_use - free)
    return {
        "process.memory.breakdown{part=in_use}": in_use,
        "process.memory.breakdown{part=allocator_free}": free,
        "process.memory.breakdown{part=other}": other,
    }
