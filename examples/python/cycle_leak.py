"""A cycle leak with the collector off. The service calls gc.disable() to
avoid collector pauses (as some latency-sensitive services do), and each
request's Request and Response point at each other. Reference counting alone
never frees a cycle, so every request's objects stay: generation 0's count
climbs and live memory grows by LEAK_MB_PER_HOUR. After LEAK_SECONDS (or at
LEAK_MAX_MB) the fix is in: the handler breaks the cycle when it is done.

Should raise: gc (collector disabled while containers pile up) and leak.
Must not raise: fragmentation, resource-leak.
"""
import gc
import sys

from demo_service import MB, LeakSchedule, RequestLoop, mb, read_settings

NAME = "cycle_leak"
settings = read_settings(NAME, {"LEAK_MB_PER_HOUR": 60.0, "LEAK_SECONDS": 0.0, "LEAK_MAX_MB": 256.0})
schedule = LeakSchedule(settings["LEAK_MB_PER_HOUR"] * MB, settings["LEAK_SECONDS"], settings["LEAK_MAX_MB"] * MB)
gc.disable()


class Request:
    __slots__ = ("path", "headers", "response")

    def __init__(self, path, headers):
        self.path = path
        self.headers = headers
        self.response = None


class Response:
    __slots__ = ("request", "body")

    def __init__(self, request, body):
        self.request = request
        self.body = body


def size_of(request):
    """The bytes of a request's own objects: what stays when its cycle is never collected."""
    return (sys.getsizeof(request) + sys.getsizeof(request.path) + sys.getsizeof(request.headers)
            + sys.getsizeof(request.headers["x-request-id"]) + sys.getsizeof(request.response) + sys.getsizeof(request.response.body))


ACCEPT = "application/json"
leaked = 0
requests_kept = 0


def handle(n, elapsed):
    global leaked, requests_kept
    fixed = schedule.over(elapsed, leaked)
    body_bytes = 256 if fixed else int(schedule.due(elapsed) - leaked) - 500  # 500: about the request's other objects
    if body_bytes < 64:
        return  # the leak is ahead of its schedule: this request does nothing
    request = Request("/orders/%d" % n, {"x-request-id": "req-%d" % n, "accept": ACCEPT})
    request.response = Response(request, b"o" * body_bytes)  # the cycle: request <-> response
    if fixed:
        request.response = None  # the fix: break the cycle, and reference counting frees both
    else:
        leaked += size_of(request)
        requests_kept += 1


def status(elapsed):
    state = "leak over" if schedule.over(elapsed, leaked) else "leaking %.0f MB/h" % settings["LEAK_MB_PER_HOUR"]
    return "gc disabled, %d requests in uncollected cycles, %s held, generation 0 count %d; %s" % (
        requests_kept, mb(leaked), gc.get_count()[0], state)


RequestLoop(NAME, settings).run(handle, status, ready="leak=%gMB/h leak_seconds=%g max=%gMB gc=disabled" % (
    settings["LEAK_MB_PER_HOUR"], settings["LEAK_SECONDS"], settings["LEAK_MAX_MB"]))
