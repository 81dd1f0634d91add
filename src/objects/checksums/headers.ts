/**
 * Reading the integrity headers of an S3 request, as Amazon S3 validates them:
 *
 *   x-amz-checksum-<alg>: <base64>     a checksum value sent as a header (at most one)
 *   x-amz-trailer: x-amz-checksum-<alg>  the value follows the aws-chunked body as a trailer
 *   x-amz-sdk-checksum-algorithm        the SDK's declaration of the algorithm it used
 *   x-amz-checksum-algorithm            CreateMultipartUpload / CopyObject algorithm choice
 *   x-amz-checksum-type                 CreateMultipartUpload COMPOSITE | FULL_OBJECT
 *   Content-MD5: <base64 of 16 bytes>
 *
 * Values must be canonical base64 of exactly the digest length. All declared algorithms must
 * agree, and x-amz-sdk-checksum-algorithm needs a checksum header or trailer to go with it.
 * Messages follow Amazon S3's (as matched by OpenStack Swift's s3api and versitygw).
 * Errors: checksum.invalid (InvalidRequest), checksum.invalid_digest (InvalidDigest, for
 * Content-MD5), checksum.unsupported_algorithm (NotImplemented: an algorithm in the S3 model
 * that we do not compute -- SHA512, MD5, XXHASH* -- must not be silently ignored, or clients
 * assume integrity that is not there). Names outside the S3 model are InvalidRequest, as in S3.
 */
import { CofferError } from '../../shared/errors.js';
import {
  DIGEST_LENGTH,
  checksumHeaderName,
  lookupChecksumAlgorithm,
  parseChecksumAlgorithm,
  parseChecksumType,
  type ChecksumAlgorithm,
  type ChecksumType,
} from './algorithms.js';

/** Node's IncomingHttpHeaders, a plain record, or a WHATWG Headers-like map flattened to one. */
export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface ChecksumHeaders {
  /** The algorithm the request uses, from whichever header declared it (all must agree). */
  readonly algorithm?: ChecksumAlgorithm;
  /** Decoded value of the single x-amz-checksum-<alg> header, when the value came as a header. */
  readonly value?: Buffer;
  /** True when x-amz-trailer announces x-amz-checksum-<algorithm>; the value arrives after the body. */
  readonly trailer: boolean;
  /** The trailer header name as the client will send it (lower case), when `trailer`. */
  readonly trailerName?: string;
  /** Decoded Content-MD5 (16 bytes), when sent. */
  readonly contentMd5?: Buffer;
  /** x-amz-checksum-type, when sent. */
  readonly type?: ChecksumType;
}

// Headers with the x-amz-checksum- prefix that do not carry a checksum value.
const NON_VALUE_HEADERS = new Set(['x-amz-checksum-mode', 'x-amz-checksum-type', 'x-amz-checksum-algorithm']);
const PREFIX = 'x-amz-checksum-';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function invalid(message: string, details: Record<string, unknown> = {}): CofferError {
  return new CofferError('checksum.invalid', { message, details });
}

// In the S3 model (botocore service-2.json ChecksumAlgorithm, 2026) but not computed here.
const MODEL_ONLY = new Set(['sha512', 'md5', 'xxhash64', 'xxhash3', 'xxhash128']);

function unknownAlgorithm(name: string, where: 'header' | 'trailer'): CofferError {
  if (MODEL_ONLY.has(name.slice(PREFIX.length))) return unsupported(name);
  return where === 'header'
    ? invalid('The algorithm type you specified in x-amz-checksum- header is invalid.', { header: name })
    : invalid('The value specified in the x-amz-trailer header is not supported', { header: 'x-amz-trailer' });
}

function unsupported(name: string): CofferError {
  return new CofferError('checksum.unsupported_algorithm', {
    message: `Header '${name}' is not supported`,
    details: { header: name },
  });
}

function single(bag: HeaderBag, name: string): string | undefined {
  const v = bag[name];
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (v.length === 1) return v[0];
  throw invalid(`Expecting a single ${name} header`, { header: name });
}

/** Strict base64 decode: canonical padding, no whitespace or URL alphabet. */
function decodeBase64(value: string): Buffer | undefined {
  const v = value.trim();
  if (!BASE64.test(v)) return undefined;
  const buf = Buffer.from(v, 'base64');
  // Reject non-canonical encodings (non-zero pad bits) so one digest has one spelling.
  return buf.toString('base64') === v ? buf : undefined;
}

/**
 * Decodes a base64 checksum value (header, aws-chunked trailer or XML) for `algorithm`; throws
 * `checksum.invalid` -- "Value for x-amz-checksum-<alg> header is invalid." (or "trailing header"
 * with `{ trailer: true }`) -- unless it is canonical base64 of exactly the digest length.
 */
export function decodeChecksumValue(algorithm: ChecksumAlgorithm, value: string, options: { trailer?: boolean } = {}): Buffer {
  const buf = decodeBase64(value);
  if (buf === undefined || buf.length !== DIGEST_LENGTH[algorithm]) {
    const header = checksumHeaderName(algorithm);
    const kind = options.trailer === true ? 'trailing header' : 'header';
    throw invalid(`Value for ${header} ${kind} is invalid.`, { header, algorithm });
  }
  return buf;
}

