"""churn.py's host with arena_census.py at its floors: a diagnostic run (issue 14).

argv as churn.py's. Prints, per cycle, the floor and the pymalloc arenas
alive at the floor; at the end, the census of every arena (its used pools,
its blocks, and with PYTHONTRACEMALLOC=N set, who allocated them) and the
resident memory by mapping kind. The host's work is churn.py's own
build_table; only the readings differ."""
import json
import os
import sys
import time
from array import array

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import arena_census  # noqa: E402
from churn import build_table, rss_bytes  # noqa: E402


def main() -> None:
    mode, cycle, cycles, table_mb, endpoint, interval = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5], float(sys.argv[6])
    ob = arena_census.Obmalloc()
    agent = None
    if mode == "memsight":
        import memsight

        agent = memsight.start(endpoint=endpoint, api_key="msk_bench", app="bench-churn", interval=interval)
    floors, arenas, blocks = array("q", bytes(8 * cycles)), array("q", bytes(8 * cycles)), array("q", bytes(8 * cycles))
    t0 = time.monotonic()
    for c in range(cycles):
        began = time.monotonic()
        table = build_table(table_mb)
        del table
        floors[c] = rss_bytes()
        while time.monotonic() - began < cycle:
            time.sleep(0.05)
            floors[c] = min(floors[c], rss_bytes())
        arenas[c] = len(ob.arenas())
        blocks[c] = sys.getallocatedblocks()
    rows = ob.census(with_blocks=True)
    traced = bool(os.environ.get("PYTHONTRACEMALLOC"))
    if traced:
        arena_census.attribute(rows)
    for row in rows:
        row.pop("block_addresses", None)
    print(json.dumps({
        "mode": mode, "seconds": time.monotonic() - t0, "floors_mb": [round(f / 2**20, 1) for f in floors], "arenas": arenas.tolist(),
        "blocks": blocks.tolist(), "smaps_kb": arena_census.smaps([a for _, a, *_ in ob.arenas()]),
        "census": [dict(r, address=hex(r["address"]), owners=dict(sorted(r.get("owners", {}).items(), key=lambda kv: -kv[1])[:12]))
                   for r in rows],
    }, indent=1))
    os._exit(0)


if __name__ == "__main__":
    main()
