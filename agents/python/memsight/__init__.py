"""memsight: memory monitoring for Python services.

Importing this package does nothing: no thread, no file, no network.
`memsight.start()` (or `python -m memsight run -- ...`) starts the agent.
"""
from __future__ import annotations

import sys
import threading

__version__ = "0.1.0"
AGENT_NAME = "memsight-python"

_agent = None
_lock = threading.Lock()
_hooks_installed = False


def start(**settings):
    """Starts the agent once per process and returns it (None when disabled or on error).

    Settings are keyword arguments (endpoint, api_key, app, app_version,
    labels, interval, flush_interval, slow_interval, tracemalloc_frames,
    buffer_bytes, timeout, log_level, disabled), else MEMSIGHT_* variables.
    Never raises: a monitoring agent must not take its host down.
    """
    global _agent, _hooks_installed
    try:
        from .config import load_config, mark_running, running_in_another_interpreter
        from .log import Log

        with _lock:
            if _agent is not None:
                return _agent
            if running_in_another_interpreter():
                return None
            boot_log = Log(settings.get("log_level") or "warning")
            config = load_config(settings, warn=boot_log.warning)
            if config.disabled:
                return None
            from .agent import Agent

            agent = Agent(config, Log(config.log_level))
            agent.start(in_forked_children_only=_in_uwsgi_master(config.under_uwsgi))
            _agent = agent
            mark_running(True)
            if not _hooks_installed:
                _install_process_hooks()
                _hooks_installed = True
            return agent
    except Exception as err:  # pragma: no cover - the last line of defence
        try:
            sys.stderr.write(f"memsight ERROR: could not start: {err!r}\n")
        except Exception:
            pass
        return None


def stop(flush_deadline: float = 2.0) -> None:
    """Stops the agent and sends what it holds, waiting at most `flush_deadline` seconds."""
    global _agent
    with _lock:
        agent, _agent = _agent, None
    if agent is not None:
        agent.stop(flush_deadline)
        from .config import mark_running

        mark_running(False)


def _install_process_hooks() -> None:
    import atexit
    import os

    atexit.register(stop)
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_after_fork_in_child)
    _install_uwsgi_hook()


def _in_uwsgi_master(under_uwsgi: bool) -> bool:
    try:
        import uwsgi  # type: ignore[import-not-found]
    except ImportError:
        # Outside uwsgi; or inside it, but too early to ask (sitecustomize, before
        # uwsgi registers its module), which happens in the master only.
        return under_uwsgi
    try:
        return uwsgi.worker_id() == 0
    except Exception:
        return False


def _install_uwsgi_hook() -> None:
    """uwsgi forks its workers in C, so os.register_at_fork hooks run only with
    --py-call-uwsgi-fork-hooks; its own post-fork hook runs either way. Only
    importable once uwsgi has loaded the app: `memsight.start()` in app code."""
    try:
        import uwsgi  # type: ignore[import-not-found]
    except ImportError:
        return
    previous = getattr(uwsgi, "post_fork_hook", None)

    def post_fork():
        if previous is not None:
            previous()
        _after_fork_in_child()

    uwsgi.post_fork_hook = post_fork
    if not uwsgi.opt.get("enable-threads"):
        sys.stderr.write("memsight WARNING: uwsgi runs without --enable-threads, so the agent's thread"
                         " runs only while a request holds the interpreter; add --enable-threads\n")


def _after_fork_in_child() -> None:
    global _lock
    _lock = threading.Lock()  # the parent's may have been held by another thread mid-fork
    agent = _agent
    if agent is not None:
        try:
            agent.after_fork_in_child()
        except Exception:
            pass
