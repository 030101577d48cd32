"""The agent's threads, started with _thread rather than threading.Thread.

So they are not in threading.enumerate() or active_count() (hosts and their
tests count threads), and they do not run the host's threading.settrace /
setprofile hooks: CPython's own test_threading failed when a traced test
and our thread's start raced to install the trace function.
"""
from __future__ import annotations

import _thread
import threading


class AgentThread:
    def __init__(self, target):
        self._target = target
        self._done = threading.Event()
        self.native_id = None
        self.ident = None

    def _main(self):
        try:
            self.ident = _thread.get_ident()
            self.native_id = getattr(threading, "get_native_id", lambda: None)()
            self._target()
        finally:
            self._done.set()

    def start(self):
        _thread.start_new_thread(self._main, ())

    def is_alive(self) -> bool:
        return not self._done.is_set()

    def join(self, timeout=None) -> None:
        self._done.wait(timeout)
