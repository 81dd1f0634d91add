/**
 * Client-side SigV4 signer, for tests and benchmarks (the server never signs requests).
 *
 *   signRequest: add x-amz-date [, x-amz-content-sha256, x-amz-security-token]; sign every given header;
 *                Authorization = "AWS4-HMAC-SHA256 Credential=akid/scope, SignedHeaders=..., Signature=..."
 *   presignUrl:  add X-Amz-Algorithm/Credential/Date/Expires/SignedHeaders[/Security-Token] to the query,
 *                payload hash UNSIGNED-PAYLOAD, then append X-Amz-Signature
 *   signChunkedBody: frame data as aws-chunked with chained chunk signatures [+ signed trailer]
 *   encodeUnsignedChunkedBody: frame data as aws-chunked for STREAMING-UNSIGNED-PAYLOAD-TRAILER
 *
 * It shares the canonicalisation code with the verifier; the published vectors pin both down.
 */
import { createHash } from 'node:crypto';
import {
  GENERIC_CANONICALIZATION,
  S3_CANONICALIZATION,
  buildCanonicalRequest,
  buildStringToSign,
  canonicalHeaders,
  canonicalQuery,
  canonicalUri,
  credentialScope,
  normalizeHeaders,
  parseQuery,
  type CanonicalizationOptions,
} from './canonical-request.js';
import { uriEncode } from './encoding.js';
import { formatAmzDate } from './parse-auth.js';
import { EMPTY_SHA256, UNSIGNED_PAYLOAD } from './payload-mode.js';
import { deriveSigningKey, signatureOf } from './signing-key.js';

export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignRequestInput {
  method: string;
  /** Path exactly as it will be sent (percent-encoded). */
  rawPath: string;
  /** Query exactly as it will be sent, without '?'. */
  rawQuery?: string;
  /** Headers to send and sign (must include host); values are byte strings. */
  headers: Record<string, string | string[]>;
  credentials: SigV4Credentials;
  region: string;
  /** Default 's3'. */
  service?: string;
  /** Signing time (ms since the epoch or Date). */
  date: number | Date;
  /** x-amz-content-sha256 value; default sha256(body) (empty body if none). */
  payloadHash?: string;
  body?: Buffer | string;
  /** Add an x-amz-content-sha256 header; default true for service 's3'. */
  contentSha256Header?: boolean;
  canonicalization?: CanonicalizationOptions;
}

export interface SigningResult {
  /** Lower-case header names: the input headers plus x-amz-date, authorization and friends. */
  headers: Record<string, string | string[]>;
  signature: string;
  signedHeaders: string[];
  canonicalRequest: string;
  stringToSign: string;
  signingKey: Buffer;
  scope: string;
  amzDate: string;
}

export function signRequest(input: SignRequestInput): SigningResult {
  const service = input.service ?? 's3';
  const amzDate = formatAmzDate(typeof input.date === 'number' ? input.date : input.date.getTime());
  const payloadHash = input.payloadHash ?? createHash('sha256').update(input.body ?? '').digest('hex');
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(input.headers)) headers[k.toLowerCase()] = v;
  headers['x-amz-date'] = amzDate;
  if (input.contentSha256Header ?? service === 's3') headers['x-amz-content-sha256'] = payloadHash;
  if (input.credentials.sessionToken !== undefined) headers['x-amz-security-token'] = input.credentials.sessionToken;
  const signedHeaders = Object.keys(headers).sort();
  const scope = credentialScope(amzDate.slice(0, 8), input.region, service);
  const canonicalRequest = buildCanonicalRequest({
    method: input.method,
    canonicalUri: canonicalUri(input.rawPath, input.canonicalization ?? defaultCanonicalization(service)),
    canonicalQuery: canonicalQuery(parseQuery(input.rawQuery ?? '')),
    canonicalHeaders: headerBlock(headers, signedHeaders),
    signedHeaders,
    payloadHash,
  });
  const stringToSign = buildStringToSign(amzDate, scope, canonicalRequest);
  const signingKey = deriveSigningKey(input.credentials.secretAccessKey, amzDate.slice(0, 8), input.region, service);
  const signature = signatureOf(signingKey, stringToSign).toString('hex');
  headers['authorization'] =
    `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`;
  return { headers, signature, signedHeaders, canonicalRequest, stringToSign, signingKey, scope, amzDate };
}

export interface PresignInput {
  method: string;
  rawPath: string;
  /** Existing query (without '?'); the X-Amz-* parameters are appended. */
  rawQuery?: string;
  /** Headers the URL user must send; must include host. All are signed. */
  headers: Record<string, string>;
  credentials: SigV4Credentials;
  region: string;
  service?: string;
  date: number | Date;
  expiresSeconds: number;
  /** Default UNSIGNED-PAYLOAD. */
  payloadHash?: string;
  canonicalization?: CanonicalizationOptions;
}

export interface PresignResult {
  /** Full query string to send (without '?'), ending with X-Amz-Signature. */
  rawQuery: string;
  signature: string;
  canonicalRequest: string;
  stringToSign: string;
}

