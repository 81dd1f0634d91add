/**
 * Server-side SigV4 verification (header and presigned-query forms). Fails closed.
 *
 *   auth  = Authorization header | X-Amz-* query parameters   (both -> malformed, neither -> auth.missing)
 *   parse credential scope, signed headers, signature          (shape errors -> auth.malformed)
 *   scope.date == date(x-amz-date); scope.region == options.region; scope.service == options.service
 *   'host' (and the date header used) signed; every x-amz-* header present is signed (token excepted)
 *   time: header -> |now - t| <= skew; presigned -> t - skew <= now <= t + expires
 *   payload hash = x-amz-content-sha256 (header) | X-Amz-Content-Sha256 or UNSIGNED-PAYLOAD (presigned)
 *   secret = findSecret(akid)                                 (null -> auth.invalid_access_key)
 *   expected = HMAC(kSigning(secret, scope), StringToSign(CanonicalRequest))
 *   timingSafeEqual(expected, signature) else auth.signature_mismatch
 */
import { CofferError } from '../../shared/index.js';
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
  type QueryParam,
} from './canonical-request.js';
import { authError } from './errors.js';
import {
  formatAmzDate,
  hasPresignedParams,
  parseAmzDate,
  parseAuthorizationHeader,
  parseHttpDate,
  parsePresignedQuery,
  type ParsedCredential,
} from './parse-auth.js';
import { UNSIGNED_PAYLOAD, resolvePayloadKind, type PayloadKind } from './payload-mode.js';
import { deriveSigningKey, signatureOf, signaturesEqual } from './signing-key.js';
import type { AuthenticatedRequest, PayloadMode, SigV4Request, VerifyOptions } from './types.js';

const DEFAULT_SKEW_MS = 15 * 60 * 1000;
const MAX_PRESIGN_EXPIRY_SECONDS = 604800;
const UNSIGNED_ALLOWED = new Set(['x-amz-security-token']);

interface Prepared {
  where: 'header' | 'presigned';
  credential: ParsedCredential;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  requestTimeMs: number;
  expiresAtMs?: number;
  payloadHash: string;
  payload: PayloadKind;
  sessionToken?: string;
  params: QueryParam[];
}

