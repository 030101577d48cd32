# A cache that is never evicted: object counts and traced memory grow, and
# tracemalloc's top growing site is the line that fills the cache.
import time

cache = {}


def lookup(key):
    if key not in cache:
        cache[key] = ["row-%d" % key] * 20 + [bytearray(200)]  # CACHE-FILL
    return cache[key]


deadline = time.monotonic() + 5.0
key = 0
while time.monotonic() < deadline:
    for _ in range(500):
        lookup(key)
        key += 1
    time.sleep(0.02)
