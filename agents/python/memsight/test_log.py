import io
import os
import threading
import unittest

from memsight.log import Log


@unittest.skipUnless(hasattr(os, "fork"), "needs os.fork")
class LogAfterForkTest(unittest.TestCase):
    def test_a_child_forked_while_another_thread_holds_the_lock_can_log(self):
        log = Log("info", stream=io.StringIO())
        held, release = threading.Event(), threading.Event()

        def holder():
            with log._lock:
                held.set()
                release.wait(10)

        thread = threading.Thread(target=holder)
        thread.start()
        held.wait(10)
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: the holding thread does not exist here
            try:
                out = os.fdopen(write_end, "w")
                log._stream = out
                log.once("child", "warning", "child logs")
                out.flush()
            finally:
                os._exit(0)
        release.set()
        thread.join()
        os.close(write_end)
        with os.fdopen(read_end) as f:
            # A deadlocked child writes nothing and never closes the pipe: bound the wait.
            done = threading.Event()
            lines = []
            reader = threading.Thread(target=lambda: (lines.append(f.read()), done.set()), daemon=True)
            reader.start()
            finished = done.wait(10)
            if not finished:
                os.kill(pid, 9)  # its end of the pipe closes: the reader returns
                reader.join(10)
        os.waitpid(pid, 0)
        self.assertTrue(finished, "the child hung on the lock held at the fork")
        self.assertEqual(lines[0], "memsight WARNING: child logs\n")


if __name__ == "__main__":
    unittest.main()
