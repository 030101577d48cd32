"""Process memory, fds and threads from /proc (Linux).

RSS alone cannot tell a leak from allocator hoarding, so this also reads the
anonymous/file split and PSS/USS, which show what the process really owns.
"""
from __future__ import annotations

import os

_KB = 1024

# /proc/<pid>/status field -> our key. VmHWM is the peak RSS the kernel saw.
_STATUS_FIELDS = {
    "VmRSS": "rss",
    "VmSize": "vms",
    "VmHWM": "peak_rss",
    "RssAnon": "rss_anon",
    "RssFile": "rss_file",
    "VmSwap": "swap",
}


def _read(path: str) -> str | None:
    try:
        with open(path, "r", encoding="ascii", errors="replace") as f:
            return f.read()
    except OSError:
        return None


def read_memory(proc_root: str = "/proc", pid: str = "self") -> dict:
    """RSS, VMS, peak RSS, anon/file RSS and swap in bytes, plus the thread count."""
    text = _read(os.path.join(proc_root, str(pid), "status"))
    out: dict = {}
    if text is None:
        return out
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        parts = rest.split()
        if name in _STATUS_FIELDS and parts and parts[0].isdigit():
            out[_STATUS_FIELDS[name]] = int(parts[0]) * _KB
        elif name == "Threads" and parts and parts[0].isdigit():
            out["threads"] = int(parts[0])
    return out


def read_smaps_rollup(proc_root: str = "/proc", pid: str = "self") -> dict:
    """PSS and USS in bytes. USS = private clean + private dirty: what exit would free."""
    text = _read(os.path.join(proc_root, str(pid), "smaps_rollup"))
    if text is None:
        return {}
    fields: dict = {}
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        parts = rest.split()
        if len(parts) >= 1 and parts[0].isdigit():
            fields[name.strip()] = int(parts[0]) * _KB
    out = {}
    if "Pss" in fields:
        out["pss"] = fields["Pss"]
    if "Private_Clean" in fields and "Private_Dirty" in fields:
        out["uss"] = fields["Private_Clean"] + fields["Private_Dirty"] + fields.get("Private_Hugetlb", 0)
    return out


def _fd_kind(target: str) -> str:
    if target.startswith("socket:"):
        return "socket"
    if target.startswith("pipe:"):
        return "pipe"
    if target.startswith("/") and not target.startswith("/dev/"):
        return "file"
    return "other"  # anon_inode:[eventfd], /dev/null, ttys...


def read_open_fds(proc_root: str = "/proc", pid: str = "self") -> dict:
    """Open file descriptors by kind: file, socket, pipe, other.

    A growing `file` or `socket` count is how unclosed files and connections
    show up long before the fd limit is hit.
    """
    fd_dir = os.path.join(proc_root, str(pid), "fd")
    try:
        names = os.listdir(fd_dir)
    except OSError:
        return {}
    counts = {"file": 0, "socket": 0, "pipe": 0, "other": 0}
    for name in names:
        try:
            target = os.readlink(os.path.join(fd_dir, name))
        except OSError:
            continue  # closed between listdir and readlink (our own listdir fd, often)
        counts[_fd_kind(target)] += 1
    return counts


def read_max_fds(proc_root: str = "/proc", pid: str = "self") -> dict:
    """The soft fd limit, from /proc/<pid>/limits."""
    text = _read(os.path.join(proc_root, str(pid), "limits"))
    if text is None:
        return {}
    for line in text.splitlines():
        if line.startswith("Max open files"):
            parts = line[len("Max open files"):].split()
            if parts and parts[0].isdigit():
                return {"max_fds": int(parts[0])}
    return {}


def read_cpu_seconds(proc_root: str = "/proc", pid: str = "self", ticks_per_second: int = 100) -> dict:
    """User + system CPU time in seconds, from /proc/<pid>/stat."""
    text = _read(os.path.join(proc_root, str(pid), "stat"))
    if text is None or ")" not in text:
        return {}
    # The command name may contain spaces and parentheses; fields start after the last ')'.
    fields = text[text.rindex(")") + 2:].split()
    try:
        return {"cpu_seconds": (int(fields[11]) + int(fields[12])) / ticks_per_second}
    except (IndexError, ValueError):
        return {}
