import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedCache } from './bounded-cache';

describe('BoundedCache', () => {
  test('keeps at most maxEntries, dropping the least recently used', () => {
    const cache = new BoundedCache<number>({ maxEntries: 3, maxBytes: 1 << 20, sizeOf: () => 8 });
    for (const k of ['a', 'b', 'c']) cache.set(k, 1);
    assert.equal(cache.get('a'), 1); // a is now the most recent
    cache.set('d', 1);
    assert.equal(cache.size, 3);
    assert.equal(cache.get('b'), undefined, 'b was the least recently used');
    assert.deepEqual(['a', 'c', 'd'].map((k) => cache.get(k)), [1, 1, 1]);
    assert.equal(cache.evictions, 1);
  });

  test('keeps at most maxBytes, counting keys and values', () => {
    const cache = new BoundedCache<string>({ maxEntries: 1000, maxBytes: 1000, sizeOf: (v) => v.length * 2 });
    for (let k = 0; k < 100; k++) cache.set(`key-${k}`, 'x'.repeat(50));
    assert.ok(cache.bytes <= 1000, String(cache.bytes));
    assert.ok(cache.size >= 4 && cache.size < 10, String(cache.size));
    assert.equal(cache.get('key-99'), 'x'.repeat(50), 'the newest stays');
    cache.set('huge', 'x'.repeat(10_000));
    assert.equal(cache.get('huge'), undefined, 'an entry larger than the whole cache is not kept');
    assert.equal(cache.get('key-99'), 'x'.repeat(50), 'and evicts nothing');
  });

  test('replacing an entry does not count it twice', () => {
    const cache = new BoundedCache<string>({ maxEntries: 10, maxBytes: 1 << 20, sizeOf: (v) => v.length });
    cache.set('k', 'aaaa');
    const bytes = cache.bytes;
    cache.set('k', 'aaaa');
    assert.equal(cache.bytes, bytes);
    cache.delete('k');
    assert.equal(cache.bytes, 0);
  });
});
