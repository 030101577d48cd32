import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WatchDirectory, watchedInstanceIds } from './watch-directory';

test('an instance is watched if this replica or a live announcement from another says so', () => {
  let now = 0;
  const local = new Set(['1']);
  const dir = new WatchDirectory({ now: () => now, ttlMs: 6000, localWatches: (id) => local.has(id) });
  assert.equal(dir.watches('1'), true);
  assert.equal(dir.watches('2'), false);
  dir.receive({ replica: 'b', ids: ['2', '3'] });
  assert.equal(dir.watches('2'), true);
  dir.receive({ replica: 'b', ids: ['3'] });
  assert.equal(dir.watches('2'), false, 'a new announcement replaces the old one');
  now += 6000;
  assert.equal(dir.watches('3'), false, 'an announcement not renewed expires (its replica may have died)');
  dir.receive({ replica: 'c', ids: ['4'] });
  dir.receive({ replica: 'c', ids: [] });
  assert.equal(dir.watches('4'), false, 'an empty set forgets at once');
  dir.receive({ nonsense: true } as never);
  assert.equal(dir.watches('4'), false, 'a malformed message is ignored');
});

test('instance ids are read from room names, other rooms ignored', () => {
  assert.deepEqual(watchedInstanceIds(['instance:12', 'project:9f', 'instance:x', 'AbCsocketid', 'instance:7']), ['12', '7']);
});
