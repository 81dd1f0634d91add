/**
 * Resolution of the x-amz-content-sha256 value into a payload mode.
 *
 *   hex sha256                                   -> sha256 (body must hash to it; not with aws-chunked)
 *   UNSIGNED-PAYLOAD                             -> unsigned (not with aws-chunked, as S3 refuses it)
 *   STREAMING-UNSIGNED-PAYLOAD-TRAILER           -> aws-chunked, no chunk signatures, trailers (checksums)
 *   STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER] -> aws-chunked, chained chunk signatures [+ signed trailer]
 *   STREAMING-AWS4-ECDSA-P256-SHA256-*           -> unsupported (SigV4A)
 *   anything else                                -> auth.invalid_sha256
 */
import { authError } from './errors.js';

export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
export const STREAMING_SIGNED = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
export const STREAMING_SIGNED_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export type PayloadKind =
  | { kind: 'sha256'; expectedHex: string }
  | { kind: 'unsigned' }
  | { kind: 'streaming-signed'; trailer: boolean; decodedLength: number | null; trailerHeaders: string[] }
  | { kind: 'streaming-unsigned-trailer'; decodedLength: number | null; trailerHeaders: string[] };

const HEX64 = /^[0-9a-fA-F]{64}$/;
const MAX_TRAILER_NAMES = 16;

export function resolvePayloadKind(hash: string, headers: ReadonlyMap<string, string[]>, presigned: boolean): PayloadKind {
  const chunked = isAwsChunked(headers.get('content-encoding'));
  if (HEX64.test(hash)) {
    if (chunked) throw authError('auth.invalid_sha256', 'aws-chunked encoding requires a STREAMING-* x-amz-content-sha256 value');
    return { kind: 'sha256', expectedHex: hash.toLowerCase() };
  }
  switch (hash) {
    case UNSIGNED_PAYLOAD:
      if (chunked) {
        throw authError('auth.invalid_sha256', 'aws-chunked encoding is not supported when x-amz-content-sha256 UNSIGNED-PAYLOAD is supplied');
      }
      return { kind: 'unsigned' };
    case STREAMING_UNSIGNED_TRAILER:
      return { kind: 'streaming-unsigned-trailer', decodedLength: decodedLength(headers), trailerHeaders: trailerNames(headers) };
    case STREAMING_SIGNED:
    case STREAMING_SIGNED_TRAILER: {
      if (presigned) throw authError('auth.invalid_sha256', 'Signed streaming payloads cannot be used with presigned URLs');
      const trailer = hash === STREAMING_SIGNED_TRAILER;
      return { kind: 'streaming-signed', trailer, decodedLength: decodedLength(headers), trailerHeaders: trailer ? trailerNames(headers) : [] };
    }
    default:
      if (hash.startsWith('STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD')) {
        throw authError('auth.unsupported_algorithm', 'SigV4A (AWS4-ECDSA-P256-SHA256) streaming is not supported');
      }
      throw authError('auth.invalid_sha256', 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-* or a SHA-256 hex digest');
  }
}

function isAwsChunked(values: string[] | undefined): boolean {
  if (values === undefined) return false;
  return values.some((v) => v.split(',').some((token) => token.trim().toLowerCase() === 'aws-chunked'));
}

function decodedLength(headers: ReadonlyMap<string, string[]>): number | null {
  const values = headers.get('x-amz-decoded-content-length');
  if (values === undefined) return null;
  const v = values.length === 1 ? values[0]!.trim() : '';
  if (!/^\d{1,16}$/.test(v) || Number(v) > Number.MAX_SAFE_INTEGER) {
    throw authError('auth.malformed_chunk', 'x-amz-decoded-content-length must be a single non-negative integer');
  }
  return Number(v);
}

function trailerNames(headers: ReadonlyMap<string, string[]>): string[] {
  const values = headers.get('x-amz-trailer');
  if (values === undefined) return [];
  const names = values
    .flatMap((v) => v.split(','))
    .map((n) => n.trim().toLowerCase())
    .filter((n) => n !== '');
  if (names.length > MAX_TRAILER_NAMES || names.some((n) => !/^[a-z0-9-]{1,128}$/.test(n))) {
    throw authError('auth.malformed_chunk', 'x-amz-trailer must list at most 16 header names');
  }
  if (names.includes('x-amz-trailer-signature')) throw authError('auth.malformed_chunk', 'x-amz-trailer must not list x-amz-trailer-signature');
  return [...new Set(names)];
}
