"""`python -m memsight sample`: collect a few ticks from this process and
print the batch it would send, as JSON. Used by the contract tests and handy
to see what the agent reads on a machine."""
from __future__ import annotations

import argparse
import json
import sys
import time

from . import metrics
from .batch import build_batch
from .collectors.cgroup import read_cgroup_memory
from .collectors.gc_stats import GcPauseTimer
from .collectors.objects import TypeCounter
from .collectors.resource_warnings import ResourceWarningCounter
from .collectors.tracemalloc_sites import AllocationSites
from .identity import instance_identity, new_instance_id, now_ms


def sample(args) -> dict:
    pauses = GcPauseTimer()
    warnings_counter = ResourceWarningCounter()
    pauses.install()
    warnings_counter.install()
    sites = AllocationSites(frames=args.frames) if args.tracemalloc else None
    if sites:
        sites.start()
        sites.take()
    src = metrics.Sources(gc_pauses=pauses, resource_warnings=warnings_counter)
    ticks = []
    try:
        for i in range(args.ticks):
            if i:
                time.sleep(args.interval)
            values = metrics.cheap(src)
            if i == 0:
                values.update(metrics.arenas())
            if sites:
                values.update({f"cpython.tracemalloc.{k}": v for k, v in sites.traced().items()})
            ticks.append((now_ms(), values))
        ts = ticks[-1][0]
        snapshots = [{"kind": "type_counts", "ts": ts, "types": [
            {k: row[k] for k in ("type", "count", "growth")} for row in TypeCounter().take(top=args.top)["types"]
        ]}]
        if sites:
            snapshots.append({"kind": "allocation_sites", "ts": ts, "source": "tracemalloc", "sites": sites.take(top=args.top)})
    finally:
        pauses.uninstall()
        warnings_counter.uninstall()
        if sites:
            sites.stop()
    limit = read_cgroup_memory().get("limit")
    instance = instance_identity(args.app, new_instance_id(), ticks[0][0], args.app_version, dict(args.label), limit)
    return build_batch(instance, args.seq, ticks, snapshots)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m memsight")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sample", help="print one batch read from this process")
    s.add_argument("--app", default="memsight-sample")
    s.add_argument("--app-version")
    s.add_argument("--label", action="append", default=[], type=lambda kv: tuple(kv.split("=", 1)), metavar="KEY=VALUE")
    s.add_argument("--ticks", type=int, default=2)
    s.add_argument("--interval", type=float, default=0.1)
    s.add_argument("--seq", type=int, default=0)
    s.add_argument("--top", type=int, default=20)
    s.add_argument("--tracemalloc", action="store_true")
    s.add_argument("--frames", type=int, default=4)
    args = parser.parse_args(argv)
    if args.command == "sample":
        json.dump(sample(args), sys.stdout, allow_nan=False)
        sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
