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
    # os.read, not open(): the text layer cost more than the kernel's work
    # here (98 µs against 21 µs for /proc/self/status), every tick.
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        chunks = []
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks).decode("ascii", "replace")
    except OSError:
        return None
    finally:
        os.close(fd)


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _read_stat_fields(proc_root: str, pid: str, ticks_per_second: int) -> dict:
    out: dict = {}
    text = _read(os.path.join(proc_root, str(pid), "stat"))
    if text and ")" in text:
        # The command name may contain spaces and parentheses; fields start after the last ')'.
        f = text[text.rindex(")") + 2:].split()
        try:
            out["cpu_seconds"] = (int(f[11]) + int(f[12])) / ticks_per_second
            out["threads"] = int(f[17])
            out["vms"] = int(f[20])
            out["rss"] = int(f[21]) * _PAGE
        except (IndexError, ValueError):
            pass
    return out


def read_stat(proc_root: str = "/proc", pid: str = "self", ticks_per_second: int = 100) -> dict:
    """The every-tick reading, from /proc/<pid>/stat and statm: RSS, VMS, the
    file-backed/anonymous split, threads and CPU seconds. Two short reads."""
    out = _read_stat_fields(proc_root, pid, ticks_per_second)
    statm = (_read(os.path.join(proc_root, str(pid), "statm")) or "").split()
    if len(statm) >= 3 and statm[1].isdigit() and statm[2].isdigit():
        resident, shared = int(statm[1]) * _PAGE, int(statm[2]) * _PAGE
        out["rss"] = resident
        out["rss_file"] = shared  # file-backed and shared memory
        out["rss_anon"] = resident - shared
    return out


def count_open_fds(proc_root: str = "/proc", pid: str = "self") -> dict:
    """The number of open fds (one listdir); read_open_fds sorts them by kind, at the slower rate."""
    try:
        return {"total": len(os.listdir(os.path.join(proc_root, str(pid), "fd")))}
    except OSError:
        return {}


def read_memory(proc_root: str = "/proc", pid: str = "self") -> dict:
    """RSS, VMS, peak RSS, anon/file RSS and swap in bytes, plus the thread count, from status."""
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


def read_start_time(proc_root: str = "/proc", pid: str = "self", ticks_per_second: int = 100) -> dict:
    """When the process started, in Unix seconds: boot time (/proc/stat btime)
    plus stat's starttime. An instance's age is the process's, not the agent's,
    which may have been started long after the leak began."""
    text = _read(os.path.join(proc_root, str(pid), "stat"))
    boot = next((line.split()[1] for line in (_read(os.path.join(proc_root, "stat")) or "").splitlines()
                 if line.startswith("btime ")), None)
    if not text or ")" not in text or not boot:
        return {}
    try:
        ticks = int(text[text.rindex(")") + 2:].split()[19])
        return {"started_at": int(boot) + ticks / ticks_per_second}
    except (IndexError, ValueError):
        return {}


def read_cpu_seconds(proc_root: str = "/proc", pid: str = "self", ticks_per_second: int = 100) -> dict:
    """User + system CPU time in seconds."""
    stat = _read_stat_fields(proc_root, pid, ticks_per_second)
    return {"cpu_seconds": stat["cpu_seconds"]} if "cpu_seconds" in stat else {}
