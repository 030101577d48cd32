"""One measured host process for overhead.py: a request loop, plus either
nothing, the memsight agent, or prometheus_client's default collectors
collected at the same interval. Prints one JSON line."""
import json
import os
import sys
import threading
import time


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def thread_cpu_seconds(native_id: int) -> float:
    # schedstat's first field is the thread's time on CPU in nanoseconds; stat's
    # utime/stime count 10 ms ticks, too coarse for a 100 µs collection.
    with open(f"/proc/self/task/{native_id}/schedstat") as f:
        return int(f.read().split()[0]) / 1e9


def request(n: int) -> int:
    # A small unit of host work: build, serialise and parse a payload.
    payload = {f"k{i}": [i, str(i), i * 0.5] for i in range(40)}
    return len(json.loads(json.dumps(payload))) + n


def main() -> None:
    mode, interval, duration, endpoint = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    rss_start = rss_bytes()
    worker = None
    if mode == "memsight":
        import memsight

        agent = memsight.start(endpoint=endpoint, api_key="msk_bench", app="bench", interval=interval,
                               flush_interval=interval, slow_interval=interval * 6)
        time.sleep(0.2)
        worker = agent._thread  # has native_id like a threading.Thread
    elif mode == "prometheus":
        from prometheus_client import REGISTRY, generate_latest  # process, gc and platform collectors

        stop = threading.Event()

        def scrape():
            while not stop.wait(interval):
                generate_latest(REGISTRY)

        generate_latest(REGISTRY)
        worker = threading.Thread(target=scrape, daemon=True)
        worker.start()
    rss_started = rss_bytes()
    cpu_before = thread_cpu_seconds(worker.native_id) if worker else 0.0
    latencies = []
    deadline = time.perf_counter() + duration
    n = 0
    while time.perf_counter() < deadline:
        t0 = time.perf_counter()
        n = request(n)
        latencies.append(time.perf_counter() - t0)
        time.sleep(0.001)
    cpu = (thread_cpu_seconds(worker.native_id) - cpu_before) if worker else 0.0
    latencies.sort()
    print(json.dumps({
        "mode": mode, "interval": interval, "duration": duration, "rss_start": rss_start, "rss_started": rss_started,
        "rss_end": rss_bytes(), "worker_cpu": cpu, "requests": len(latencies),
        "p50": latencies[len(latencies) // 2], "p99": latencies[int(len(latencies) * 0.99)],
        "sent": getattr(sys.modules.get("memsight") and sys.modules["memsight"]._agent, "sent_batches", None),
    }))
    os._exit(0)  # skip atexit: the flush is not part of steady state


if __name__ == "__main__":
    main()
