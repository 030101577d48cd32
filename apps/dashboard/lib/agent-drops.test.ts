import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeDrops } from './agent-drops';

const NOW = Date.parse('2026-12-02T08:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

test('no drops: nothing to say', () => {
  assert.equal(describeDrops({ droppedSamples: 0, droppedLastAt: null }, NOW), null);
});

test('drops: the count, when they were last reported and how long ago', () => {
  const at = '2026-12-02T07:55:00.000Z';
  assert.equal(describeDrops({ droppedSamples: 1234, droppedLastAt: at }, NOW, iso), 'Agent dropped 1,234 samples (last at 2026-12-02T07:55:00.000Z, 5m ago)');
  assert.equal(describeDrops({ droppedSamples: 1, droppedLastAt: at }, NOW, iso), 'Agent dropped 1 sample (last at 2026-12-02T07:55:00.000Z, 5m ago)');
  assert.equal(describeDrops({ droppedSamples: 7, droppedLastAt: null }, NOW, iso), 'Agent dropped 7 samples', 'a total without a time still says the loss');
});
