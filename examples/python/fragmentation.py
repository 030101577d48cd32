"""Fragmentation and nothing else. At startup the service loads FRAGMENT_MB of
small session records, then half of them expire: every other one, so each
pymalloc pool and arena keeps half its blocks. An arena is returned to the
system only when all of it is free, so RSS stays at its peak while only half
of it is in use (pymalloc utilisation about 0.5). Then it serves light work
that reuses the freed blocks: memory stays flat.

Should raise: fragmentation. Must not raise: leak (memory never grows after
the first seconds, well inside the warm-up), gc, resource-leak.
"""
import sys

from demo_service import MB, RequestLoop, mb, read_settings

NAME = "fragmentation"
settings = read_settings(NAME, {"FRAGMENT_MB": 200.0})
RECORD_BYTES = 192  # a record: a tuple (72 bytes in its 80-byte block), a str of 20 characters (80) and an int (32)


def load_sessions(megabytes):
    return [(i, "session-%012d" % i) for i in range(int(megabytes * MB / RECORD_BYTES))]


sessions = load_sessions(settings["FRAGMENT_MB"])
loaded = len(sessions)
del sessions[::2]  # interleaved lifetimes: every other session expires
sys.stderr.write("loaded %d sessions (about %s), then expired every other one\n" % (loaded, mb(loaded * RECORD_BYTES)))


def handle(n, elapsed):
    session = sessions[(n * 7919) % len(sessions)]
    reply = {"id": session[0], "name": session[1], "seen": "request-%d" % n}  # short-lived: reuses freed blocks
    return len(reply)


def status(elapsed):
    return "%d live sessions (about %s) in arenas sized for %d" % (len(sessions), mb(len(sessions) * RECORD_BYTES), loaded)


RequestLoop(NAME, settings).run(handle, status, ready="fragment=%gMB" % settings["FRAGMENT_MB"])
