/**
 * Comparing computed digests with the values a client sent, in constant time.
 *
 *   equal(a, b) = len(a) == len(b) && crypto.timingSafeEqual(a, b)
 *   verify(alg, expected, actual): if !equal -> throw CofferError('checksum.bad_digest')  (S3 BadDigest)
 *
 * Lengths are public (they follow from the algorithm), so only the byte comparison is
 * constant-time. Error messages name the algorithm, never the digest values.
 */
import { timingSafeEqual } from 'node:crypto';
import { CofferError } from '../../shared/errors.js';
import type { HashAlgorithm } from './algorithms.js';

/** True when both digests are byte-identical; constant time for equal lengths. */
export function digestsEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Throws `checksum.bad_digest` (BadDigest) unless `actual` (computed over the bytes received)
 * equals `expected` (sent by the client).
 */
export function verifyDigest(algorithm: HashAlgorithm, expected: Uint8Array, actual: Uint8Array): void {
  if (digestsEqual(expected, actual)) return;
  const message =
    algorithm === 'MD5'
      ? 'The Content-MD5 you specified did not match what we received.'
      : `The ${algorithm} you specified did not match the calculated checksum.`;
  throw new CofferError('checksum.bad_digest', { message, details: { algorithm } });
}

/** Verifies every expected digest against the computed ones; a missing computed digest is a bug. */
export function verifyDigests(
  expected: Partial<Record<HashAlgorithm, Uint8Array>>,
  actual: Partial<Record<HashAlgorithm, Uint8Array>>,
): void {
  for (const [alg, want] of Object.entries(expected) as [HashAlgorithm, Uint8Array | undefined][]) {
    if (want === undefined) continue;
    const got = actual[alg];
    if (got === undefined) {
      throw new CofferError('checksum.not_computed', { message: 'Checksum was not computed', details: { algorithm: alg } });
    }
    verifyDigest(alg, want, got);
  }
}
