"""A cache leak: each report is cached under a key that carries the request
id, so no key is ever asked for twice and nothing is ever evicted. Live memory
grows by LEAK_MB_PER_HOUR. After LEAK_SECONDS (or at LEAK_MAX_MB) the fix is
in: the key drops the request id, and the cache stops growing.

Should raise: leak. Must not raise: fragmentation, gc, resource-leak.
"""
import sys

from demo_service import MB, LeakSchedule, RequestLoop, mb, read_settings

NAME = "cache_leak"
settings = read_settings(NAME, {"LEAK_MB_PER_HOUR": 60.0, "LEAK_SECONDS": 0.0, "LEAK_MAX_MB": 256.0, "USERS": 100.0})
schedule = LeakSchedule(settings["LEAK_MB_PER_HOUR"] * MB, settings["LEAK_SECONDS"], settings["LEAK_MAX_MB"] * MB)
users = max(1, int(settings["USERS"]))
REPORT_BYTES = 2048  # a report's size once the leak is fixed
ENTRY_OVERHEAD = sys.getsizeof(b"") + 48  # the page's header, plus its slot in the grown table (about 3 words, doubled in growth)

reports = {}
entry_bytes = 0  # keys and pages held by the cache; with its table, what has leaked


def held():
    return sys.getsizeof(reports) + entry_bytes


def render(user, size):
    return (b"user %d " % user).ljust(size, b".")  # a fresh, fully written buffer: resident memory, as a real report is


def handle(n, elapsed):
    global entry_bytes
    user = n % users
    if schedule.over(elapsed, held()):
        key = "/report?user=%d" % user  # fixed: one report per user
        size = REPORT_BYTES
    else:
        key = "/report?user=%d&request=%d" % (user, n)  # the bug: every key is new
        size = int(schedule.due(elapsed) - held()) - sys.getsizeof(key) - ENTRY_OVERHEAD
        if size < 64:
            return render(user, 64)  # the leak is ahead of its schedule: this request is not cached
    report = reports.get(key)
    if report is None:
        report = reports[key] = render(user, size)
        entry_bytes += sys.getsizeof(key) + sys.getsizeof(report)
    return report


def status(elapsed):
    state = "leak over" if schedule.over(elapsed, held()) else "leaking %.0f MB/h" % settings["LEAK_MB_PER_HOUR"]
    return "%d reports cached, %s held; %s" % (len(reports), mb(held()), state)


RequestLoop(NAME, settings).run(handle, status, ready="leak=%gMB/h leak_seconds=%g max=%gMB" % (
    settings["LEAK_MB_PER_HOUR"], settings["LEAK_SECONDS"], settings["LEAK_MAX_MB"]))
