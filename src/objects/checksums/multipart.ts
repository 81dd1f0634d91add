/**
 * Object-level checksums and ETags of multipart uploads, as Amazon S3 computes them.
 *
 *   COMPOSITE (CRC32, CRC32C, SHA1, SHA256; the default except for CRC64NVME):
 *     base64( ALG( raw(part_1) || raw(part_2) || ... || raw(part_N) ) ) + "-" + N
 *     ("checksum of checksums"; GetObject/HeadObject/Complete return it with the -N suffix,
 *      GetObjectAttributes without it -- see splitChecksumValue)
 *   FULL_OBJECT (CRC32, CRC32C, CRC64NVME; the only type for CRC64NVME):
 *     base64( crc_combine over parts in order, using each part's CRC and byte size ) -- equal to
 *     the CRC of the whole object, no suffix
 *   ETag (single PUT):  '"' + hex(md5(body)) + '"'
 *   ETag (multipart):   '"' + hex(md5( md5(part_1) || ... || md5(part_N) )) + '-' + N + '"'
 */
import { createHash } from 'node:crypto';
import { CofferError } from '../../shared/errors.js';
import { assertChecksumTypeSupported, checksumHeaderName, DIGEST_LENGTH, isCrcAlgorithm, type ChecksumAlgorithm, type ChecksumType } from './algorithms.js';
import { crcCombineAll } from './crc-combine.js';
import { decodeChecksumValue } from './headers.js';
import { digestOf, toBase64 } from './hasher.js';
import { verifyDigest } from './verify.js';

/** A part's checksum (raw bytes or the base64 S3 returned for it) and its size in bytes. */
export interface PartChecksum {
  readonly checksum: Uint8Array | string;
  readonly size: number;
}

function rawPartChecksum(algorithm: ChecksumAlgorithm, checksum: Uint8Array | string): Buffer {
  if (typeof checksum === 'string') return decodeChecksumValue(algorithm, checksum);
  if (checksum.length !== DIGEST_LENGTH[algorithm]) {
    throw new CofferError('checksum.invalid', { message: `A ${algorithm} checksum must be ${DIGEST_LENGTH[algorithm]} bytes`, details: { algorithm } });
  }
  return Buffer.from(checksum);
}

/**
 * The object checksum string S3 stores and returns for a completed multipart upload
 * (COMPOSITE: `<base64>-<N>`, FULL_OBJECT: `<base64>`). Parts must be in part-number order.
 * Throws `checksum.invalid` for an unsupported algorithm/type pair, malformed part checksums or
 * an empty part list.
 */
export function combineMultipartChecksum(
  algorithm: ChecksumAlgorithm,
  type: ChecksumType,
  parts: readonly PartChecksum[],
): string {
  assertChecksumTypeSupported(algorithm, type);
  if (parts.length === 0) throw new CofferError('checksum.invalid', { message: 'A multipart upload needs at least one part' });
  const raw = parts.map((p) => rawPartChecksum(algorithm, p.checksum));
  if (type === 'COMPOSITE') {
    return `${toBase64(digestOf(algorithm, Buffer.concat(raw)))}-${parts.length}`;
  }
  if (!isCrcAlgorithm(algorithm)) throw new Error('unreachable: FULL_OBJECT checked above');
  return toBase64(crcCombineAll(algorithm, raw.map((crc, i) => ({ crc, size: parts[i]!.size }))));
}

/**
 * Splits a stored/returned checksum into its base64 digest and the composite part count:
 * `'pd+GUQ==-2'` -> `{ checksum: 'pd+GUQ==', partCount: 2 }`; `'7PweJw=='` -> `{ checksum: '7PweJw==' }`.
 * Clients may send either form in CompleteMultipartUpload's x-amz-checksum-* header.
 */
export function splitChecksumValue(value: string): { checksum: string; partCount?: number } {
  const m = /^([A-Za-z0-9+/=]+)-([1-9][0-9]{0,4})$/.exec(value.trim());
  if (!m) return { checksum: value.trim() };
  return { checksum: m[1]!, partCount: Number(m[2]) };
}

/**
 * Checks the object checksum a client sent with CompleteMultipartUpload (x-amz-checksum-<alg>)
 * against the value combineMultipartChecksum computed. S3 accepts a COMPOSITE value with or
 * without its `-N` suffix; when present, N must equal the part count. Throws `checksum.invalid`
 * for a malformed value and `checksum.bad_digest` (BadDigest) for a mismatch.
 */
export function verifyMultipartChecksum(algorithm: ChecksumAlgorithm, type: ChecksumType, provided: string, computed: string): void {
  const want = splitChecksumValue(provided);
  const got = splitChecksumValue(computed);
  if (want.partCount !== undefined && type === 'FULL_OBJECT') {
    throw new CofferError('checksum.invalid', { message: `Value for ${checksumHeaderName(algorithm)} header is invalid.`, details: { algorithm } });
  }
  const wantRaw = decodeChecksumValue(algorithm, want.checksum);
  const gotRaw = decodeChecksumValue(algorithm, got.checksum);
  verifyDigest(algorithm, wantRaw, gotRaw);
  if (want.partCount !== undefined && want.partCount !== got.partCount) {
    throw new CofferError('checksum.bad_digest', {
      message: `The ${algorithm} you specified did not match the calculated checksum.`,
      details: { algorithm },
    });
  }
}

function md5Hex(data: Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

/** Single-part ETag: the quoted hex MD5 of the body, from its raw MD5 digest. */
export function etagFromMd5(md5: Uint8Array): string {
  if (md5.length !== 16) throw new CofferError('checksum.invalid', { message: 'An MD5 digest must be 16 bytes' });
  return `"${Buffer.from(md5).toString('hex')}"`;
}

/**
 * Multipart ETag from the parts' MD5 digests in part order; each may be raw 16 bytes or an ETag
 * string (quoted or not, hex).
 */
export function multipartEtag(partMd5s: readonly (Uint8Array | string)[]): string {
  if (partMd5s.length === 0) throw new CofferError('checksum.invalid', { message: 'A multipart upload needs at least one part' });
  const raw = partMd5s.map((p) => {
    if (typeof p !== 'string') {
      if (p.length !== 16) throw new CofferError('checksum.invalid', { message: 'An MD5 digest must be 16 bytes' });
      return Buffer.from(p);
    }
    const hex = normalizeEtag(p);
    if (!/^[0-9a-f]{32}$/.test(hex)) throw new CofferError('checksum.invalid', { message: 'A part ETag must be a hex MD5' });
    return Buffer.from(hex, 'hex');
  });
  return `"${md5Hex(Buffer.concat(raw))}-${partMd5s.length}"`;
}

/**
 * An ETag as clients send it (CompleteMultipartUpload parts, If-Match) -> bare lower-case value
 * without quotes or weak prefix, for comparison with stored ETags.
 */
export function normalizeEtag(etag: string): string {
  let v = etag.trim();
  if (v.startsWith('W/')) v = v.slice(2);
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
  // S3 clients sometimes send HTML-escaped quotes in XML bodies.
  v = v.replace(/^&quot;|&quot;$/g, '');
  return v.toLowerCase();
}
