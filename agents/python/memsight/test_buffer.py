import unittest

from memsight.buffer import Outbox, PendingBatch


class OutboxTest(unittest.TestCase):
    def test_the_oldest_go_first_and_their_samples_and_carried_reports_are_counted(self):
        box = Outbox(max_bytes=100)
        box.put(PendingBatch(0, b"a" * 50, samples=2))
        box.put(PendingBatch(1, b"b" * 40, samples=3, reports_dropped=0))
        self.assertEqual((len(box), box.bytes, box.take_dropped()), (2, 90, 0))
        box.put(PendingBatch(2, b"c" * 40, samples=4, reports_dropped=7))  # seq 0 goes
        self.assertEqual([box.peek().seq, box.bytes], [1, 80])
        self.assertEqual(box.take_dropped(), 2)
        box.put(PendingBatch(3, b"d" * 90, samples=1))  # seq 1 and seq 2 go; seq 2 carried 7
        self.assertEqual(box.take_dropped(), 3 + 4 + 7)
        self.assertEqual(box.dropped_total, 2 + 3 + 4)

    def test_a_batch_refused_for_good_leaves_and_counts_as_dropped_with_the_drops_it_carried(self):
        box = Outbox(max_bytes=1000)
        box.put(PendingBatch(0, b"a" * 10, samples=6, reports_dropped=4))
        box.put(PendingBatch(1, b"b" * 10, samples=3))
        refused = box.begin_send()
        box.refuse(refused)
        self.assertEqual((box.peek().seq, len(box), box.bytes, box.dropped_total), (1, 1, 10, 6))
        self.assertEqual(box.take_dropped(), 10)
        box.refuse(refused)  # no longer in the outbox: counted once
        self.assertEqual((len(box), box.dropped_total), (1, 6))

    def test_one_batch_over_the_cap_is_kept_and_acknowledge_is_by_identity(self):
        box = Outbox(max_bytes=10)
        big = PendingBatch(0, b"x" * 50, samples=1)
        box.put(big)
        self.assertIs(box.peek(), big)
        box.acknowledge(PendingBatch(0, b"x" * 50, samples=1))  # an equal but different batch
        self.assertEqual(len(box), 1)
        box.acknowledge(big)
        self.assertEqual((len(box), box.bytes), (0, 0))

    def test_the_batch_being_sent_is_never_the_one_dropped(self):
        box = Outbox(max_bytes=100)
        box.put(PendingBatch(0, b"a" * 50, samples=2))
        box.put(PendingBatch(1, b"b" * 40, samples=3))
        sending = box.begin_send()
        box.put(PendingBatch(2, b"c" * 40, samples=4))  # over the cap: seq 1 goes, not seq 0 in flight
        self.assertEqual([sending.seq, box.peek().seq, box.bytes, box.dropped_total], [0, 0, 90, 3])
        box.put(PendingBatch(3, b"d" * 90, samples=1))  # seq 2 goes; seq 0 in flight and the newest stay
        self.assertEqual((len(box), box.dropped_total), (2, 3 + 4))
        box.acknowledge(sending)
        box.put(PendingBatch(4, b"e" * 20, samples=1))  # nothing in flight now: seq 3 may go
        self.assertEqual([box.peek().seq, box.dropped_total], [4, 3 + 4 + 1])

    def test_samples_never_taken_are_counted_and_reported_like_dropped_ones(self):
        box = Outbox(max_bytes=100)
        box.count_not_taken(3)
        box.put(PendingBatch(0, b"a" * 60, samples=2))
        box.put(PendingBatch(1, b"b" * 60, samples=1))  # seq 0 goes
        self.assertEqual((box.dropped_total, box.take_dropped()), (3 + 2, 3 + 2))
        box.clear()  # a new instance (a forked child) starts from nothing
        self.assertEqual((box.dropped_total, box.take_dropped()), (0, 0))


if __name__ == "__main__":
    unittest.main()
