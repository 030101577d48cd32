"""Levelled lines on stderr, quiet by default (warnings and errors only).
The agent never logs through the host's `logging` setup: it must not add
handlers, change levels, or show up in the host's log pipeline uninvited."""
from __future__ import annotations

import os
import sys
import threading
import weakref

LEVELS = {"debug": 10, "info": 20, "warning": 30, "error": 40, "off": 100}


class Log:
    def __init__(self, level: str = "warning", stream=None):
        self.threshold = LEVELS.get(str(level).lower(), 30)
        self._stream = stream
        self._once: set = set()
        self._lock = threading.Lock()
        _live.add(self)

    def _write(self, level: str, message: str) -> None:
        if LEVELS[level] < self.threshold:
            return
        try:
            (self._stream or sys.stderr).write(f"memsight {level.upper()}: {message}\n")
        except Exception:
            pass  # a closed stderr must not become the host's problem

    def debug(self, m: str) -> None:
        self._write("debug", m)

    def info(self, m: str) -> None:
        self._write("info", m)

    def warning(self, m: str) -> None:
        self._write("warning", m)

    def error(self, m: str) -> None:
        self._write("error", m)

    def _after_fork_in_child(self) -> None:
        # A fork taken while another thread held the lock copies it held, with no
        # thread left to release it: the child's first log.once() would hang.
        self._lock = threading.Lock()

    def once(self, key: str, level: str, message: str) -> None:
        """Logs `message` the first time `key` is seen: a persistent fault says so once, not every tick."""
        with self._lock:
            if key in self._once:
                return
            self._once.add(key)
        self._write(level, message)


_live: weakref.WeakSet = weakref.WeakSet()


def _renew_locks_in_child() -> None:
    for log in list(_live):
        log._after_fork_in_child()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_renew_locks_in_child)
