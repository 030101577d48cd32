"""`npm run bench:python-agent`: what the memsight Python agent costs its
host, side by side with prometheus_client's default collectors (process, gc,
platform) collected at the same interval, in the same run.

Per interval (1 s and 10 s) each mode runs in its own fresh interpreter with
the same request loop: bare (baseline), memsight (posting to a local HTTP
sink), prometheus_client. Reported against the bare run: the collecting
thread's CPU (% of one core), RSS added, and extra p99 request latency.
Then, in this process, the CPU per collection of the metrics both collect.

Then the churn workload (issue 14): a host that builds and drops a table of
~100 MB of small objects every cycle, bare and with the agent side by side;
the agent must not raise the host's RSS floor (the lowest RSS after each
drop) by more than 2 MB. MEMSIGHT_BENCH_CHURN_CYCLE (s, default 10),
_CYCLES (default 12), _MB (default 100), _INTERVAL (the agent's, default 10),
_RUNS (pairs, one after another, default 3).
`--only churn` runs just that workload (it needs no prometheus_client).
To see what holds the floor: bench/churn_census.py runs the same host with
bench/arena_census.py at its floors (the pymalloc arenas alive, their blocks,
and with PYTHONTRACEMALLOC=12 the line that allocated each; resident memory
by mapping).
"""
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
AGENT_ROOT = os.path.dirname(HERE)
sys.path.insert(0, AGENT_ROOT)


def pick_python() -> str:
    """An interpreter that has prometheus_client (Debian: apt-get install python3-prometheus-client)."""
    for candidate in (os.environ.get("MEMSIGHT_BENCH_PYTHON"), "/usr/bin/python3", sys.executable):
        if candidate and subprocess.run([candidate, "-c", "import prometheus_client"], capture_output=True).returncode == 0:
            return candidate
    sys.exit("bench: no python3 with prometheus_client; on Debian: apt-get install -y python3-prometheus-client")