/** Decodes Content-MD5; throws `checksum.invalid_digest` (InvalidDigest) unless base64 of 16 bytes. */
export function decodeContentMd5(value: string): Buffer {
  const buf = decodeBase64(value);
  if (buf === undefined || buf.length !== 16) {
    throw new CofferError('checksum.invalid_digest', { message: 'The Content-MD5 you specified was invalid.' });
  }
  return buf;
}

function lowerCaseKeys(headers: HeaderBag): HeaderBag {
  const out: Record<string, string | readonly string[] | undefined> = {};
  for (const [k, v] of Object.entries(headers)) {
    const key = k.toLowerCase();
    const prev = out[key];
    if (prev === undefined) out[key] = v;
    else if (v !== undefined) out[key] = [...(typeof prev === 'string' ? [prev] : prev), ...(typeof v === 'string' ? [v] : v)];
  }
  return out;
}

/**
 * Which checksum the request carries and how. Throws on more than one checksum header (or a
 * header plus a checksum trailer), malformed values, or disagreeing algorithm declarations.
 */
export function parseChecksumHeaders(headers: HeaderBag): ChecksumHeaders {
  const bag = lowerCaseKeys(headers);

  // 1. Checksum value headers.
  const valued: { name: string; algorithm: ChecksumAlgorithm }[] = [];
  for (const name of Object.keys(bag)) {
    if (!name.startsWith(PREFIX) || NON_VALUE_HEADERS.has(name) || bag[name] === undefined) continue;
    const algorithm = lookupChecksumAlgorithm(name.slice(PREFIX.length));
    if (algorithm === undefined) throw unknownAlgorithm(name, 'header');
    valued.push({ name, algorithm });
  }

  // 2. Checksum trailers announced by x-amz-trailer (comma-separated names).
  const trailers: { name: string; algorithm: ChecksumAlgorithm }[] = [];
  const trailerHeader = single(bag, 'x-amz-trailer');
  if (trailerHeader !== undefined) {
    // S3 only supports checksum trailers; a trailing comma is tolerated.
    const names = trailerHeader.trim().replace(/,+$/, '');
    for (const raw of names === '' ? [] : names.split(',')) {
      const name = raw.trim().toLowerCase();
      const algorithm = name.startsWith(PREFIX) ? lookupChecksumAlgorithm(name.slice(PREFIX.length)) : undefined;
      if (algorithm === undefined) throw unknownAlgorithm(name, 'trailer');
      trailers.push({ name, algorithm });
    }
  }

  // S3's wording differs between two headers and a header plus a trailer.
  if (valued.length > 1 || trailers.length > 1) {
    throw invalid('Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  }
  if (valued.length + trailers.length > 1) throw invalid('Expecting a single x-amz-checksum- header');

  let algorithm: ChecksumAlgorithm | undefined;
  const agree = (alg: ChecksumAlgorithm, field: string): void => {
    if (algorithm !== undefined && algorithm !== alg) throw invalid(`Value for ${field} header is invalid.`, { header: field });
    algorithm = alg;
  };

  let value: Buffer | undefined;
  const header = valued[0];
  if (header) {
    value = decodeChecksumValue(header.algorithm, single(bag, header.name)!);
    agree(header.algorithm, header.name);
  }
  const trailer = trailers[0];
  if (trailer) agree(trailer.algorithm, 'x-amz-trailer');

  // 3. Declarations of the algorithm. The SDK's declaration must come with a value or trailer;
  // x-amz-checksum-algorithm (CreateMultipartUpload, CopyObject) stands alone.
  const sdkDeclared = single(bag, 'x-amz-sdk-checksum-algorithm');
  if (sdkDeclared !== undefined) {
    if (header === undefined && trailer === undefined) {
      throw invalid(
        'x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.',
        { header: 'x-amz-sdk-checksum-algorithm' },
      );
    }
    agree(parseChecksumAlgorithm(sdkDeclared, 'x-amz-sdk-checksum-algorithm'), 'x-amz-sdk-checksum-algorithm');
  }
  const declared = single(bag, 'x-amz-checksum-algorithm');
  if (declared !== undefined) agree(parseChecksumAlgorithm(declared), 'x-amz-checksum-algorithm');

  const typeHeader = single(bag, 'x-amz-checksum-type');
  const type = typeHeader === undefined ? undefined : parseChecksumType(typeHeader);

  const md5Header = single(bag, 'content-md5');
  const contentMd5 = md5Header === undefined ? undefined : decodeContentMd5(md5Header);

  return {
    trailer: trailer !== undefined,
    ...(algorithm !== undefined && { algorithm }),
    ...(value !== undefined && { value }),
    ...(trailer !== undefined && { trailerName: trailer.name }),
    ...(contentMd5 !== undefined && { contentMd5 }),
    ...(type !== undefined && { type }),
  };
}
