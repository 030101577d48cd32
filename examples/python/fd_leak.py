"""A file descriptor leak: each request appends a line to an audit log through
a file it opens and never closes. The open files are kept in a list (a
"recent audit handles" list nobody prunes), so the collector never closes
them either: the process's open descriptors grow by LEAK_FDS_PER_HOUR. After
LEAK_SECONDS (or at LEAK_MAX_FDS, kept below the process's fd limit) the fix
is in: each request closes its file.

Should raise: resource-leak, and the demo's threshold rule (open fds > 200).
Must not raise: leak (an unbuffered file object is about 200 bytes), fragmentation, gc.
"""
import os
import resource
import tempfile

from demo_service import LeakSchedule, RequestLoop, read_settings

NAME = "fd_leak"
settings = read_settings(NAME, {"LEAK_FDS_PER_HOUR": 1800.0, "LEAK_SECONDS": 0.0, "LEAK_MAX_FDS": 1000.0})
soft_limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
cap = settings["LEAK_MAX_FDS"]
if soft_limit != resource.RLIM_INFINITY:
    cap = min(cap, soft_limit * 0.8 - 20)  # never starve the process (and its agent) of descriptors
schedule = LeakSchedule(settings["LEAK_FDS_PER_HOUR"], settings["LEAK_SECONDS"], cap)

log_dir = tempfile.mkdtemp(prefix="memsight-example-fd-leak-")
log_path = os.path.join(log_dir, "audit.log")
handles = []


def audit(n):
    log = open(log_path, "ab", buffering=0)
    log.write(b"request %d\n" % n)
    return log


def handle(n, elapsed):
    if schedule.over(elapsed, len(handles)) or len(handles) + 1 > schedule.due(elapsed):
        audit(n).close()  # the fix (or the leak ahead of its schedule)
    while not schedule.over(elapsed, len(handles)) and len(handles) + 1 <= schedule.due(elapsed):
        handles.append(audit(n))  # the bug: opened, written, never closed (more than one when the rate outruns the requests)


def status(elapsed):
    state = "leak over" if schedule.over(elapsed, len(handles)) else "leaking %.0f fds/h" % settings["LEAK_FDS_PER_HOUR"]
    return "%d audit files left open; %s" % (len(handles), state)


try:
    RequestLoop(NAME, settings).run(handle, status, ready="leak=%gfds/h leak_seconds=%g max=%gfds" % (
        settings["LEAK_FDS_PER_HOUR"], settings["LEAK_SECONDS"], cap))
finally:
    for log in handles:
        log.close()
    os.unlink(log_path)
    os.rmdir(log_dir)