/** Verifies a SigV4-signed request; resolves to an AuthenticatedRequest or rejects with a CofferError 'auth.*'. */
export async function verifyRequest(req: SigV4Request, options: VerifyOptions): Promise<AuthenticatedRequest> {
  const service = options.service ?? 's3';
  const headers = normalizeHeaders(req.headers);
  const params = parseQuery(req.rawQuery);
  const authorization = headers.get('authorization');
  const presigned = hasPresignedParams(params);
  if (authorization !== undefined && presigned) {
    throw authError('auth.malformed', 'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified');
  }
  if (authorization === undefined && !presigned) throw authError('auth.missing', 'Request is not signed');

  const p = authorization !== undefined ? prepareHeader(authorization, headers, params, options, service) : preparePresigned(params, headers, options, service);

  const lookup = p.sessionToken === undefined ? {} : { sessionToken: p.sessionToken };
  const found = await options.findSecret(p.credential.accessKeyId, lookup);
  if (found === null) throw authError('auth.invalid_access_key', 'The AWS access key Id you provided does not exist in our records');

  const { date, region } = p.credential;
  const signingKey = options.signingKeyCache
    ? options.signingKeyCache.get(found.secretAccessKey, date, region, service)
    : deriveSigningKey(found.secretAccessKey, date, region, service);
  const canonicalization = options.canonicalization ?? (service === 's3' ? S3_CANONICALIZATION : GENERIC_CANONICALIZATION);
  const headerBlock = canonicalHeaders(headers, p.signedHeaders);
  if (headerBlock === null) throw malformed(p.where, 'a signed header is missing from the request or is not valid');
  const canonicalRequest = buildCanonicalRequest({
    method: req.method,
    canonicalUri: canonicalUri(req.rawPath, canonicalization),
    canonicalQuery: canonicalQuery(p.where === 'presigned' ? p.params.filter((q) => q.name.toLowerCase() !== 'x-amz-signature') : p.params),
    canonicalHeaders: headerBlock,
    signedHeaders: p.signedHeaders,
    payloadHash: p.payloadHash,
  });
  const scope = credentialScope(date, region, service);
  const stringToSign = buildStringToSign(p.amzDate, scope, canonicalRequest);
  const expected = signatureOf(signingKey, stringToSign);
  if (!signaturesEqual(expected, Buffer.from(p.signature, 'hex'))) {
    throw authError('auth.signature_mismatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', {
      canonicalRequest: redactCanonicalRequest(canonicalRequest),
      stringToSign,
    });
  }

  if (options.bodySha256 !== undefined && p.payload.kind === 'sha256' && p.payload.expectedHex !== options.bodySha256.toLowerCase()) {
    throw authError('auth.sha256_mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }

  const payload: PayloadMode =
    p.payload.kind === 'streaming-signed'
      ? { ...p.payload, seedSignature: p.signature, signingKey: Buffer.from(signingKey), scope, amzDate: p.amzDate }
      : p.payload;
  const result = {
    accessKeyId: p.credential.accessKeyId,
    principal: found.principal,
    method: p.where,
    payload,
    signedHeaders: Object.freeze([...p.signedHeaders]),
    region,
    service,
    date,
    requestTimeMs: p.requestTimeMs,
    ...(p.expiresAtMs === undefined ? {} : { expiresAtMs: p.expiresAtMs }),
    ...(p.sessionToken === undefined ? {} : { sessionToken: p.sessionToken }),
  };
  return Object.freeze(result) as unknown as AuthenticatedRequest;
}

function prepareHeader(
  authorization: string[],
  headers: ReadonlyMap<string, string[]>,
  params: QueryParam[],
  options: VerifyOptions,
  service: string,
): Prepared {
  if (authorization.length !== 1) throw malformed('header', 'more than one Authorization header');
  const parsed = parseAuthorizationHeader(authorization[0]!);

  let amzDate: string;
  let requestTimeMs: number | null;
  let dateHeader: string;
  const xAmzDate = single(headers, 'x-amz-date');
  if (xAmzDate !== undefined) {
    dateHeader = 'x-amz-date';
    amzDate = xAmzDate.trim();
    requestTimeMs = parseAmzDate(amzDate);
  } else {
    dateHeader = 'date';
    const httpDate = single(headers, 'date');
    requestTimeMs = httpDate === undefined ? null : parseHttpDate(httpDate);
    amzDate = requestTimeMs === null ? '' : formatAmzDate(requestTimeMs);
  }
  if (requestTimeMs === null) throw malformed('header', 'AWS authentication requires a valid Date or x-amz-date header');
  checkScope(parsed.credential, amzDate, options, service, 'header');
  requireSigned(parsed.signedHeaders, ['host', dateHeader], 'header');
  checkAllAmzHeadersSigned(headers, parsed.signedHeaders);

  const skew = options.maxSkewMs ?? DEFAULT_SKEW_MS;
  if (Math.abs(options.clock.now() - requestTimeMs) > skew) {
    throw authError('auth.time_skewed', 'The difference between the request time and the current time is too large.');
  }

  const requireSha = options.requireContentSha256 ?? service === 's3';
  let payloadHash = single(headers, 'x-amz-content-sha256');
  if (payloadHash === undefined) {
    if (requireSha || options.bodySha256 === undefined) {
      throw authError('auth.missing_sha256', 'Missing required header for this request: x-amz-content-sha256');
    }
    payloadHash = options.bodySha256.toLowerCase();
  }
  const prepared: Prepared = {
    where: 'header',
    credential: parsed.credential,
    signedHeaders: parsed.signedHeaders,
    signature: parsed.signature,
    amzDate,
    requestTimeMs,
    payloadHash,
    payload: resolvePayloadKind(payloadHash, headers, false),
    params,
  };
  const token = single(headers, 'x-amz-security-token');
  if (token !== undefined) prepared.sessionToken = token;
  return prepared;
}

function preparePresigned(params: QueryParam[], headers: ReadonlyMap<string, string[]>, options: VerifyOptions, service: string): Prepared {
  const maxExpiry = Math.min(options.maxPresignExpirySeconds ?? MAX_PRESIGN_EXPIRY_SECONDS, MAX_PRESIGN_EXPIRY_SECONDS);
  const parsed = parsePresignedQuery(params, maxExpiry);
  const requestTimeMs = parseAmzDate(parsed.amzDate)!;
  checkScope(parsed.credential, parsed.amzDate, options, service, 'presigned');
  requireSigned(parsed.signedHeaders, ['host'], 'presigned');
  checkAllAmzHeadersSigned(headers, parsed.signedHeaders);

  const now = options.clock.now();
  const skew = options.maxSkewMs ?? DEFAULT_SKEW_MS;
  if (requestTimeMs - now > skew) throw authError('auth.time_skewed', 'Request is not valid yet');
  const expiresAtMs = requestTimeMs + parsed.expiresSeconds * 1000;
  if (now > expiresAtMs) throw authError('auth.expired', 'Request has expired');

  // A presigned URL cannot know its body, so S3 signs UNSIGNED-PAYLOAD unless the signer chose a hash;
  // other services sign the hash of the (buffered) body.
  let payloadHash = parsed.contentSha256;
  if (payloadHash === undefined && parsed.signedHeaders.includes('x-amz-content-sha256')) payloadHash = single(headers, 'x-amz-content-sha256');
  if (payloadHash === undefined) {
    if (service === 's3') payloadHash = UNSIGNED_PAYLOAD;
    else if (options.bodySha256 !== undefined) payloadHash = options.bodySha256.toLowerCase();
    else throw authError('auth.missing_sha256', 'The payload hash of a presigned request for this service is unknown');
  }
  const prepared: Prepared = {
    where: 'presigned',
    credential: parsed.credential,
    signedHeaders: parsed.signedHeaders,
    signature: parsed.signature,
    amzDate: parsed.amzDate,
    requestTimeMs,
    expiresAtMs,
    payloadHash,
    payload: resolvePayloadKind(payloadHash, headers, true),
    params,
  };
  const token = parsed.sessionToken ?? single(headers, 'x-amz-security-token');
  if (token !== undefined) prepared.sessionToken = token;
  return prepared;
}

function checkScope(credential: ParsedCredential, amzDate: string, options: VerifyOptions, service: string, where: 'header' | 'presigned'): void {
  if (credential.date !== amzDate.slice(0, 8)) {
    throw malformed(where, 'Invalid credential date. Date is not the same as X-Amz-Date.');
  }
  if (credential.region !== options.region) {
    throw malformed(where, `the region in the credential scope is wrong; expecting '${options.region}'`);
  }
  if (credential.service !== service) {
    throw malformed(where, `the service in the credential scope is wrong; expecting '${service}'`);
  }
}

function requireSigned(signed: readonly string[], required: readonly string[], where: 'header' | 'presigned'): void {
  for (const name of required) {
    if (!signed.includes(name)) throw malformed(where, `the '${name}' header must be signed`);
  }
}

/** S3 refuses x-amz-* headers that the signature does not cover (HeadersNotSigned). */
function checkAllAmzHeadersSigned(headers: ReadonlyMap<string, string[]>, signed: readonly string[]): void {
  const unsigned: string[] = [];
  for (const name of headers.keys()) {
    if (name.startsWith('x-amz-') && !UNSIGNED_ALLOWED.has(name) && !signed.includes(name)) unsigned.push(name);
  }
  if (unsigned.length > 0) {
    throw authError('auth.headers_not_signed', 'There were headers present in the request which were not signed', { headersNotSigned: unsigned.sort() });
  }
}

const SENSITIVE_HEADERS = ['x-amz-security-token', 'x-amz-server-side-encryption-customer-key', 'x-amz-copy-source-server-side-encryption-customer-key'];
const SENSITIVE_LINE = new RegExp(`^(${SENSITIVE_HEADERS.join('|')}):.*$`, 'gm');
const SENSITIVE_PARAM = /(^|&)(X-Amz-Security-Token=)[^&\n]*/gi;

/** The canonical request for diagnostics, with session tokens and SSE-C keys blanked out. */
export function redactCanonicalRequest(canonicalRequest: string): string {
  const lines = canonicalRequest.split('\n');
  if (lines.length > 2) lines[2] = lines[2]!.replace(SENSITIVE_PARAM, '$1$2<redacted>');
  return lines.join('\n').replace(SENSITIVE_LINE, '$1:<redacted>');
}

function single(headers: ReadonlyMap<string, string[]>, name: string): string | undefined {
  const values = headers.get(name);
  if (values === undefined) return undefined;
  if (values.length !== 1) throw authError('auth.malformed', `The ${name} header must not be repeated`);
  return values[0]!;
}

function malformed(where: 'header' | 'presigned', message: string): CofferError {
  const prefix = where === 'header' ? 'The authorization header is malformed' : 'Error parsing the presigned URL parameters';
  return authError('auth.malformed', `${prefix}; ${message}`);
}
