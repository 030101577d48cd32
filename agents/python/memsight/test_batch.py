import gzip
import json
import os
import unittest

from memsight import AGENT_NAME
from memsight.batch import build_batch, encode
from memsight.identity import clean_labels, instance_identity, new_instance_id

GOLDEN = os.path.join(os.path.dirname(__file__), "..", "..", "..", "packages", "contracts", "golden")


def golden(kind, name):
    with open(os.path.join(GOLDEN, kind, name + ".json")) as f:
        return json.load(f)


class BatchTest(unittest.TestCase):
    def test_rebuilds_the_golden_python_batch_exactly(self):
        g = golden("valid", "python-batch")
        ticks = [(s["ts"], {m: v for m, v in zip(g["metrics"], s["values"]) if v is not None}) for s in g["samples"]]
        built = build_batch(g["instance"], g["seq"], ticks, g.get("snapshots"), g.get("dropped", 0))
        built["agent"] = g["agent"]  # the golden pins a version; ours moves
        expected = {k: v for k, v in g.items() if not (k == "dropped" and v == 0)}
        self.assertEqual(built, expected)

    def test_metrics_missing_in_a_tick_are_null_and_non_finite_values_too(self):
        b = build_batch({"id": "py-x"}, 1, [(1000, {"a.b": 1}), (2000, {"a.c": float("nan"), "a.b": float("inf")})])
        self.assertEqual(b["metrics"], ["a.b", "a.c"])
        self.assertEqual([s["values"] for s in b["samples"]], [[1, None], [None, None]])
        self.assertEqual(b["agent"]["name"], AGENT_NAME)
        self.assertEqual(json.loads(gzip.decompress(encode(b))), b)

    def test_snapshots_given_as_json_text_are_written_as_they_are(self):
        snaps = [{"kind": "type_counts", "ts": 5, "types": [{"type": "dict", "count": 3, "growth": -1}]},
                 {"kind": "type_counts", "ts": 6, "types": []}]
        b = build_batch({"id": "py-x"}, 1, [(1000, {"a.b": 1})])
        as_text = encode(b, ",".join(json.dumps(s) for s in snaps))
        self.assertEqual(json.loads(gzip.decompress(as_text)), dict(b, snapshots=snaps))
        self.assertEqual(json.loads(gzip.decompress(encode(b, ""))), b, "no snapshots: no key")
        with self.assertRaises(ValueError):
            encode(dict(b, snapshots=snaps), json.dumps(snaps[0]))

    def test_dropped_is_reported(self):
        self.assertEqual(build_batch({}, 2, [], dropped=7)["dropped"], 7)


class IdentityTest(unittest.TestCase):
    def test_each_process_gets_its_own_id(self):
        a, b = new_instance_id(), new_instance_id()
        self.assertNotEqual(a, b)
        self.assertRegex(a, r"^[A-Za-z0-9._:-]{8,64}$")

    def test_identity_fields_and_label_cleaning(self):
        ident = instance_identity("shop", "py-abcdef0123", 1_700_000_000_000, "1.0", {"env": "prod", "bad key": "x", "n": 3}, 512)
        self.assertEqual(ident["runtime"], "cpython")
        self.assertEqual(ident["labels"], {"env": "prod", "n": "3"})
        self.assertEqual(ident["memoryLimitBytes"], 512)
        self.assertEqual(ident["pid"], os.getpid())
        self.assertEqual(len(clean_labels({f"k{i}": "v" for i in range(40)})), 32)


class EndpointTest(unittest.TestCase):
    def test_split_endpoint(self):
        from memsight.transport import split_endpoint

        self.assertEqual(split_endpoint("http://127.0.0.1:4100"), (False, "127.0.0.1", 4100, "", "127.0.0.1:4100"))
        self.assertEqual(split_endpoint("https://u:p@ingest.example.com/memsight/"), (True, "ingest.example.com", 443, "/memsight/", "ingest.example.com"))
        self.assertEqual(split_endpoint("http://[::1]:8080/x"), (False, "::1", 8080, "/x", "[::1]:8080"))


if __name__ == "__main__":
    unittest.main()
