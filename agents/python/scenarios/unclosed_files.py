# Files opened and never closed (kept referenced, as a leak would): the fd
# count grows tick after tick.
import time

leaked = []
deadline = time.monotonic() + 3.0
while time.monotonic() < deadline:
    for _ in range(10):
        leaked.append(open(__file__))
    time.sleep(0.05)
