"""Counts ResourceWarnings: Python's own report of a file or socket that was
garbage-collected without being closed, the classic slow fd leak.

They are ignored by default, so counting needs a filter that lets them
through; the original showwarning still prints them when the user asked for
warnings (-W, -X dev, PYTHONWARNINGS), and they stay silent otherwise.
"""
from __future__ import annotations

import sys
import threading
import warnings as _warnings


class ResourceWarningCounter:
    def __init__(self, warnings_module=_warnings, echo=None):
        self._warnings = warnings_module
        self._echo = echo if echo is not None else bool(sys.warnoptions) or bool(getattr(sys.flags, "dev_mode", False))
        self._count = 0
        self._lock = threading.Lock()
        self._original = None

    @property
    def count(self) -> int:
        return self._count

    def _show(self, message, category, filename, lineno, file=None, line=None):
        if isinstance(category, type) and issubclass(category, ResourceWarning):
            with self._lock:
                self._count += 1
            if not self._echo:
                return
        try:
            self._original(message, category, filename, lineno, file, line)
        except Exception:
            pass

    def install(self) -> None:
        if self._original is not None:
            return
        self._original = self._warnings.showwarning
        self._warnings.showwarning = self._show
        # "always", not "default": every unclosed file counts, not one per line of code.
        self._warnings.filterwarnings("always", category=ResourceWarning)

    def uninstall(self) -> None:
        if self._original is None:
            return
        if self._warnings.showwarning == self._show:
            self._warnings.showwarning = self._original
        self._warnings.filters[:] = [
            f for f in self._warnings.filters if not (f[0] == "always" and f[2] is ResourceWarning and f[1] is None)
        ]
        mutated = getattr(self._warnings, "_filters_mutated", None)  # the C-level filter cache
        if mutated:
            mutated()
        self._original = None
