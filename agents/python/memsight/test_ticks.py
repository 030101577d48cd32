import unittest

from memsight.ticks import Readings, TickStore


class TickStoreTest(unittest.TestCase):
    def test_ticks_come_back_as_they_went_in_ints_floats_and_order_kept(self):
        store = TickStore(cells=4, ticks=1)  # small, so that it has to grow
        ticks = [(1000, {"a": 1, "b": 0.5, "c": 2**40}), (2000, {"b": float("nan"), "d": -3, "e": "text"}), (3000, {})]
        for ts, values in ticks:
            store.add(ts, values)
        self.assertEqual(len(store), 3)
        back = store.take()
        self.assertEqual([t for t, _ in back], [1000, 2000, 3000])
        self.assertEqual(back[0][1], {"a": 1, "b": 0.5, "c": 2**40})
        self.assertIsInstance(back[0][1]["a"], int)
        self.assertEqual(list(back[1][1]), ["b", "d"], "a value that is not a number is missing")
        self.assertNotEqual(back[1][1]["b"], back[1][1]["b"], "NaN stays NaN: build_batch writes it as null")
        self.assertEqual((len(store), store.take()), (0, []))

    def test_readings_replace_the_previous_ones(self):
        r = Readings(size=2)
        r.replace({"x": 1, "y": 2.5})
        r.replace({"y": 3, "z": 9})  # no room for z: missing, softly
        self.assertEqual(r.as_dict(), {"y": 3})


if __name__ == "__main__":
    unittest.main()
