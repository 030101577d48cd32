"""Who is sending: the app, this process, and an instance id that belongs to
this process alone. A forked child must mint a new id (its samples are a
different process's), which the agent does from an at-fork hook."""
from __future__ import annotations

import os
import re
import sys
import time

_LABEL_KEY = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_./-]{0,127}$")  # the contract's LABEL_KEY_PATTERN


def new_instance_id() -> str:
    return "py-" + os.urandom(10).hex()  # not uuid: it imports platform and more (RSS the host pays)


def worker_name(server_software: str = "", under_uwsgi: bool = False, argv=None, proc_root: str = "/proc") -> str | None:
    """gunicorn or uwsgi worker identity, when the process is one (see AgentConfig for the inputs).

    Both servers start the agent in their master when it is attached with
    `python -m memsight run`, and fork the workers from it, so the master is
    named too: "gunicorn:master" or "uwsgi:master", then "gunicorn:<pid>" and
    "uwsgi:<worker number>" for the workers.
    """
    argv = sys.argv if argv is None else argv
    if "uwsgi" in sys.modules or under_uwsgi:
        try:
            import uwsgi  # type: ignore[import-not-found]

            number = uwsgi.worker_id()
            return f"uwsgi:{number}" if number else "uwsgi:master"
        except Exception:
            return "uwsgi"
    if "gunicorn" in (argv[0] if argv else "") or "gunicorn" in server_software:  # also `python -m gunicorn`
        # A worker's parent is the gunicorn master; the master's is a shell or a
        # supervisor. Asked at every flush, read once per process.
        key = (proc_root, os.getpid())
        if key not in _gunicorn_names:
            _gunicorn_names[key] = f"gunicorn:{key[1]}" if b"gunicorn" in _parent_cmdline(proc_root) else "gunicorn:master"
        return _gunicorn_names[key]
    return None


_gunicorn_names: dict = {}  # (proc root, pid) -> worker name


def _parent_cmdline(proc_root: str) -> bytes:
    try:
        with open(f"{proc_root}/{os.getppid()}/cmdline", "rb") as f:
            return f.read(4096)
    except OSError:
        return b""


def clean_labels(labels: dict | None) -> dict:
    """Labels the contract accepts: up to 32, safe keys, string values of at most 256 chars."""
    out = {}
    for k, v in (labels or {}).items():
        if len(out) >= 32:
            break
        if isinstance(k, str) and _LABEL_KEY.match(k):
            out[k] = str(v)[:256]
    return out


def instance_identity(app: str, instance_id: str, started_at_ms: int, app_version: str | None = None,
                      labels: dict | None = None, memory_limit: int | None = None,
                      worker: str | None = None, computer_name: str = "") -> dict:
    identity = {
        "id": instance_id,
        "app": (app or "python-app")[:128],
        "host": (_hostname(computer_name) or "unknown")[:255],
        "pid": os.getpid(),
        "runtime": "cpython",
        "runtimeVersion": "%d.%d.%d" % sys.version_info[:3],
        "startedAt": int(started_at_ms),
    }
    if app_version:
        identity["appVersion"] = str(app_version)[:128]
    if worker:
        identity["worker"] = worker[:64]
    if memory_limit is not None:
        identity["memoryLimitBytes"] = int(memory_limit)
    cleaned = clean_labels(labels)
    if cleaned:
        identity["labels"] = cleaned
    return identity


def _hostname(computer_name: str) -> str:
    try:
        return os.uname().nodename
    except AttributeError:  # Windows: the name comes from the environment
        return computer_name


def now_ms(clock=time.time) -> int:
    return int(clock() * 1000)
