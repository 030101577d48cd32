// The outbox on its own: the oldest batches go first at the cap, but never
// the one being sent (ingest may store it: its samples are not lost).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Outbox, type PendingBatch } from './outbox.ts';

const batch = (seq: number, bytes: number, samples: number): PendingBatch => ({ seq, body: Buffer.alloc(bytes), samples, reportsDropped: 0 });

test('the batch being sent is never the one dropped, and samples never taken count as dropped', () => {
  const box = new Outbox(100);
  box.put(batch(0, 50, 2));
  box.put(batch(1, 40, 3));
  const sending = box.beginSend()!;
  box.put(batch(2, 40, 4)); // over the cap: seq 1 goes, not seq 0 in flight
  assert.deepEqual([sending.seq, box.peek()!.seq, box.bytes, box.droppedTotal], [0, 0, 90, 3]);
  box.acknowledge(sending);
  box.put(batch(3, 90, 1)); // nothing in flight: seq 2 goes
  assert.deepEqual([box.peek()!.seq, box.droppedTotal], [3, 3 + 4]);
  box.countNotTaken(5);
  assert.deepEqual([box.droppedTotal, box.takeDropped()], [12, 12]);
});

test('a batch ingest refused for good leaves the outbox and its samples, and the drops it carried, count as dropped', () => {
  const box = new Outbox(1000);
  box.put({ ...batch(0, 10, 6), reportsDropped: 4 });
  box.put(batch(1, 10, 3));
  const refused = box.beginSend()!;
  box.refuse(refused);
  assert.deepEqual([box.peek()!.seq, box.length, box.bytes, box.droppedTotal, box.takeDropped()], [1, 1, 10, 6, 10]);
  box.refuse(refused); // no longer in the outbox: counted once
  assert.deepEqual([box.length, box.droppedTotal], [1, 6]);
});
