/**
 * RFC 6962 Merkle tree hashing and a compact range ("frontier") for appends.
 *
 *   leafHash(d)     = SHA-256(0x00 || d)
 *   nodeHash(l, r)  = SHA-256(0x01 || l || r)
 *   MTH({})         = SHA-256("")
 *   compact range   = one subtree root per set bit of n, highest level first
 *   append(leaf):     carry like a binary counter: merge equal-level roots with nodeHash
 *   root():           acc = lowest subtree; for each higher h: acc = nodeHash(h, acc)
 */
import { createHash } from 'node:crypto';

export const HASH_SIZE = 32;
const EMPTY_ROOT = createHash('sha256').update(Buffer.alloc(0)).digest();

export function leafHash(data: Uint8Array): Buffer {
  return createHash('sha256').update(Buffer.of(0)).update(data).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(Buffer.of(1)).update(left).update(right).digest();
}

/** The Merkle compact range of a growing log: O(log n) memory, O(1) amortised hashing per append. */
export class CompactRange {
  /** Subtree roots, highest level first; their sizes are the set bits of `size`, descending. */
  private hashes: Buffer[];
  private count: number;

  constructor(size = 0, hashes: readonly Buffer[] = []) {
    if (popcount(size) !== hashes.length) throw new RangeError('compact range does not match its size');
    this.count = size;
    this.hashes = hashes.map((h) => Buffer.from(h));
  }

  get size(): number {
    return this.count;
  }

  /** Copy of the subtree roots, highest level first. */
  frontier(): Buffer[] {
    return this.hashes.map((h) => Buffer.from(h));
  }

  append(leaf: Buffer): void {
    let h = leaf;
    let n = this.count;
    // Each trailing 1 bit of n is a complete subtree of the same level as the carry: merge it.
    while (n & 1) {
      const left = this.hashes.pop();
      if (left === undefined) throw new Error('compact range underflow');
      h = nodeHash(left, h);
      n = Math.floor(n / 2);
    }
    this.hashes.push(h);
    this.count += 1;
  }

  root(): Buffer {
    if (this.hashes.length === 0) return Buffer.from(EMPTY_ROOT);
    let acc = this.hashes[this.hashes.length - 1] as Buffer;
    for (let i = this.hashes.length - 2; i >= 0; i--) acc = nodeHash(this.hashes[i] as Buffer, acc);
    return acc;
  }

  clone(): CompactRange {
    return new CompactRange(this.count, this.hashes);
  }
}

function popcount(n: number): number {
  let c = 0;
  while (n > 0) {
    c += n % 2;
    n = Math.floor(n / 2);
  }
  return c;
}
