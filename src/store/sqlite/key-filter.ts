// A bit filter in memory over the near-duplicate index's keys.
import { keysOf } from '../rows.js';
import type { Db } from './open.js';

// Which keys may be in the index, one bit per hashed key. Most keys a lookup asks for exist
// nowhere (an article shares keys only with its near duplicates), and the filter answers for those
// without probing the index: a lookup asks for 28 keys (14 bands in each of the two weeks a
// window spans) in two tables. A bit set by mistake costs one probe; a key is never missed: the
// filter is built from the keys every article row keeps, and built again when another connection
// has written to the database (PRAGMA data_version).

const MIN_BITS = 2 ** 20;
const BITS_PER_KEY = 16; // about 6% of absent keys are probed anyway

export class KeyFilter {
  private bits = new Uint32Array(0);
  private mask = 0;
  private keys = 0;
  private version: number | undefined;
  private readonly allKeys;
  private readonly countKeys;

  constructor(private readonly db: Db) {
    this.allKeys = db.prepare('SELECT bands FROM articles WHERE bands IS NOT NULL').pluck();
    this.countKeys = db.prepare('SELECT coalesce(sum(length(bands)), 0) / 8 FROM articles').pluck();
  }

  private static slot(key: number): number {
    return (Math.imul(key % 4294967296, 0x9e3779b1) ^ Math.imul(Math.floor(key / 4294967296) + 1, 0x85ebca77)) >>> 0;
  }

  private build(): void {
    const keys = this.countKeys.get() as number;
    let size = MIN_BITS;
    while (size < keys * BITS_PER_KEY * 2) size *= 2;
    this.bits = new Uint32Array(size / 32);
    this.mask = size - 1;
    this.keys = 0;
    for (const blob of this.allKeys.iterate() as Iterable<Buffer>) this.add(keysOf(blob));
  }

  add(keys: ArrayLike<number>): void {
    for (let i = 0; i < keys.length; i += 1) {
      const s = KeyFilter.slot(keys[i]!) & this.mask;
      this.bits[s >>> 5]! |= 1 << (s & 31);
    }
    this.keys += keys.length;
  }

  /** The keys that may be in the index (the filter is built on first use, and again when stale or full). */
  present(keys: readonly number[]): number[] {
    const version = this.db.pragma('data_version', { simple: true }) as number;
    if (version !== this.version || this.keys * BITS_PER_KEY > this.mask + 1) {
      this.version = version;
      this.build();
    }
    return keys.filter((key) => {
      const s = KeyFilter.slot(key) & this.mask;
      return (this.bits[s >>> 5]! & (1 << (s & 31))) !== 0;
    });
  }
}
