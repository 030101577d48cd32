"""pymalloc, CPython's allocator for objects of 512 bytes or less.

It carves 1 MiB arenas (256 KiB before 3.10) into 16 KiB pools of one size
class each, and can only return an arena to the OS when every block in it is
free. So a few survivors per arena keep RSS high after most objects are gone:
utilisation (bytes in used blocks / bytes in arenas) is the measure of it.
`sys._debugmallocstats()` is the only window in, and it prints to C stderr.
While tracemalloc is tracing it hooks the allocator and the report leaves
out the arenas, so these metrics are missing then (by design, not an error).
"""
from __future__ import annotations

import os
import re
import sys
import threading

_capture_lock = threading.Lock()

_HEADLINES = {
    "arenas allocated total": "arenas_allocated_total",
    "arenas reclaimed": "arenas_reclaimed",
    "arenas highwater mark": "arenas_highwater",
    "arenas allocated current": "arenas",
    "bytes in allocated blocks": "used_bytes",
    "bytes in available blocks": "available_bytes",
}
_HEADLINE = re.compile(r"^# ([a-z ]+?)\s*=\s*([\d,]+)\s*$")
_ARENA_BYTES = re.compile(r"^(\d+) arenas \* (\d+) bytes/arena\s*=\s*([\d,]+)")
_UNUSED_POOLS = re.compile(r"^(\d+) unused pools \* (\d+) bytes\s*=\s*([\d,]+)")
_SIZE_CLASS = re.compile(r"^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$")


def allocated_blocks() -> dict:
    """sys.getallocatedblocks(): cheap enough for every tick."""
    try:
        return {"allocated_blocks": sys.getallocatedblocks()}
    except Exception:
        return {}


def parse_debugmallocstats(text: str, size_classes: bool = True) -> dict:
    """Arena counts and bytes, used/available block bytes, per-class blocks, and utilisation.

    The agent reads no size classes: 32 dicts and their tuples, freed after each
    round, sat in the interpreter's free lists, and, made during a host's peak,
    kept the host's arenas they landed in resident (issue 14)."""
    out: dict = {}
    classes = []
    for line in text.splitlines():
        m = _HEADLINE.match(line)
        if m and m.group(1) in _HEADLINES:
            out[_HEADLINES[m.group(1)]] = int(m.group(2).replace(",", ""))
            continue
        m = _ARENA_BYTES.match(line)
        if m:
            out["arena_bytes"] = int(m.group(3).replace(",", ""))
            continue
        m = _UNUSED_POOLS.match(line)
        if m:
            out["unused_pool_bytes"] = int(m.group(3).replace(",", ""))
            continue
        m = _SIZE_CLASS.match(line) if size_classes else None
        if m and "arenas" not in line:
            cls, size, pools, used, avail = (int(g) for g in m.groups())
            classes.append({"class": cls, "size": size, "pools": pools, "used_blocks": used, "free_blocks": avail})
    if classes:
        out["size_classes"] = classes
    if out.get("arena_bytes") and "used_bytes" in out:
        out["utilization"] = out["used_bytes"] / out["arena_bytes"]
    return out


def capture_debugmallocstats() -> str:
    """Runs sys._debugmallocstats() with C-level stderr sent to a temporary file.

    fd 2 is process-wide, so anything another thread writes to stderr during
    the few hundred microseconds of the call lands in the capture instead;
    the lock at least keeps two captures from interleaving.
    """
    with _capture_lock:
        try:
            sys.stderr.flush()
        except Exception:
            pass
        saved = os.dup(2)
        try:
            target = _scratch_file()
            try:
                os.dup2(target.fileno(), 2)
                try:
                    sys._debugmallocstats()
                finally:
                    os.dup2(saved, 2)
                target.seek(0)
                return target.read().decode("ascii", "replace")
            finally:
                target.close()
        finally:
            os.close(saved)


def _scratch_file():
    # An anonymous in-memory file on Linux; `tempfile` (2 MB of imports) elsewhere.
    if hasattr(os, "memfd_create"):
        return os.fdopen(os.memfd_create("memsight-mallocstats"), "w+b")
    import tempfile

    return tempfile.TemporaryFile()


def read_pymalloc_stats(capture=capture_debugmallocstats, size_classes: bool = True) -> dict:
    """The lower-rate arena picture; empty when pymalloc is off (PYTHONMALLOC=malloc) or the call fails."""
    try:
        return parse_debugmallocstats(capture(), size_classes)
    except Exception:
        return {}
