// A least-recently-used cache bounded by entries and by bytes. A Map keeps
// insertion order, so a hit is moved to the end and the first key is the
// oldest. The registries' caches used to be plain Maps cleared at 100 000 and
// 10 000 entries: a flood of new instances and metric lists (issue 14) held
// hundreds of MB until the next clear, and a clear made every live instance
// miss at once.

export interface BoundedCacheOptions<V> {
  maxEntries: number;
  maxBytes: number;
  /** The bytes an entry holds besides its key (the key is counted as 2 bytes a character). */
  sizeOf: (value: V) => number;
}

/** Per entry, what a Map slot and its two object headers cost beyond key and value. */
const ENTRY_OVERHEAD_BYTES = 64;

export class BoundedCache<V> {
  private readonly entries = new Map<string, { value: V; bytes: number }>();
  private totalBytes = 0;
  /** Entries pushed out by the bounds since start: a cache that evicts steadily is too small for its fleet. */
  evictions = 0;

  constructor(private readonly o: BoundedCacheOptions<V>) {}

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V): void {
    this.delete(key);
    const bytes = key.length * 2 + this.o.sizeOf(value) + ENTRY_OVERHEAD_BYTES;
    if (bytes > this.o.maxBytes) return; // larger than the whole cache: not worth evicting everything for
    this.entries.set(key, { value, bytes });
    this.totalBytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.o.maxEntries && this.totalBytes <= this.o.maxBytes) break;
      this.entries.delete(oldest);
      this.totalBytes -= entry.bytes;
      this.evictions++;
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.totalBytes -= entry.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.totalBytes = 0;
  }
}
