# Reference cycles with the collector off: refcounting alone never frees a
# cycle, so generation 0's count climbs and memory with it.
import gc
import time

gc.disable()


class Node:
    def __init__(self):
        self.peer = None


deadline = time.monotonic() + 3.0
while time.monotonic() < deadline:
    for _ in range(2000):
        a, b = Node(), Node()
        a.peer, b.peer = b, a
    time.sleep(0.02)
