"""What every Python example shares: its settings (read from the environment
once, at startup), a request loop paced by the clock, the leak schedule,
and the `ready` and status lines.

Standard library only, like the agent: the examples run on a bare python3.
"""
import os
import signal
import sys
import time

MB = 1024 * 1024  # the examples' "MB" is a MiB, as in the alert rules

COMMON = {
    "REQUESTS_PER_SECOND": 10.0,
    "DURATION_SECONDS": 0.0,  # 0: run until stopped
    "STATUS_SECONDS": 10.0,
}


def read_settings(name, defaults, environ=None):
    """The example's settings: `defaults` and COMMON, each overridable by an environment variable of its name."""
    environ = os.environ if environ is None else environ
    settings = {}
    for key, default in {**COMMON, **defaults}.items():
        raw = environ.get(key, "")
        try:
            settings[key] = float(raw) if raw.strip() else default
        except ValueError:
            sys.stderr.write(f"{name}: {key}={raw!r} is not a number\n")
            sys.exit(2)
        if settings[key] < 0:
            sys.stderr.write(f"{name}: {key} must not be negative\n")
            sys.exit(2)
    return settings


class LeakSchedule:
    """How much should have leaked `elapsed` seconds in: `per_hour` until
    `leak_seconds` (0: no end), never more than `cap`. Callers leak the
    shortfall on each request, so the rate holds however late a request runs."""

    def __init__(self, per_hour, leak_seconds, cap):
        self.per_hour = per_hour
        self.leak_seconds = leak_seconds
        self.cap = cap

    def due(self, elapsed):
        leaking_for = min(elapsed, self.leak_seconds) if self.leak_seconds else elapsed
        return min(self.per_hour * leaking_for / 3600.0, self.cap)

    def over(self, elapsed, leaked):
        """True once the leak has stopped for good: its time is up or the cap is reached."""
        return bool(self.leak_seconds and elapsed >= self.leak_seconds) or leaked >= self.cap


def mb(n):
    return "%.1f MB" % (n / MB)


class RequestLoop:
    """Runs `handle(n, elapsed)` at `REQUESTS_PER_SECOND` on the main thread,
    writes `status(elapsed)` to stderr every `STATUS_SECONDS`, and stops on
    SIGTERM, SIGINT, after `DURATION_SECONDS`, or when its parent process is
    gone (nothing outlives a demo that was killed)."""

    def __init__(self, name, settings, clock=time.monotonic):
        self.name = name
        self.interval = 1.0 / max(settings["REQUESTS_PER_SECOND"], 0.01)
        self.duration = settings["DURATION_SECONDS"]
        self.status_every = max(settings["STATUS_SECONDS"], 1.0)
        self.clock = clock
        self.started = clock()
        self.stopping = False
        self.parent = os.getppid()

    def _stop(self, signum, frame):
        self.stopping = True

    def run(self, handle, status, ready):
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        sys.stdout.write("ready %s pid=%d %s\n" % (self.name, os.getpid(), ready))
        sys.stdout.flush()
        n = 0
        next_request = self.started
        next_status = self.started + self.status_every
        while not self.stopping:
            now = self.clock()
            elapsed = now - self.started
            if (self.duration and elapsed >= self.duration) or os.getppid() != self.parent:
                break
            if next_request < now - 1.0:
                next_request = now  # a stalled machine: skip the backlog rather than burst
            while next_request <= now:
                handle(n, elapsed)
                n += 1
                next_request += self.interval
            if now >= next_status:
                sys.stderr.write(status(elapsed) + "\n")
                sys.stderr.flush()
                next_status = now + self.status_every
            time.sleep(max(0.0, min(next_request, next_status) - self.clock()))
        sys.stderr.write("stopped after %d requests\n" % n)
