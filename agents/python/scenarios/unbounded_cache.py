# A cache that is never evicted: object counts and traced memory grow, and
# tracemalloc's top growing site is the line that fills the cache.
#
# The fill is counted, not timed: on a loaded machine a timed loop can end
# after a few hundred keys. It then holds still long enough for the agent to
# take its pictures of the full cache.
import time

FILL_KEYS = 60_000  # about 30 MB of rows
HOLD_SECONDS = 5.0  # a loaded machine may sample every second or two; this leaves it several readings of the full cache
MIN_SECONDS = 8.0

cache = {}


def lookup(key):
    if key not in cache:
        cache[key] = ["row-%d" % key] * 20 + [bytearray(200)]  # CACHE-FILL
    return cache[key]


started = time.monotonic()
key = 0
while key < FILL_KEYS:
    for _ in range(500):
        lookup(key)
        key += 1
    time.sleep(0.02)
time.sleep(max(HOLD_SECONDS, MIN_SECONDS - (time.monotonic() - started)))
