"""The agent's settings: keyword arguments to start(), else MEMSIGHT_*
environment variables, else defaults. Read once. A bad value is reported on
stderr and replaced by its default: configuration must never crash the host."""
from __future__ import annotations

import os

ENV = {
    "endpoint": "MEMSIGHT_ENDPOINT",
    "api_key": "MEMSIGHT_API_KEY",
    "app": "MEMSIGHT_APP",
    "app_version": "MEMSIGHT_APP_VERSION",
    "labels": "MEMSIGHT_LABELS",
    "interval": "MEMSIGHT_INTERVAL",
    "flush_interval": "MEMSIGHT_FLUSH_INTERVAL",
    "slow_interval": "MEMSIGHT_SLOW_INTERVAL",
    "slow_budget": "MEMSIGHT_SLOW_BUDGET",
    "tracemalloc_frames": "MEMSIGHT_TRACEMALLOC",
    "buffer_bytes": "MEMSIGHT_BUFFER_BYTES",
    "timeout": "MEMSIGHT_TIMEOUT",
    "log_level": "MEMSIGHT_LOG_LEVEL",
    "disabled": "MEMSIGHT_DISABLED",
}


DEFAULTS = {
    "endpoint": "http://127.0.0.1:4100",
    "api_key": "",
    "app": "",
    "app_version": "",
    "labels": {},
    "interval": 10.0,  # seconds between cheap samples
    "flush_interval": 10.0,  # seconds between batches
    "slow_interval": 60.0,  # arenas, type counts, tracemalloc snapshots
    "slow_budget": 0.05,  # seconds one slow round may take before it backs off
    "tracemalloc_frames": 0,  # 0 = off: tracing costs the host on every allocation
    "buffer_bytes": 1 << 20,
    "timeout": 5.0,
    "log_level": "warning",
    "disabled": False,
}


class AgentConfig:
    """Plain attributes named as in DEFAULTS (no dataclasses: importing it costs the host RSS),
    plus what the environment says about the process (not settings): the
    server software (gunicorn sets it), uwsgi's marker, and Windows' host name."""

    def __init__(self, **values):
        for name, default in DEFAULTS.items():
            setattr(self, name, dict(default) if isinstance(default, dict) else default)
        self.server_software = ""
        self.under_uwsgi = False
        self.computer_name = ""
        for name, value in values.items():
            setattr(self, name, value)


def _parse(name: str, raw, default):
    if isinstance(default, bool):
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off", ""):
            return False
        raise ValueError("expected true or false")
    if isinstance(default, dict):
        if isinstance(raw, dict):
            return dict(raw)
        pairs = [p for p in str(raw).split(",") if p.strip()]
        if any("=" not in p for p in pairs):
            raise ValueError("expected key=value pairs separated by commas")
        return {k.strip(): v.strip() for k, v in (p.split("=", 1) for p in pairs)}
    if isinstance(default, int):
        value = int(raw)
        if value < 0:
            raise ValueError("must not be negative")
        return value
    if isinstance(default, float):
        value = float(raw)
        if not value > 0:
            raise ValueError("must be a positive number of seconds")
        return value
    return str(raw)


def load_config(overrides: dict, environ=os.environ, warn=lambda m: None) -> AgentConfig:
    config = AgentConfig()
    for name, default in DEFAULTS.items():
        if overrides.get(name) is not None:
            raw, where = overrides[name], f"start({name}=...)"
        elif ENV[name] in environ:
            raw, where = environ[ENV[name]], ENV[name]
        else:
            continue
        try:
            setattr(config, name, _parse(name, raw, default))
        except (TypeError, ValueError) as err:
            warn(f"{where}={raw!r} is not valid ({err}); using the default {default!r}.")
    unknown = set(overrides) - set(DEFAULTS)
    if unknown:
        warn(f"start() ignores unknown settings: {', '.join(sorted(unknown))}.")
    config.server_software = environ.get("SERVER_SOFTWARE", "")
    config.under_uwsgi = bool(environ.get("UWSGI_ORIGINAL_PROC_NAME"))
    config.computer_name = environ.get("COMPUTERNAME", "")
    config.endpoint = config.endpoint.rstrip("/")
    if not config.endpoint.startswith(("http://", "https://")):
        warn(f"endpoint {config.endpoint!r} is not an http:// or https:// URL; the agent stays off.")
        config.disabled = True
    return config


# PYTHONPATH is how `python -m memsight run` hands the agent to the program it
# launches (and how that program's sitecustomize stops passing it on); the
# one place that reads and writes it.
def pythonpath(environ=os.environ) -> list:
    return [p for p in environ.get("PYTHONPATH", "").split(os.pathsep) if p]


def set_pythonpath(entries: list, environ=os.environ) -> None:
    environ["PYTHONPATH"] = os.pathsep.join(entries)


# Set in the C environment (os.putenv, not os.environ) to the pid of the process
# whose main interpreter runs the agent. A subinterpreter builds its os.environ
# from that environment, sees its own pid there and starts nothing: the process
# has its agent, and a second one's threads made Py_EndInterpreter abort ("not
# the last thread"; CPython's test_threading, with the agent auto-started).
_RUNNING = "MEMSIGHT_AGENT_PID"


def running_in_another_interpreter(environ=os.environ) -> bool:
    mine = str(os.getpid())
    if environ.get(_RUNNING) == mine:
        return True
    try:  # Python 3.8 copies os.environ into a subinterpreter from the first import: ask C itself
        import ctypes

        getenv = ctypes.CDLL(None).getenv
        getenv.restype, getenv.argtypes = ctypes.c_char_p, [ctypes.c_char_p]
        return getenv(_RUNNING.encode()) == mine.encode()
    except Exception:
        return False


def mark_running(running: bool) -> None:
    try:
        if running:
            os.putenv(_RUNNING, str(os.getpid()))
        else:
            os.unsetenv(_RUNNING)
    except (OSError, AttributeError):  # no putenv here: subinterpreters may start an agent of their own
        pass
