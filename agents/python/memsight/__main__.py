"""`python -m memsight sample`: collect a few ticks from this process and
print the batch it would send, as JSON. Used by the contract tests and handy
to see what the agent reads on a machine."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

from . import metrics
from .collectors import process
from .batch import build_batch
from .collectors.gc_stats import GcPauseTimer
from .collectors.objects import TypeCounter
from .collectors.resource_warnings import ResourceWarningCounter
from .collectors.tracemalloc_sites import AllocationSites
from .config import load_config, pythonpath, set_pythonpath
from .identity import instance_identity, new_instance_id, now_ms, worker_name


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
                arenas = metrics.arenas()
                values.update(arenas)
            values.update(metrics.breakdown(values, arenas))
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
    started = process.read_start_time().get("started_at")
    limit = ticks[0][1].get("container.memory.limit")  # metrics.cheap reads the cgroup in full by default
    env = load_config({})
    instance = instance_identity(args.app, new_instance_id(), int(started * 1000) if started else ticks[0][0], args.app_version, dict(args.label), limit,
                                 worker=worker_name(env.server_software, env.under_uwsgi), computer_name=env.computer_name)
    return build_batch(instance, args.seq, ticks, snapshots)


def run(command: list) -> int:
    """Executes `command` with the agent auto-started in it (through sitecustomize)."""
    if not command:
        sys.stderr.write("usage: python -m memsight run -- <program> [args...]\n")
        return 2
    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    autostart = os.path.join(package_parent, "memsight", "_autostart")
    set_pythonpath([autostart, package_parent] + pythonpath())
    try:
        os.execvp(command[0], command)
    except OSError as err:
        sys.stderr.write(f"memsight: cannot run {command[0]!r}: {err}\n")
        return 127
    return 0  # not reached


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
    r = sub.add_parser("run", help="run a program with the agent started in it (settings from MEMSIGHT_*)")
    r.add_argument("program", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.command == "run":
        program = args.program[1:] if args.program[:1] == ["--"] else args.program
        return run(program)
    if args.command == "sample":
        json.dump(sample(args), sys.stdout, allow_nan=False)
        sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
