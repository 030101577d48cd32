"""Container memory from the process's cgroup: usage, limit and OOM kills.

The limit is what the kernel kills at, which is the number "time to limit"
is measured against; RSS alone does not count page cache and kernel memory
the cgroup is charged for.
"""
from __future__ import annotations

import os

# cgroup v1 reports "no limit" as a huge page-aligned number (2^63 - 4096 on x86-64).
_V1_UNLIMITED = 1 << 62


def _read_text(path: str) -> str | None:
    try:
        with open(path, "r", encoding="ascii", errors="replace") as f:
            return f.read().strip()
    except OSError:
        return None


def _read_int(path: str) -> int | None:
    text = _read_text(path)
    return int(text) if text is not None and text.isdigit() else None


def _keyed(path: str, key: str) -> int | None:
    text = _read_text(path)
    for line in (text or "").splitlines():
        name, _, value = line.partition(" ")
        if name == key and value.strip().isdigit():
            return int(value)
    return None


def _memberships(proc_root: str, pid: str) -> tuple:
    """(v2 path or None, v1 memory path or None) from /proc/<pid>/cgroup."""
    text = _read_text(os.path.join(proc_root, str(pid), "cgroup")) or ""
    v2 = v1 = None
    for line in text.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        if parts[0] == "0" and parts[1] == "":
            v2 = parts[2]
        elif "memory" in parts[1].split(","):
            v1 = parts[2]
    return v2, v1


def _existing_dir(root: str, rel: str) -> str | None:
    # Inside a container the cgroup namespace often hides the path: the
    # process's own cgroup is then mounted at the root.
    for candidate in (os.path.join(root, rel.lstrip("/")), root):
        if os.path.isdir(candidate):
            return candidate
    return None


# Per cgroup version: the usage, limit and events files.
_FILES = {
    2: ("memory.current", "memory.max", "memory.events"),
    1: ("memory.usage_in_bytes", "memory.limit_in_bytes", "memory.oom_control"),
}


def _memory_dir(proc_root: str, pid: str, cgroup_root: str) -> tuple:
    """(cgroup version, directory of the process's memory controller), or (None, None)."""
    v2, v1 = _memberships(proc_root, pid)
    if v2 is not None:
        d = _existing_dir(cgroup_root, v2)
        if d and os.path.exists(os.path.join(d, _FILES[2][0])):
            return 2, d
    if v1 is not None:
        d = _existing_dir(os.path.join(cgroup_root, "memory"), v1)
        if d:
            return 1, d
    return None, None


def memory_usage_file(proc_root: str = "/proc", pid: str = "self", cgroup_root: str = "/sys/fs/cgroup") -> str | None:
    """The one file to read for usage each tick (resolved once: finding it costs several reads)."""
    version, d = _memory_dir(proc_root, pid, cgroup_root)
    return os.path.join(d, _FILES[version][0]) if d else None


def read_usage(path: str | None) -> dict:
    value = _read_int(path) if path else None
    return {"usage": value} if value is not None else {}


def read_cgroup_memory(proc_root: str = "/proc", pid: str = "self", cgroup_root: str = "/sys/fs/cgroup") -> dict:
    """usage, limit (absent when unlimited) and oom_kills, for cgroup v2 or v1."""
    version, d = _memory_dir(proc_root, pid, cgroup_root)
    if d is None:
        return {}
    usage_file, limit_file, events_file = (os.path.join(d, f) for f in _FILES[version])
    # v2 writes "max" (not digits) when unlimited; v1 a huge page-aligned number.
    limit = _read_int(limit_file)
    if limit is not None and version == 1 and limit >= _V1_UNLIMITED:
        limit = None
    found = (("usage", _read_int(usage_file)), ("limit", limit), ("oom_kills", _keyed(events_file, "oom_kill")))
    return {key: value for key, value in found if value is not None}
