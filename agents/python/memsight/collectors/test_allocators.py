import json
import os
import subprocess
import sys
import unittest

from memsight.collectors import glibc, pymalloc

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")
AGENT_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))

# A real program: a million small objects, then every other one freed. Arenas
# cannot be returned while any block in them lives, so utilisation falls and
# RSS stays where it was.
FRAGMENT = """
import json, gc
from memsight.collectors import pymalloc, process
def picture():
    p = pymalloc.read_pymalloc_stats()
    return {"utilization": p["utilization"], "arenas": p["arenas"], "rss": process.read_memory()["rss"]}
before = picture()
objs = [(i, str(i)) for i in range(1_000_000)]
full = picture()
del objs[::2]
gc.collect()
holed = picture()
print(json.dumps({"before": before, "full": full, "holed": holed}))
"""


class PymallocTest(unittest.TestCase):
    def test_parses_a_real_311_report(self):
        with open(os.path.join(FIXTURES, "debugmallocstats-3.11.txt")) as f:
            p = pymalloc.parse_debugmallocstats(f.read())
        self.assertEqual(p["arenas"], 4)
        self.assertEqual(p["arenas_highwater"], 4)
        self.assertEqual(p["arenas_reclaimed"], 0)
        self.assertEqual(p["arena_bytes"], 4 * 1048576)
        self.assertEqual(p["used_bytes"], 3494816)
        self.assertEqual(len(p["size_classes"]), 32)
        self.assertEqual(p["size_classes"][0], {"class": 0, "size": 16, "pools": 1, "used_blocks": 106, "free_blocks": 915})
        self.assertAlmostEqual(p["utilization"], 3494816 / 4194304)

    def test_garbage_parses_to_nothing(self):
        self.assertEqual(pymalloc.parse_debugmallocstats("not a report\n# what = x"), {})
        self.assertEqual(pymalloc.read_pymalloc_stats(capture=lambda: 1 / 0), {})

    def test_live_capture_restores_stderr(self):
        p = pymalloc.read_pymalloc_stats()
        self.assertGreater(p["arenas"], 0)
        self.assertGreater(p["utilization"], 0)
        # fd 2 is ours again: a write goes to the real stderr, not a dead temp file.
        os.fstat(2)
        self.assertGreater(pymalloc.allocated_blocks()["allocated_blocks"], 0)

    def test_freeing_every_other_object_drops_utilisation_not_rss(self):
        env = dict(os.environ, PYTHONPATH=AGENT_ROOT)
        out = subprocess.run([sys.executable, "-c", FRAGMENT], env=env, capture_output=True, text=True, timeout=120)
        self.assertEqual(out.returncode, 0, out.stderr)
        r = json.loads(out.stdout)
        self.assertGreater(r["full"]["arenas"], r["before"]["arenas"] + 50)
        self.assertLess(r["holed"]["utilization"], r["full"]["utilization"] * 0.7)
        self.assertGreater(r["holed"]["arenas"], r["full"]["arenas"] * 0.9, "arenas stay allocated")
        self.assertGreater(r["holed"]["rss"], r["full"]["rss"] * 0.8, "RSS stays high")


class Mallinfo2:
    def __init__(self, **fields):
        self.__dict__.update(fields)


class GlibcTest(unittest.TestCase):
    def test_fragmentation_is_free_over_arena(self):
        info = Mallinfo2(arena=8_000_000, uordblks=6_800_000, fordblks=1_200_000, hblkhd=2_000_000, keepcost=100_000)
        m = glibc.read_malloc(mallinfo2=lambda: info)
        self.assertEqual(m["free"], 1_200_000)
        self.assertEqual(m["mmap"], 2_000_000)
        self.assertAlmostEqual(m["fragmentation"], 0.15)

    def test_failure_is_empty(self):
        self.assertEqual(glibc.read_malloc(mallinfo2=lambda: 1 / 0), {})

    def test_live_glibc(self):
        m = glibc.read_malloc()
        if not m:
            self.skipTest("no mallinfo2 (not glibc 2.33+)")
        self.assertGreater(m["arena"], 0)
        self.assertGreaterEqual(m["in_use"], 0)


if __name__ == "__main__":
    unittest.main()
