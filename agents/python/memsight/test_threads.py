import _thread
import sys
import threading
import time
import unittest

from memsight.threads import Signal, wait_step


def blocks_held_while_waiting(wait) -> int:
    """Blocks a thread keeps allocated while it sits in `wait()`, beyond before it began (fewest of 5 tries)."""
    held = []
    for _ in range(5):
        done = threading.Event()
        time.sleep(0.02)
        before = sys.getallocatedblocks()
        _thread.start_new_thread(lambda: (wait(), done.set()), ())
        time.sleep(0.1)
        held.append(sys.getallocatedblocks() - before)
        done.wait(2)
    return min(held)


class SignalTest(unittest.TestCase):
    def test_set_wait_clear_and_take(self):
        s = Signal()
        self.assertFalse(s.is_set())
        self.assertFalse(s.wait(0.01), "not set: the wait times out")
        s.set()
        s.set()  # twice is once
        self.assertTrue(s.is_set())
        self.assertTrue(s.wait(0.01))
        self.assertTrue(s.is_set(), "wait leaves it set")
        self.assertTrue(s.take(0.01))
        self.assertFalse(s.is_set(), "take clears it")
        self.assertFalse(s.take(0.01))
        s.set()
        s.clear()
        s.clear()
        self.assertFalse(s.is_set())

    def test_a_set_from_another_thread_ends_the_wait(self):
        s = Signal()
        threading.Timer(0.05, s.set).start()
        started = time.monotonic()
        self.assertTrue(s.wait(5))
        self.assertLess(time.monotonic() - started, 4, "woken by the set, not the timeout")

    def test_a_wait_keeps_no_new_object_alive_an_event_wait_does(self):
        s, e = Signal(), threading.Event()
        baseline = blocks_held_while_waiting(lambda: time.sleep(0.3))
        # The measure must see what threading.Event's wait keeps (why Signal exists), or it proves nothing.
        if blocks_held_while_waiting(lambda: e.wait(0.3)) <= baseline:
            self.skipTest("this Python's Event.wait keeps no block while it waits: the measure cannot tell the two apart")
        self.assertLessEqual(blocks_held_while_waiting(lambda: s.wait(0.3)), baseline)
        self.assertLessEqual(blocks_held_while_waiting(lambda: s.take(wait_step(0.3))), baseline)


class WaitStepTest(unittest.TestCase):
    def test_steps_are_objects_that_exist_already(self):
        self.assertIsNone(wait_step(0))
        self.assertIsNone(wait_step(-1))
        self.assertEqual(wait_step(3.7), 3)
        self.assertEqual(wait_step(10_000), 256)
        self.assertEqual(wait_step(0.123), 0.13)
        self.assertEqual(wait_step(0.0001), 0.01)
        self.assertEqual(wait_step(0.999), 1.0)
        for left in (0.5, 0.0001, 0.77):
            self.assertIs(wait_step(left), wait_step(left + 1e-9), "the same object, not a new float")


if __name__ == "__main__":
    unittest.main()
