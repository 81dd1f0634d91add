/**
 * S3 integrity checksums: CRC32, CRC32C, CRC64NVME, SHA1, SHA256 (x-amz-checksum-*), Content-MD5
 * and ETags -- computed on streaming bodies, parsed from requests, verified in constant time, and
 * combined for multipart uploads exactly as Amazon S3 does.
 *
 * Typical PutObject flow:
 *   const req = parseChecksumHeaders(headers);                 // throws checksum.invalid*
 *   const alg = req.algorithm ?? 'CRC64NVME';                  // S3 adds CRC64NVME when none is sent
 *   const tap = createChecksumTap({ algorithms: [alg], md5: true, expected: () => ({
 *     [alg]: req.value ?? (req.trailer ? decodeChecksumValue(alg, trailers[req.trailerName], { trailer: true }) : undefined),
 *     MD5: req.contentMd5 }) });                               // called after the last body byte
 *   await pipeline(body, tap, blobWriter);                     // bad digest fails before commit
 *   const { checksums, md5 } = tap.result();                   // store toBase64(checksums[alg]), etagFromMd5(md5)
 *
 * Error codes (map at the HTTP edge): checksum.invalid -> InvalidRequest 400,
 * checksum.invalid_digest -> InvalidDigest 400, checksum.bad_digest -> BadDigest 400,
 * checksum.unsupported_algorithm -> NotImplemented 501, checksum.size_mismatch -> IncompleteBody 400;
 * checksum.finalized / not_finished / not_computed are programming errors -> InternalError.
 */

/** Algorithm names, digest sizes and checksum-type rules. */
export {
  CHECKSUM_ALGORITHMS,
  DIGEST_LENGTH,
  /** `'CRC32'` -> `'x-amz-checksum-crc32'`. */
  checksumHeaderName,
  /** S3's default multipart checksum type: FULL_OBJECT for CRC64NVME, else COMPOSITE. */
  defaultChecksumType,
  /** Whether S3 allows this algorithm with this multipart checksum type. */
  supportsChecksumType,
  /** Throws checksum.invalid when S3 would refuse the algorithm/type pair. */
  assertChecksumTypeSupported,
  isChecksumAlgorithm,
  isCrcAlgorithm,
  /** Case-insensitive algorithm name -> ChecksumAlgorithm, or undefined. */
  lookupChecksumAlgorithm,
  /** Case-insensitive algorithm name -> ChecksumAlgorithm; throws checksum.invalid. */
  parseChecksumAlgorithm,
  /** 'COMPOSITE' | 'FULL_OBJECT' (case-insensitive); throws checksum.invalid. */
  parseChecksumType,
} from './algorithms.js';
export type { ChecksumAlgorithm, ChecksumType, CrcAlgorithm, HashAlgorithm } from './algorithms.js';

/** Incremental hashers (`createHasher(alg).update(buf).digest()` -> raw Buffer), one-shot `digestOf`, `toBase64`. */
export { createHasher, digestOf, toBase64 } from './hasher.js';
export type { Hasher } from './hasher.js';

/** Pass-through Transform computing several digests at once; optional verification at end of stream. */
export { ChecksumTap, createChecksumTap } from './tap.js';
export type { ChecksumTapOptions, ChecksumTapResult, ExpectedDigests } from './tap.js';

/** Request header parsing and strict base64 decoding of checksum values and Content-MD5. */
export { decodeChecksumValue, decodeContentMd5, parseChecksumHeaders } from './headers.js';
export type { ChecksumHeaders, HeaderBag } from './headers.js';

/** Constant-time comparison; `verifyDigest` throws checksum.bad_digest (BadDigest). */
export { digestsEqual, verifyDigest, verifyDigests } from './verify.js';

/** Multipart object checksums (COMPOSITE `-N`, FULL_OBJECT CRC combine) and ETags. */
export {
  combineMultipartChecksum,
  etagFromMd5,
  multipartEtag,
  normalizeEtag,
  splitChecksumValue,
  verifyMultipartChecksum,
} from './multipart.js';
export type { PartChecksum } from './multipart.js';

/** Response headers (x-amz-checksum-<alg>, x-amz-checksum-type) for a stored checksum; none for partial reads. */
export { checksumResponseHeaders } from './response.js';
export type { StoredChecksum } from './response.js';

/** CRC combination: crc(A||B) from crc(A), crc(B), len(B), for CRC32, CRC32C and CRC64NVME. */
export { crcCombine, crcCombineAll } from './crc-combine.js';
export type { CrcPart } from './crc-combine.js';

/**
 * Which CRC implementations this process uses: crc32 'node:zlib' | 'js-table', crc32c
 * '@node-rs/crc32' | 'js-table', crc64nvme 'webassembly slice-by-16' | 'js slice-by-8'.
 */
export { checksumBackends } from './backends.js';