def run_host(python: str, mode: str, interval: float, duration: float, endpoint: str) -> dict:
    out = subprocess.run([python, os.path.join(HERE, "host.py"), mode, str(interval), str(duration), endpoint],
                         env=dict(os.environ, PYTHONPATH=AGENT_ROOT), capture_output=True, text=True, timeout=duration + 60)
    if out.returncode != 0:
        sys.exit(f"bench: host {mode} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def shared_metrics_cost(python: str) -> dict:
    code = r"""
import json, time
from memsight.collectors import process
from memsight.collectors.gc_stats import read_gc
from prometheus_client import GCCollector, PlatformCollector, ProcessCollector, CollectorRegistry
registry = CollectorRegistry()
peer = [ProcessCollector(registry=registry), GCCollector(registry=registry), PlatformCollector(registry=registry)]
def ours():  # the same ground: RSS, VMS, CPU, fd count, fd limit, GC per generation
    process.read_stat(); process.count_open_fds(); process.read_max_fds(); read_gc()
def theirs():
    for c in peer: list(c.collect())
def per_call(fn, n=2000):
    fn(); t = time.process_time()
    for _ in range(n): fn()
    return (time.process_time() - t) / n
rounds = [(per_call(ours), per_call(theirs)) for _ in range(5)]
rounds.sort(key=lambda r: r[0] / r[1])
print(json.dumps({"ours": rounds[2][0], "theirs": rounds[2][1]}))
"""
    out = subprocess.run([python, "-c", code], env=dict(os.environ, PYTHONPATH=AGENT_ROOT), capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        sys.exit(f"bench: shared-metrics run failed:\n{out.stderr}")
    return json.loads(out.stdout)


def churn_pair(python: str, args: list, timeout: float) -> dict:
    """One bare host and one with the agent, side by side: their floors, per cycle."""
    hosts = {mode: subprocess.Popen([python, os.path.join(HERE, "churn.py"), mode, *args], env=dict(os.environ, PYTHONPATH=AGENT_ROOT),
                                    stdout=subprocess.PIPE, text=True) for mode in ("bare", "memsight")}
    runs = {}
    for mode, host in hosts.items():
        out, _ = host.communicate(timeout=timeout)
        if host.returncode != 0:
            sys.exit(f"bench: churn host {mode} failed")
        runs[mode] = json.loads(out.strip().splitlines()[-1])

    def settled(floors: list) -> float:  # the last three cycles' median: one late page-in must not decide it
        return sorted(floors[-3:])[len(floors[-3:]) // 2]

    floor = {m: settled(r["floors"]) for m, r in runs.items()}
    return {
        "runs": runs, "settled_floor": floor,
        "floor_added_mb": (floor["memsight"] - floor["bare"]) / 2**20,
        "first_floor_added_mb": (runs["memsight"]["floors"][0] - runs["bare"]["floors"][0]) / 2**20,
        # From the second cycle: freeing the first table's list raises glibc's mmap threshold, which lifts every host's floor once.
        "floor_growth_mb": {m: (floor[m] - r["floors"][min(1, len(r["floors"]) - 1)]) / 2**20 for m, r in runs.items()},
    }


def churn(python: str, endpoint: str) -> dict:
    """Several pairs, one after another: where the agent's ticks fall in the host's
    peaks differs from run to run, and with it which arenas stay (issue 14), so
    one pair's figure is one draw. MEMSIGHT_BENCH_CHURN_RUNS pairs (default 3)."""
    env = os.environ.get
    cycle, cycles, table_mb, interval = float(env("MEMSIGHT_BENCH_CHURN_CYCLE", "10")), int(env("MEMSIGHT_BENCH_CHURN_CYCLES", "12")), \
        float(env("MEMSIGHT_BENCH_CHURN_MB", "100")), float(env("MEMSIGHT_BENCH_CHURN_INTERVAL", "10"))
    pairs = max(1, int(env("MEMSIGHT_BENCH_CHURN_RUNS", "3")))
    sys.stderr.write(f"bench | churn: {table_mb:g} MB of small objects built and dropped every {cycle:g}s, {cycles} cycles,"
                     f" bare and memsight side by side, {pairs} times…\n")
    args = [str(cycle), str(cycles), str(table_mb), endpoint, str(interval)]
    runs = [churn_pair(python, args, cycle * cycles * 3 + 120) for _ in range(pairs)]
    added = sorted(r["floor_added_mb"] for r in runs)
    return {"cycle": cycle, "cycles": cycles, "table_mb": table_mb, "interval": interval, "pairs": runs,
            "floor_added_mb": {"min": added[0], "median": added[len(added) // 2], "max": added[-1]}}


def print_churn(c: dict) -> None:
    print(f"\nchurn: {c['table_mb']:g} MB of small objects built and dropped every {c['cycle']:g}s for {c['cycles']} cycles, agent interval {c['interval']:g}s")
    for i, pair in enumerate(c["pairs"], 1):
        for mode in ("bare", "memsight"):
            floors = pair["runs"][mode]["floors"]
            print(f"  run {i} {mode:<9} settled floor {pair['settled_floor'][mode] / 2**20:5.1f} MB (growth since the second cycle"
                  f" {pair['floor_growth_mb'][mode]:+4.1f}); floors by cycle: {' '.join(f'{f / 2**20:.1f}' for f in floors)}")
        print(f"  run {i} the agent adds {pair['floor_added_mb']:+.1f} MB to the settled floor ({pair['first_floor_added_mb']:+.1f} MB after the first cycle)")
    a = c["floor_added_mb"]
    print(f"  added to the settled floor over {len(c['pairs'])} runs: median {a['median']:+.1f} MB, min {a['min']:+.1f}, max {a['max']:+.1f}; goal: at most 2 MB")


def compile_agent(python: str) -> None:
    """An installed package has its bytecode compiled (pip does it); without it
    every run would compile the agent and count the compiler's memory (0.5 MB
    of the floor, measured where PYTHONDONTWRITEBYTECODE is set)."""
    subprocess.run([python, "-m", "compileall", "-q", os.path.join(AGENT_ROOT, "memsight")], check=True, capture_output=True)


def main() -> None:
    if sys.argv[1:] == ["--only", "churn"]:
        compile_agent(sys.executable)
        sink = subprocess.Popen([sys.executable, os.path.join(HERE, "sink.py")], stdout=subprocess.PIPE, text=True)
        try:
            print_churn(churn(sys.executable, f"http://127.0.0.1:{sink.stdout.readline().strip()}"))
        finally:
            sink.kill()
        return
    python = pick_python()
    compile_agent(python)
    version = subprocess.run([python, "-c", "import platform; print(platform.python_version())"], capture_output=True, text=True).stdout.strip()
    sink = subprocess.Popen([python, os.path.join(HERE, "sink.py")], stdout=subprocess.PIPE, text=True)
    endpoint = f"http://127.0.0.1:{sink.stdout.readline().strip()}"
    results = {"python": version, "intervals": []}
    try:
        for interval, duration in ((1.0, 20.0), (10.0, 60.0)):
            sys.stderr.write(f"bench | interval {interval:g}s: bare, memsight, prometheus_client, {duration:g}s each…\n")
            runs = {mode: run_host(python, mode, interval, duration, endpoint) for mode in ("bare", "memsight", "prometheus")}
            bare = runs["bare"]
            row = {"interval": interval}
            for mode in ("memsight", "prometheus"):
                r = runs[mode]
                row[mode] = {
                    "cpu_percent": 100 * r["worker_cpu"] / r["duration"],
                    "rss_added_mb": ((r["rss_end"] - r["rss_start"]) - (bare["rss_end"] - bare["rss_start"])) / 2**20,
                    "p99_extra_us": (r["p99"] - bare["p99"]) * 1e6,
                }
            row["bare_p99_us"] = bare["p99"] * 1e6
            row["memsight_batches_sent"] = runs["memsight"]["sent"]
            results["intervals"].append(row)
        sys.stderr.write("bench | the metrics both collect, per collection, in one process…\n")
        results["shared_metrics"] = shared_metrics_cost(python)
        results["churn"] = churn(python, endpoint)
    finally:
        sink.kill()

    print(f"\nPython {version}; memsight vs prometheus_client (process, gc and platform collectors), each against a bare run\n")
    print(f"{'interval':>8}  {'':<18} {'CPU % of a core':>16} {'RSS added':>11} {'p99 extra':>11}")
    for row in results["intervals"]:
        for mode in ("memsight", "prometheus"):
            m = row[mode]
            print(f"{row['interval']:>7g}s  {mode:<18} {m['cpu_percent']:>15.3f}% {m['rss_added_mb']:>8.1f} MB {m['p99_extra_us']:>8.0f} µs")
    shared = results["shared_metrics"]
    print(f"\nmetrics both collect, CPU per collection: memsight {shared['ours'] * 1e6:.0f} µs, prometheus_client {shared['theirs'] * 1e6:.0f} µs"
          f" (ratio {shared['ours'] / shared['theirs']:.2f})")
    print_churn(results["churn"])
    os.makedirs(os.path.join(AGENT_ROOT, "..", "..", "artifacts"), exist_ok=True)
    with open(os.path.join(AGENT_ROOT, "..", "..", "artifacts", "bench-python-agent.json"), "w") as f:
        json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
