"""The agent's threads, started with _thread rather than threading.Thread.

So they are not in threading.enumerate() or active_count() (hosts and their
tests count threads), and they do not run the host's threading.settrace /
setprofile hooks: CPython's own test_threading failed when a traced test
and our thread's start raced to install the trace function.

Their waits use `Signal`, not threading.Event: an Event's wait keeps two
new blocks alive for as long as it waits (measured with
sys.getallocatedblocks; a new waiter lock is one). Our threads wait most of
the time, and a wait that began during a host's peak kept its blocks in the
host's newest pymalloc arena, which then stayed resident after the host
freed the rest of it (issue 14: bench/arena_census.py found an arena held
by nothing but four such blocks of our two threads).
"""
from __future__ import annotations

import _thread


# Timeouts that exist before any wait: whole seconds are small ints, which
# CPython never allocates; the rest is rounded up to one of these.
_FRACTIONS = tuple(i / 100 for i in range(1, 101))


def wait_step(left: float):
    """A timeout for a wait of `left` seconds that is an object made already: at
    most `left` when it is a second or more (the caller waits again for the
    rest), else rounded up to the next hundredth. None when nothing is left."""
    if left <= 0:
        return None
    if left >= 1:
        return min(int(left), 256)
    return _FRACTIONS[min(99, int(left * 100))]


class Signal:
    """A flag one thread waits on, set from any thread, whose wait allocates nothing.

    The flag is a plain lock, unlocked while set: `wait` is one `acquire` with
    a timeout, which keeps no Python object alive while it blocks. Pass
    timeouts that already exist (small ints, constants): a new float made for
    the wait would itself live as long as the wait."""

    def __init__(self):
        self._lock = _thread.allocate_lock()
        self._lock.acquire()

    def set(self) -> None:
        try:
            self._lock.release()
        except RuntimeError:  # already set: another thread got there first
            pass

    def clear(self) -> None:
        self._lock.acquire(False)

    def is_set(self) -> bool:
        return not self._lock.locked()

    def wait(self, timeout=None) -> bool:
        """True once set (it stays set), False when `timeout` seconds pass first."""
        got = self._lock.acquire() if timeout is None else self._lock.acquire(True, timeout)
        if got:
            self.set()
        return got

    def take(self, timeout=None) -> bool:
        """wait() and clear() at once: True if it was set (and now is not)."""
        return self._lock.acquire() if timeout is None else self._lock.acquire(True, timeout)


class AgentThread:
    def __init__(self, target):
        self._target = target
        self._done = Signal()
        self.ident = None

    def _main(self):
        try:
            self._target()
        finally:
            self._done.set()

    def start(self):
        # The ident as start_new_thread returns it, made here and now: set by the new
        # thread, which may first run during the host's peak, the int pinned an arena.
        self.ident = _thread.start_new_thread(self._main, ())

    def is_alive(self) -> bool:
        return not self._done.is_set()

    def join(self, timeout=None) -> None:
        self._done.wait(timeout)
