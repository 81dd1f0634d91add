/**
 * The checksum algorithms S3 knows, their digest sizes, header names and the multipart checksum
 * types each supports (as Amazon S3 enforces them):
 *
 *   algorithm   digest   COMPOSITE   FULL_OBJECT   default multipart type
 *   CRC32       4 B      yes         yes           COMPOSITE
 *   CRC32C      4 B      yes         yes           COMPOSITE
 *   CRC64NVME   8 B      no          yes           FULL_OBJECT
 *   SHA1        20 B     yes         no            COMPOSITE
 *   SHA256      32 B     yes         no            COMPOSITE
 *
 * MD5 is not an S3 "checksum algorithm" here; it backs Content-MD5 and ETags.
 */
import { CofferError } from '../../shared/errors.js';

export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];
export type CrcAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME';
export type HashAlgorithm = ChecksumAlgorithm | 'MD5';
export type ChecksumType = 'COMPOSITE' | 'FULL_OBJECT';

export const DIGEST_LENGTH: Readonly<Record<HashAlgorithm, number>> = Object.freeze({
  CRC32: 4,
  CRC32C: 4,
  CRC64NVME: 8,
  SHA1: 20,
  SHA256: 32,
  MD5: 16,
});

const BY_LOWER: ReadonlyMap<string, ChecksumAlgorithm> = new Map(CHECKSUM_ALGORITHMS.map((a) => [a.toLowerCase(), a]));

export function isChecksumAlgorithm(value: string): value is ChecksumAlgorithm {
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(value);
}

export function isCrcAlgorithm(value: string): value is CrcAlgorithm {
  return value === 'CRC32' || value === 'CRC32C' || value === 'CRC64NVME';
}

/** `'CRC32'` -> `'x-amz-checksum-crc32'` (the request/response header and trailer name). */
export function checksumHeaderName(algorithm: ChecksumAlgorithm): string {
  return `x-amz-checksum-${algorithm.toLowerCase()}`;
}

/**
 * Parses an algorithm name as S3 accepts it in `x-amz-sdk-checksum-algorithm`,
 * `x-amz-checksum-algorithm` and `ChecksumAlgorithm` (case-insensitive), or returns undefined.
 */
export function lookupChecksumAlgorithm(name: string): ChecksumAlgorithm | undefined {
  return BY_LOWER.get(name.trim().toLowerCase());
}

/** Like lookupChecksumAlgorithm, but throws `checksum.invalid` naming the field (never the value). */
export function parseChecksumAlgorithm(name: string, field = 'x-amz-checksum-algorithm'): ChecksumAlgorithm {
  const alg = lookupChecksumAlgorithm(name);
  if (alg === undefined) {
    throw new CofferError('checksum.invalid', { message: `Value for ${field} header is invalid.`, details: { field } });
  }
  return alg;
}

/** S3's default checksum type for a multipart upload created with this algorithm. */
export function defaultChecksumType(algorithm: ChecksumAlgorithm): ChecksumType {
  return algorithm === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE';
}

export function supportsChecksumType(algorithm: ChecksumAlgorithm, type: ChecksumType): boolean {
  if (type === 'FULL_OBJECT') return isCrcAlgorithm(algorithm);
  return algorithm !== 'CRC64NVME';
}

/** Throws `checksum.invalid` with S3's wording when the combination is not allowed. */
export function assertChecksumTypeSupported(algorithm: ChecksumAlgorithm, type: ChecksumType): void {
  if (!supportsChecksumType(algorithm, type)) {
    throw new CofferError('checksum.invalid', {
      message: `The ${type} checksum type cannot be used with the ${algorithm.toLowerCase()} checksum algorithm.`,
      details: { algorithm, type },
    });
  }
}

/** Parses `x-amz-checksum-type` / `ChecksumType` (case-insensitive). */
export function parseChecksumType(value: string, field = 'x-amz-checksum-type'): ChecksumType {
  const v = value.trim().toUpperCase();
  if (v === 'COMPOSITE' || v === 'FULL_OBJECT') return v;
  throw new CofferError('checksum.invalid', { message: `Value for ${field} header is invalid.`, details: { field } });
}
