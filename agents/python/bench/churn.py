"""One churning host for overhead.py: every cycle it builds a table of small
objects (about `table_mb` MB: tuples of an int, a str and a float), drops it,
and idles for the rest of the cycle. Its RSS floor is the lowest RSS seen
after the drop, each cycle: a host without an agent keeps it flat (issue 14:
within 1 MB over 12 minutes), so whatever it gains is the agent's doing.

argv: mode (bare | memsight), cycle seconds, cycles, table MB, endpoint,
agent interval. Prints one JSON line: the floor of each cycle, in bytes.

The readings go into arrays made before the first cycle: an int object kept
from the peak would pin the 1 MiB pymalloc arena it landed in, and this host
would then raise its own floor by 1 MB a cycle (it did, before the arrays),
which is the very effect measured here."""
import json
import os
import sys
import time
from array import array

PAGE = os.sysconf("SC_PAGE_SIZE")
ROW_BYTES = 64 + 32 + 56 + 24 + 8  # tuple, int, short str, float, the list's pointer


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


def build_table(mb: float) -> list:
    return [(i, str(i), i * 0.5) for i in range(int(mb * 2**20 / ROW_BYTES))]


def main() -> None:
    mode, cycle, cycles, table_mb, endpoint, interval = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5], float(sys.argv[6])
    agent = None
    if mode == "memsight":
        import memsight

        agent = memsight.start(endpoint=endpoint, api_key="msk_bench", app="bench-churn", interval=interval)
    start = rss_bytes()
    floors, peaks = array("q", bytes(8 * cycles)), array("q", bytes(8 * cycles))
    for c in range(cycles):
        began = time.monotonic()
        table = build_table(table_mb)
        peaks[c] = rss_bytes()
        del table
        floors[c] = rss_bytes()
        while time.monotonic() - began < cycle:
            time.sleep(0.05)
            floors[c] = min(floors[c], rss_bytes())
    print(json.dumps({
        "mode": mode, "rss_start": start, "floors": floors.tolist(), "peaks": peaks.tolist(),
        "sent": getattr(agent, "sent_batches", None), "dropped": agent.outbox.dropped_total if agent else None,
    }))
    os._exit(0)  # skip atexit: the flush is not part of steady state


if __name__ == "__main__":
    main()
