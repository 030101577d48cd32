"""A diagnostic, not part of the agent: which pymalloc arenas are alive, and
what keeps each one alive (issue 14). CPython 3.11 on Linux, libpython shared
(pyenv's build): it reads obmalloc's private `arenas` table through ctypes,
at an address found with `nm`, and walks every pool of every arena.

`census()` lists, per arena, its pools and allocated blocks by size class.
With tracemalloc tracing (PYTHONTRACEMALLOC=8), `attribute()` names the file
and line that allocated each block: an arena whose blocks are all the
agent's is one the agent pins. `smaps()` sums resident memory by mapping
kind: pymalloc arenas (1 MiB), thread arenas and stacks, the brk heap.
"""
from __future__ import annotations

import ctypes
import struct
import subprocess
from array import array

ARENA_SIZE = 1 << 20
POOL_SIZE = 1 << 14
POOL_OVERHEAD = 48  # sizeof(struct pool_header), rounded to 16
ARENA_OBJECT = struct.Struct("QQIIQQQ")  # address, pool_address, nfreepools, ntotalpools, freepools, next, prev
POOL_HEADER = struct.Struct("QQQQIIII")  # ref.count, freeblock, next, prev, arenaindex, szidx, nextoffset, maxnextoffset


def _libpython() -> tuple:
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6 and "libpython3" in parts[5] and int(parts[2], 16) == 0:
                return parts[5], int(parts[0].split("-")[0], 16)
    raise RuntimeError("no shared libpython in this process")


def _symbols(path: str, names: tuple) -> dict:
    out = {}
    for line in subprocess.run(["nm", path], capture_output=True, text=True).stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] in names:
            out[parts[2]] = int(parts[0], 16)
    return out


class Obmalloc:
    def __init__(self):
        path, base = _libpython()
        sym = _symbols(path, ("arenas", "maxarenas", "PyObject_Malloc"))
        real = ctypes.cast(ctypes.pythonapi.PyObject_Malloc, ctypes.c_void_p).value
        if real != base + sym["PyObject_Malloc"]:
            raise RuntimeError("libpython's load address does not match nm's")
        self._arenas_ptr = base + sym["arenas"]
        self._max_ptr = base + sym["maxarenas"]

    def arenas(self) -> list:
        """[(index, address, nfreepools, ntotalpools, pool_address)] of the arenas allocated now."""
        table = ctypes.c_void_p.from_address(self._arenas_ptr).value
        n = ctypes.c_uint.from_address(self._max_ptr).value
        raw = ctypes.string_at(table, n * ARENA_OBJECT.size)
        out = []
        for i in range(n):
            address, pool_address, nfree, ntotal, *_ = ARENA_OBJECT.unpack_from(raw, i * ARENA_OBJECT.size)
            if address:
                out.append((i, address, nfree, ntotal, pool_address))
        return out

    def census(self, with_blocks: bool = False) -> list:
        """Per arena: {index, address, free_pools, used_pools, blocks, by_class{size: blocks}, block_addresses?}."""
        rows = []
        for index, address, nfree, ntotal, pool_address in self.arenas():
            first = (address + POOL_SIZE - 1) & ~(POOL_SIZE - 1)
            raw = ctypes.string_at(address, ARENA_SIZE)
            by_class: dict = {}
            blocks = 0
            addresses = array("Q")
            pool = first
            while pool < pool_address:
                off = pool - address
                count, freeblock, _, _, arenaindex, szidx, nextoffset, _ = POOL_HEADER.unpack_from(raw, off)
                count &= 0xFFFFFFFF
                if count:
                    size = (szidx + 1) * 16
                    blocks += count
                    by_class[size] = by_class.get(size, 0) + count
                    if with_blocks:
                        free = set()
                        b = freeblock
                        while b and len(free) < POOL_SIZE // 16:
                            free.add(b)
                            b = struct.unpack_from("Q", raw, b - address)[0]
                        for at in range(pool + POOL_OVERHEAD, pool + nextoffset, size):
                            if at not in free:
                                addresses.append(at)
                pool += POOL_SIZE
            row = {"index": index, "address": address, "free_pools": nfree, "used_pools": ntotal - nfree,
                   "blocks": blocks, "by_class": by_class}
            if with_blocks:
                row["block_addresses"] = addresses
            rows.append(row)
        return rows


def attribute(rows: list, agent_marker: str = "/memsight/") -> None:
    """Adds to each row (census(with_blocks=True)) `owners`: {file:line of the
    allocation, or 'untraced': blocks}, and `agent_blocks`, the blocks whose
    traceback passes through the agent (tracemalloc must be tracing)."""
    get = ctypes.pythonapi._PyTraceMalloc_GetTraceback
    get.restype = ctypes.py_object
    get.argtypes = [ctypes.c_uint, ctypes.c_size_t]
    for row in rows:
        owners: dict = {}
        agent = 0
        for at in row.pop("block_addresses"):
            tb = get(0, at)
            if not tb:
                key = "untraced"
            else:
                key = f"{tb[0][0].rsplit('/', 2)[-1]}:{tb[0][1]}"
                via = next((f"{f.rsplit('/', 1)[-1]}:{n}" for f, n in tb if agent_marker in f), None)
                if via:
                    agent += 1
                    key = f"{key} <- {via}" if agent_marker not in tb[0][0] else key
            owners[key] = owners.get(key, 0) + 1
        row["owners"] = owners
        row["agent_blocks"] = agent


def resident_pages(address: int, size: int) -> int:
    """Pages of [address, address + size) in RAM, from /proc/self/pagemap (bit 63: present)."""
    with open("/proc/self/pagemap", "rb") as f:
        f.seek(address // 4096 * 8)
        raw = f.read(size // 4096 * 8)
    return sum(1 for (entry,) in struct.iter_unpack("Q", raw) if entry >> 63)


def smaps(arena_addresses=()) -> dict:
    """Resident kB by mapping: named ones by name; anonymous ones one by one
    ("anon <size kB>"), less the pages of pymalloc arenas in them, which are
    summed apart as "pymalloc arenas" (the kernel merges adjacent 1 MiB arena
    mmaps into one mapping, so size alone cannot tell them)."""
    arena_kb = {a: resident_pages(a, ARENA_SIZE) * 4 for a in arena_addresses}
    out: dict = {"pymalloc arenas": sum(arena_kb.values())}
    key, lo, hi = None, 0, 0
    with open("/proc/self/smaps") as f:
        for line in f:
            parts = line.split()
            if "-" in parts[0] and len(parts) >= 5 and not parts[0].endswith(":"):
                lo, hi = (int(x, 16) for x in parts[0].split("-"))
                name = parts[5] if len(parts) > 5 else ""
                key = name if name.startswith("[") else ("file:" + name.rsplit("/", 1)[-1]) if name else f"anon {(hi - lo) // 1024} kB"
            elif parts[0] == "Rss:":
                kb = int(parts[1]) - sum(v for a, v in arena_kb.items() if lo <= a < hi)
                if kb:
                    out[key] = out.get(key, 0) + kb
    return out
