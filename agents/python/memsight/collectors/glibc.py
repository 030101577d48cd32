"""glibc malloc, through mallinfo2 (glibc 2.33+) via ctypes.

Objects over 512 bytes, C extensions and the interpreter itself allocate
here. Free bytes that malloc keeps in its arenas count in RSS but hold no
data: free / arena is the fragmentation ratio. Absent on musl and macOS.
"""
from __future__ import annotations

import ctypes


class _Mallinfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost",
    )]


_loaded = None


def _libc():
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        # find_library runs ldconfig in a subprocess: only when the usual name fails.
        from ctypes.util import find_library

        return ctypes.CDLL(find_library("c"))


def _mallinfo2():
    global _loaded
    if _loaded is None:
        _loaded = False
        try:
            libc = _libc()
            fn = libc.mallinfo2
            fn.restype = _Mallinfo2
            fn.argtypes = []
            _loaded = fn
        except (OSError, AttributeError):
            pass  # not glibc, or glibc before 2.33 (its mallinfo overflows past 2 GiB)
    return _loaded or None


def read_malloc(mallinfo2=None) -> dict:
    """arena, in_use, free, mmap and releasable bytes, and free/arena."""
    fn = mallinfo2 or _mallinfo2()
    if fn is None:
        return {}
    try:
        info = fn()
    except Exception:
        return {}
    out = {
        "arena": info.arena,
        "in_use": info.uordblks,
        "free": info.fordblks,
        "mmap": info.hblkhd,
        "releasable": info.keepcost,
    }
    if info.arena > 0:
        out["fragmentation"] = info.fordblks / info.arena
    return out
