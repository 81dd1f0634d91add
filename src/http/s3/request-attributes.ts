/** Reads object attributes, checksum requests and conditions from S3 request headers. */
import { CofferError } from '../../shared/index.js';
import type { ChecksumAlgorithm, ChecksumType } from '../../storage/metadata/port.js';
import { type BodyInput, type Conditions, type ObjectAttributes, parseTaggingHeader } from '../../objects/index.js';
import { type S3Context, header } from './context.js';

const SYSTEM_HEADERS = ['cache-control', 'content-disposition', 'content-language', 'expires', 'website-redirect-location', 'storage-class'] as const;

const ALGORITHMS: Record<string, ChecksumAlgorithm> = {
  crc32: 'CRC32',
  crc32c: 'CRC32C',
  crc64nvme: 'CRC64NVME',
  sha1: 'SHA1',
  sha256: 'SHA256',
};
const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = { CRC32: 4, CRC32C: 4, CRC64NVME: 8, SHA1: 20, SHA256: 32 };

export function parseAlgorithm(value: string | undefined, what: string): ChecksumAlgorithm | null {
  if (value === undefined || value === '') return null;
  const alg = ALGORITHMS[value.toLowerCase()];
  if (!alg) throw new CofferError('objects.invalid_request', { message: `Value for ${what} header is invalid.` });
  return alg;
}

export function parseChecksumType(value: string | undefined): ChecksumType | null {
  if (value === undefined || value === '') return null;
  const v = value.toUpperCase();
  if (v !== 'COMPOSITE' && v !== 'FULL_OBJECT') throw new CofferError('objects.invalid_request', { message: 'Value for x-amz-checksum-type header is invalid.' });
  return v;
}

function contentEncoding(c: S3Context): string | undefined {
  const v = header(c, 'content-encoding');
  if (v === undefined) return undefined;
  // aws-chunked is transfer framing, not part of the object (S3 strips it).
  const kept = v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '' && s.toLowerCase() !== 'aws-chunked');
  return kept.length ? kept.join(',') : undefined;
}

export function objectAttributes(c: S3Context, opts: { tags: boolean } = { tags: true }): ObjectAttributes {
  const system: Record<string, string> = {};
  for (const name of SYSTEM_HEADERS) {
    const v = header(c, name);
    if (v !== undefined) system[name] = v;
  }
  const enc = contentEncoding(c);
  if (enc !== undefined) system['content-encoding'] = enc;
  const userMetadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(c.headers)) {
    if (name.startsWith('x-amz-meta-') && value !== undefined) {
      userMetadata[name.slice('x-amz-meta-'.length)] = Array.isArray(value) ? value.join(',') : value;
    }
  }
  return {
    contentType: header(c, 'content-type') ?? null,
    system,
    userMetadata,
    tags: opts.tags ? parseTaggingHeader(header(c, 'x-amz-tagging')) : {},
  };
}

/** Which checksum the request body carries (header or declared trailer), validated. */
export function checksumRequest(c: S3Context): { algorithm: ChecksumAlgorithm | null; expected: () => string | undefined } {
  const present = Object.keys(ALGORITHMS).filter((a) => c.headers[`x-amz-checksum-${a}`] !== undefined);
  if (present.length > 1) throw new CofferError('checksum.invalid', { message: 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.' });
  const trailer = header(c, 'x-amz-trailer')?.trim().toLowerCase();
  let trailerAlg: ChecksumAlgorithm | null = null;
  if (trailer) {
    const m = /^x-amz-checksum-([a-z0-9]+)$/.exec(trailer);
    trailerAlg = m ? (ALGORITHMS[m[1]!] ?? null) : null;
    if (!trailerAlg) throw new CofferError('objects.invalid_request', { message: 'The value specified in the x-amz-trailer header is not supported' });
    if (present.length) throw new CofferError('checksum.invalid', { message: 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.' });
  }
  const sdkAlg = parseAlgorithm(header(c, 'x-amz-sdk-checksum-algorithm'), 'x-amz-sdk-checksum-algorithm');
  if (present.length === 1) {
    const name = present[0]!;
    const alg = ALGORITHMS[name]!;
    const value = header(c, `x-amz-checksum-${name}`)!;
    validateDigest(alg, value);
    return { algorithm: alg, expected: () => value };
  }
  if (trailerAlg) {
    const alg = trailerAlg;
    return {
      algorithm: alg,
      expected: () => {
        const v = c.trailers()[trailer!];
        if (v === undefined) return undefined;
        validateDigest(alg, v);
        return v;
      },
    };
  }
  // x-amz-sdk-checksum-algorithm without a value (e.g. a presigned URL) has nothing to compare;
  // it is still validated above, and the default full-object CRC64NVME is computed.
  void sdkAlg;
  return { algorithm: null, expected: () => undefined };
}

function validateDigest(alg: ChecksumAlgorithm, value: string): void {
  const raw = /^[A-Za-z0-9+/]+={0,2}$/.test(value) ? Buffer.from(value, 'base64') : Buffer.alloc(0);
  if (raw.length !== DIGEST_BYTES[alg]) {
    throw new CofferError('checksum.invalid', { message: `Value for x-amz-checksum-${alg.toLowerCase()} header is invalid.` });
  }
}

export function contentMd5(c: S3Context): string | undefined {
  const v = header(c, 'content-md5');
  if (v === undefined) return undefined;
  if (!/^[A-Za-z0-9+/]{22}==$/.test(v.trim())) throw new CofferError('checksum.invalid_digest');
  return v.trim();
}

export function bodyInput(c: S3Context): BodyInput {
  const req = checksumRequest(c);
  return {
    stream: c.body(),
    declaredSize: c.declaredLength,
    algorithm: req.algorithm,
    expectedChecksum: req.expected,
    contentMd5: contentMd5(c),
  };
}

export function conditions(c: S3Context, prefix = ''): Conditions {
  return {
    ifMatch: header(c, `${prefix}if-match`),
    ifNoneMatch: header(c, `${prefix}if-none-match`),
    ifModifiedSince: header(c, `${prefix}if-modified-since`),
    ifUnmodifiedSince: header(c, `${prefix}if-unmodified-since`),
  };
}

/** If-None-Match: * / If-Match on writes (PutObject, CompleteMultipartUpload, CopyObject). */
export function writeExpectation(c: S3Context): { absent?: boolean; etag?: string } | undefined {
  const inm = header(c, 'if-none-match');
  const im = header(c, 'if-match');
  if (inm === undefined && im === undefined) return undefined;
  if (inm !== undefined && inm.trim() !== '*') throw new CofferError('http.not_implemented', { message: 'If-None-Match on writes supports only the value *.' });
  return { ...(inm !== undefined ? { absent: true } : {}), ...(im !== undefined ? { etag: im.trim().startsWith('"') ? im.trim() : `"${im.trim()}"` } : {}) };
}
