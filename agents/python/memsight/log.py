"""Levelled lines on stderr, quiet by default (warnings and errors only).
The agent never logs through the host's `logging` setup: it must not add
handlers, change levels, or show up in the host's log pipeline uninvited."""
from __future__ import annotations

import sys
import threading

LEVELS = {"debug": 10, "info": 20, "warning": 30, "error": 40, "off": 100}


class Log:
    def __init__(self, level: str = "warning", stream=None):
        self.threshold = LEVELS.get(str(level).lower(), 30)
        self._stream = stream
        self._once: set = set()
        self._lock = threading.Lock()

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

    def once(self, key: str, level: str, message: str) -> None:
        """Logs `message` the first time `key` is seen: a persistent fault says so once, not every tick."""
        with self._lock:
            if key in self._once:
                return
            self._once.add(key)
        self._write(level, message)
