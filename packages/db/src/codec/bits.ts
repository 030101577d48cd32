// A bit stream for the time-series codec: writes and reads up to 32 bits at
// a time, most significant bit first, and 64-bit words as two 32-bit halves
// (float64 bit patterns, without BigInt on the hot path).

export class BitWriter {
  private buf = new Uint8Array(256);
  private bytes = 0;
  private acc = 0; // pending bits, left-aligned in `accBits`
  private accBits = 0;

  /** Appends the low `n` bits of `value` (0 ≤ n ≤ 32). */
  write(value: number, n: number): void {
    if (n === 0) return;
    if (n > 24) {
      this.write(Math.floor(value / 2 ** 16) & ((1 << (n - 16)) - 1), n - 16);
      this.write(value & 0xffff, 16);
      return;
    }
    this.acc = (this.acc * 2 ** n + (value & ((1 << n) - 1))) >>> 0;
    this.accBits += n;
    while (this.accBits >= 8) {
      this.accBits -= 8;
      this.push((this.acc >>> this.accBits) & 0xff);
    }
    this.acc &= (1 << this.accBits) - 1;
  }

  bit(b: boolean): void {
    this.write(b ? 1 : 0, 1);
  }

  /** Appends the low `n` bits (0 ≤ n ≤ 64) of the 64-bit word hi:lo. */
  write64(hi: number, lo: number, n: number): void {
    if (n > 32) {
      this.write(hi >>> 0, n - 32);
      this.write(lo >>> 0, 32);
    } else this.write(lo >>> 0, n);
  }

  /** A non-negative integer below 2^53, in `n` bits (n ≤ 53). */
  writeUint(value: number, n: number): void {
    if (n > 32) this.write64(Math.floor(value / 2 ** 32), value >>> 0, n);
    else this.write(value >>> 0, n);
  }

  private push(byte: number): void {
    if (this.bytes === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.bytes++] = byte;
  }

  /** The stream, padded with zero bits to a whole byte. */
  finish(): Uint8Array {
    if (this.accBits > 0) this.write(0, 8 - this.accBits);
    return this.buf.subarray(0, this.bytes);
  }

  get bitLength(): number {
    return this.bytes * 8 + this.accBits;
  }
}

export class BitReader {
  private pos = 0; // in bits

  constructor(private readonly buf: Uint8Array) {}

  /** Reads `n` bits (0 ≤ n ≤ 32) as an unsigned number. */
  read(n: number): number {
    let out = 0;
    for (let left = n; left > 0; ) {
      const byte = this.buf[this.pos >>> 3];
      if (byte === undefined) throw new RangeError('compact block: read past its end');
      const offset = this.pos & 7;
      const take = Math.min(8 - offset, left);
      const bits = (byte >>> (8 - offset - take)) & ((1 << take) - 1);
      out = out * 2 ** take + bits;
      left -= take;
      this.pos += take;
    }
    return out;
  }

  bit(): boolean {
    return this.read(1) === 1;
  }

  /** Reads `n` bits (≤ 64) as the word hi:lo. */
  read64(n: number): [number, number] {
    if (n > 32) {
      const hi = this.read(n - 32);
      return [hi >>> 0, this.read(32) >>> 0];
    }
    return [0, this.read(n) >>> 0];
  }

  readUint(n: number): number {
    if (n > 32) {
      const [hi, lo] = this.read64(n);
      return hi * 2 ** 32 + lo;
    }
    return this.read(n);
  }
}
