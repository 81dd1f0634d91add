/**
 * RFC 9162 (RFC 6962bis) inclusion and consistency proofs over leaf hashes.
 *
 *   PATH(m, D[n]):   n = 1 -> []; k = largest power of two < n
 *                    m < k -> PATH(m, D[0:k]) + [MTH(D[k:n])] else PATH(m-k, D[k:n]) + [MTH(D[0:k])]
 *   PROOF(m, D[n]) = SUBPROOF(m, D[n], true)
 *   SUBPROOF(m, D[m], true) = []; SUBPROOF(m, D[m], false) = [MTH(D[m])]
 *   m < n: m <= k -> SUBPROOF(m, D[0:k], b) + [MTH(D[k:n])] else SUBPROOF(m-k, D[k:n], false) + [MTH(D[0:k])]
 * Verification follows RFC 9162 sections 2.1.3.2 and 2.1.4.2 exactly; a verifier needs only
 * the hashes, the sizes and a root it trusts (from a signed checkpoint).
 */
import { createHash } from 'node:crypto';
import { nodeHash } from './merkle.js';

const half = (x: number) => Math.floor(x / 2);
const lsb = (x: number) => x % 2 === 1;

function largestPow2Below(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH over leaf hashes (already H(0x00 || d)). */
export function rootOf(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return createHash('sha256').digest();
  if (leaves.length === 1) return leaves[0] as Buffer;
  const k = largestPow2Below(leaves.length);
  return nodeHash(rootOf(leaves.slice(0, k)), rootOf(leaves.slice(k)));
}

/** Audit path of leaf `m` in the tree of the first `leaves.length` leaves. */
export function inclusionProof(leaves: readonly Buffer[], m: number): Buffer[] {
  if (m < 0 || m >= leaves.length) throw new RangeError('leaf index out of range');
  if (leaves.length === 1) return [];
  const k = largestPow2Below(leaves.length);
  return m < k
    ? [...inclusionProof(leaves.slice(0, k), m), rootOf(leaves.slice(k))]
    : [...inclusionProof(leaves.slice(k), m - k), rootOf(leaves.slice(0, k))];
}

/** Proof that the tree of the first `m` leaves is a prefix of the tree of all `leaves`. */
export function consistencyProof(leaves: readonly Buffer[], m: number): Buffer[] {
  if (m < 0 || m > leaves.length) throw new RangeError('old size out of range');
  if (m === 0 || m === leaves.length) return [];
  const sub = (m2: number, d: readonly Buffer[], b: boolean): Buffer[] => {
    if (m2 === d.length) return b ? [] : [rootOf(d)];
    const k = largestPow2Below(d.length);
    return m2 <= k ? [...sub(m2, d.slice(0, k), b), rootOf(d.slice(k))] : [...sub(m2 - k, d.slice(k), false), rootOf(d.slice(0, k))];
  };
  return sub(m, leaves, true);
}

/** MTH of leaves [start, end), supplied by the caller (e.g. from retained leaves plus a pruned prefix's compact range). */
export type SubtreeHash = (start: number, end: number) => Buffer;

/** PATH(m, D[0:size]) computed through `mth`, which is only asked for the nodes the proof needs. */
export function inclusionProofWith(mth: SubtreeHash, size: number, m: number): Buffer[] {
  if (m < 0 || m >= size) throw new RangeError('leaf index out of range');
  const path = (i: number, start: number, end: number): Buffer[] => {
    if (end - start === 1) return [];
    const k = largestPow2Below(end - start);
    return i < k ? [...path(i, start, start + k), mth(start + k, end)] : [...path(i - k, start + k, end), mth(start, start + k)];
  };
  return path(m, 0, size);
}

/** PROOF(m, D[0:size]) computed through `mth`. */
export function consistencyProofWith(mth: SubtreeHash, size: number, m: number): Buffer[] {
  if (m < 0 || m > size) throw new RangeError('old size out of range');
  if (m === 0 || m === size) return [];
  const sub = (m2: number, start: number, end: number, b: boolean): Buffer[] => {
    if (m2 === end - start) return b ? [] : [mth(start, end)];
    const k = largestPow2Below(end - start);
    return m2 <= k ? [...sub(m2, start, start + k, b), mth(start + k, end)] : [...sub(m2 - k, start + k, end, false), mth(start, start + k)];
  };
  return sub(m, 0, size, true);
}

/**
 * MTH over a log whose first `firstIndex` leaves are gone but summarised by their compact range
 * (`frontier`, highest level first) and whose later leaf hashes are `retained`. Asking for a node
 * that needs a removed leaf throws 'pruned'.
 */
export function prunedSubtreeHash(firstIndex: number, frontier: readonly Buffer[], retained: readonly Buffer[]): SubtreeHash {
  const blocks = new Map<string, Buffer>();
  let pos = 0;
  let i = 0;
  for (let bit = 52; bit >= 0; bit--) {
    const size = 2 ** bit;
    if (Math.floor(firstIndex / size) % 2 === 1) {
      blocks.set(`${pos}:${pos + size}`, frontier[i] as Buffer);
      pos += size;
      i += 1;
    }
  }
  const mth: SubtreeHash = (start, end) => {
    if (start >= firstIndex) return rootOf(retained.slice(start - firstIndex, end - firstIndex));
    const known = blocks.get(`${start}:${end}`);
    if (known) return known;
    if (end - start === 1) throw new RangeError('pruned');
    const k = largestPow2Below(end - start);
    return nodeHash(mth(start, start + k), mth(start + k, end));
  };
  return mth;
}

/** RFC 9162 2.1.3.2: true when `proof` places `leaf` at `index` in the tree of `size` with `root`. */
export function verifyInclusion(leaf: Buffer, index: number, size: number, proof: readonly Buffer[], root: Buffer): boolean {
  if (index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (lsb(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else r = nodeHash(r, p);
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 2.1.4.2: true when the tree (oldSize, oldRoot) is a prefix of (newSize, newRoot). */
export function verifyConsistency(oldSize: number, newSize: number, oldRoot: Buffer, newRoot: Buffer, proof: readonly Buffer[]): boolean {
  if (oldSize < 0 || oldSize > newSize) return false;
  if (oldSize === newSize) return proof.length === 0 && oldRoot.equals(newRoot);
  if (oldSize === 0) return proof.length === 0;
  const path = isPow2(oldSize) ? [oldRoot, ...proof] : [...proof];
  if (path.length === 0) return false;
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (lsb(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0] as Buffer;
  let sr = path[0] as Buffer;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (lsb(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else sr = nodeHash(sr, c);
    fn = half(fn);
    sn = half(sn);
  }
  return fr.equals(oldRoot) && sr.equals(newRoot) && sn === 0;
}

function isPow2(n: number): boolean {
  while (n > 1) {
    if (n % 2 === 1) return false;
    n = half(n);
  }
  return n === 1;
}