export function presignUrl(input: PresignInput): PresignResult {
  const service = input.service ?? 's3';
  const amzDate = formatAmzDate(typeof input.date === 'number' ? input.date : input.date.getTime());
  const scope = credentialScope(amzDate.slice(0, 8), input.region, service);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.headers)) headers[k.toLowerCase()] = v;
  const signedHeaders = Object.keys(headers).sort();
  const added: [string, string][] = [
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', `${input.credentials.accessKeyId}/${scope}`],
    ['X-Amz-Date', amzDate],
    ['X-Amz-Expires', String(input.expiresSeconds)],
    ['X-Amz-SignedHeaders', signedHeaders.join(';')],
  ];
  if (input.credentials.sessionToken !== undefined) added.push(['X-Amz-Security-Token', input.credentials.sessionToken]);
  const base = input.rawQuery ?? '';
  const query = [base, ...added.map(([k, v]) => `${k}=${uriEncode(v, false)}`)].filter((s) => s !== '').join('&');
  const canonicalRequest = buildCanonicalRequest({
    method: input.method,
    canonicalUri: canonicalUri(input.rawPath, input.canonicalization ?? defaultCanonicalization(service)),
    canonicalQuery: canonicalQuery(parseQuery(query)),
    canonicalHeaders: headerBlock(headers, signedHeaders),
    signedHeaders,
    payloadHash: input.payloadHash ?? UNSIGNED_PAYLOAD,
  });
  const stringToSign = buildStringToSign(amzDate, scope, canonicalRequest);
  const signingKey = deriveSigningKey(input.credentials.secretAccessKey, amzDate.slice(0, 8), input.region, service);
  const signature = signatureOf(signingKey, stringToSign).toString('hex');
  return { rawQuery: `${query}&X-Amz-Signature=${signature}`, signature, canonicalRequest, stringToSign };
}

export interface ChunkSigningContext {
  /** Seed signature: the request signature. */
  signature: string;
  signingKey: Buffer;
  scope: string;
  amzDate: string;
}

export interface SignedChunkedBody {
  body: Buffer;
  /** One per data chunk plus the final empty chunk. */
  chunkSignatures: string[];
  trailerSignature?: string;
}

/** aws-chunked framing with chunk signatures; pass trailers for STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER. */
export function signChunkedBody(ctx: ChunkSigningContext, chunks: readonly Buffer[], trailers?: Record<string, string>): SignedChunkedBody {
  const parts: Buffer[] = [];
  const chunkSignatures: string[] = [];
  let previous = ctx.signature;
  for (const data of [...chunks.filter((c) => c.length > 0), Buffer.alloc(0)]) {
    const hash = createHash('sha256').update(data).digest('hex');
    const sts = `AWS4-HMAC-SHA256-PAYLOAD\n${ctx.amzDate}\n${ctx.scope}\n${previous}\n${EMPTY_SHA256}\n${hash}`;
    previous = signatureOf(ctx.signingKey, sts).toString('hex');
    chunkSignatures.push(previous);
    parts.push(Buffer.from(`${data.length.toString(16)};chunk-signature=${previous}\r\n`, 'latin1'));
    if (data.length > 0) parts.push(data, Buffer.from('\r\n'));
  }
  const result: SignedChunkedBody = { body: Buffer.alloc(0), chunkSignatures };
  if (trailers !== undefined) {
    let canonical = '';
    for (const [name, value] of Object.entries(trailers)) canonical += `${name.toLowerCase()}:${value}\n`;
    const hash = createHash('sha256').update(canonical, 'latin1').digest('hex');
    const sts = `AWS4-HMAC-SHA256-TRAILER\n${ctx.amzDate}\n${ctx.scope}\n${previous}\n${hash}`;
    result.trailerSignature = signatureOf(ctx.signingKey, sts).toString('hex');
    parts.push(Buffer.from(canonical.replace(/\n/g, '\r\n') + `x-amz-trailer-signature:${result.trailerSignature}\r\n`, 'latin1'));
  }
  parts.push(Buffer.from('\r\n'));
  result.body = Buffer.concat(parts);
  return result;
}

/** aws-chunked framing without signatures (STREAMING-UNSIGNED-PAYLOAD-TRAILER), as the AWS SDKs send it. */
export function encodeUnsignedChunkedBody(chunks: readonly Buffer[], trailers: Record<string, string> = {}): Buffer {
  const parts: Buffer[] = [];
  for (const data of chunks) {
    if (data.length === 0) continue;
    parts.push(Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n'));
  for (const [name, value] of Object.entries(trailers)) parts.push(Buffer.from(`${name}:${value}\r\n`, 'latin1'));
  parts.push(Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

function defaultCanonicalization(service: string): CanonicalizationOptions {
  return service === 's3' ? S3_CANONICALIZATION : GENERIC_CANONICALIZATION;
}

function headerBlock(headers: Record<string, string | string[]>, signed: readonly string[]): string {
  const block = canonicalHeaders(normalizeHeaders(headers), signed);
  if (block === null) throw new TypeError('header values must be byte strings (latin1)');
  return block;
}
