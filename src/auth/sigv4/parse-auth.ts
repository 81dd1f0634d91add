/**
 * Parsing of SigV4 credentials from an Authorization header or presigned-URL query parameters.
 *
 *   header:    "AWS4-HMAC-SHA256" SP+ "Credential=" akid/yyyymmdd/region/service/aws4_request
 *              "," SP* "SignedHeaders=" h1;h2;...  "," SP* "Signature=" 64 lower-case hex
 *              (components in any order, each exactly once; spaces around ',' and '=' tolerated)
 *   presigned: X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires (1..604800),
 *              X-Amz-SignedHeaders, X-Amz-Signature [, X-Amz-Security-Token]
 *
 * Everything is validated for shape only; the verifier checks values against the request and the clock.
 * Error messages name the offending component but never echo its value.
 */
import type { QueryParam } from './canonical-request.js';
import { SIGV4_ALGORITHM } from './canonical-request.js';
import { authError } from './errors.js';

export interface ParsedCredential {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

export interface ParsedAuth {
  credential: ParsedCredential;
  signedHeaders: string[];
  signature: string;
}

export interface ParsedPresigned extends ParsedAuth {
  amzDate: string;
  expiresSeconds: number;
  sessionToken?: string;
  contentSha256?: string;
}

const SIGNATURE = /^[0-9a-f]{64}$/;
const HEADER_NAME = /^[a-z0-9!#$%&'*+\-.^_`|~]+$/;
const ACCESS_KEY_ID = /^[\x21-\x2e\x30-\x7e]{1,128}$/;
const SCOPE_PART = /^[\x21-\x2e\x30-\x7e]{1,64}$/;

type Where = 'header' | 'query';

function malformed(where: Where, message: string): Error {
  const prefix = where === 'header' ? 'The authorization header is malformed' : 'Error parsing the X-Amz-Credential or presigned URL parameters';
  return authError('auth.malformed', `${prefix}; ${message}`);
}

/** Rejects non-SigV4 schemes with auth.unsupported_algorithm. */
export function parseAuthorizationHeader(value: string): ParsedAuth {
  const trimmed = value.trim();
  if (trimmed === '') throw malformed('header', 'the Authorization header is empty');
  const sp = trimmed.search(/[ \t]/);
  const algorithm = sp === -1 ? trimmed : trimmed.slice(0, sp);
  if (algorithm !== SIGV4_ALGORITHM) {
    if (algorithm === 'AWS') throw authError('auth.unsupported_algorithm', 'Signature Version 2 is not supported; use AWS4-HMAC-SHA256');
    throw authError('auth.unsupported_algorithm', 'Unsupported authorization algorithm; use AWS4-HMAC-SHA256');
  }
  if (sp === -1) throw malformed('header', 'missing Credential, SignedHeaders and Signature');
  const fields = new Map<string, string>();
  for (const part of trimmed.slice(sp + 1).split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq <= 0) throw malformed('header', 'expected Key=Value components');
    const key = item.slice(0, eq).trim();
    if (key !== 'Credential' && key !== 'SignedHeaders' && key !== 'Signature') {
      throw malformed('header', 'unknown component');
    }
    if (fields.has(key)) throw malformed('header', `duplicate ${key}`);
    fields.set(key, item.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (credential === undefined) throw malformed('header', 'missing Credential');
  if (signedHeaders === undefined) throw malformed('header', 'missing SignedHeaders');
  if (signature === undefined) throw malformed('header', 'missing Signature');
  return {
    credential: parseCredential(credential, 'header'),
    signedHeaders: parseSignedHeaders(signedHeaders, 'header'),
    signature: parseSignature(signature, 'header'),
  };
}

export function parseCredential(value: string, where: Where): ParsedCredential {
  const parts = value.split('/');
  if (parts.length !== 5) throw malformed(where, 'Credential must have the form <key>/<yyyymmdd>/<region>/<service>/aws4_request');
  const [accessKeyId, date, region, service, terminal] = parts as [string, string, string, string, string];
  if (!ACCESS_KEY_ID.test(accessKeyId)) throw malformed(where, 'invalid access key id in Credential');
  if (!/^\d{8}$/.test(date) || parseAmzDate(`${date}T000000Z`) === null) throw malformed(where, 'invalid date in Credential');
  if (!SCOPE_PART.test(region)) throw malformed(where, 'invalid region in Credential');
  if (!SCOPE_PART.test(service)) throw malformed(where, 'invalid service in Credential');
  if (terminal !== 'aws4_request') throw malformed(where, "Credential must end with 'aws4_request'");
  return { accessKeyId, date, region, service };
}

/** Signed header names: lower case, ';'-separated, strictly ascending, non-empty. */
export function parseSignedHeaders(value: string, where: Where): string[] {
  const names = value.split(';');
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (!HEADER_NAME.test(name)) throw malformed(where, 'SignedHeaders must be lower-case header names separated by ;');
    if (i > 0 && !(names[i - 1]! < name)) throw malformed(where, 'SignedHeaders must be sorted and unique');
  }
  return names;
}

function parseSignature(value: string, where: Where): string {
  if (!SIGNATURE.test(value)) throw malformed(where, 'Signature must be 64 lower-case hex characters');
  return value;
}

const PRESIGN_PARAMS = [
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-signedheaders',
  'x-amz-signature',
  'x-amz-security-token',
  'x-amz-content-sha256',
] as const;
type PresignParam = (typeof PRESIGN_PARAMS)[number];

/** True when the query carries SigV4 (or SigV2) presigned-URL parameters. */
export function hasPresignedParams(params: readonly QueryParam[]): boolean {
  for (const p of params) {
    const n = p.name.toLowerCase();
    if (n === 'x-amz-algorithm' || n === 'x-amz-credential' || n === 'x-amz-signature') return true;
    if (p.name === 'AWSAccessKeyId') return true;
  }
  return false;
}

/** Parses the X-Amz-* parameters of a presigned URL (names matched case-insensitively, each at most once). */
export function parsePresignedQuery(params: readonly QueryParam[], maxExpirySeconds: number): ParsedPresigned {
  const found = new Map<PresignParam, string>();
  let sigV2 = false;
  for (const p of params) {
    if (p.name === 'AWSAccessKeyId') sigV2 = true;
    const n = p.name.toLowerCase() as PresignParam;
    if (!(PRESIGN_PARAMS as readonly string[]).includes(n)) continue;
    if (found.has(n)) throw malformed('query', `duplicate ${p.name} parameter`);
    found.set(n, p.value);
  }
  const algorithm = found.get('x-amz-algorithm');
  if (algorithm === undefined) {
    if (sigV2) throw authError('auth.unsupported_algorithm', 'Signature Version 2 is not supported; use AWS4-HMAC-SHA256');
    throw malformed('query', 'missing X-Amz-Algorithm');
  }
  if (algorithm !== SIGV4_ALGORITHM) throw authError('auth.unsupported_algorithm', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  const need = (name: PresignParam, label: string): string => {
    const v = found.get(name);
    if (v === undefined) throw malformed('query', `missing ${label}`);
    return v;
  };
  const credential = parseCredential(need('x-amz-credential', 'X-Amz-Credential'), 'query');
  const amzDate = need('x-amz-date', 'X-Amz-Date');
  if (parseAmzDate(amzDate) === null) throw malformed('query', 'X-Amz-Date must be in the ISO8601 basic format yyyyMMddTHHmmssZ');
  const expiresRaw = need('x-amz-expires', 'X-Amz-Expires');
  if (!/^\d{1,7}$/.test(expiresRaw)) throw malformed('query', 'X-Amz-Expires should be a number');
  const expiresSeconds = Number(expiresRaw);
  if (expiresSeconds < 1) throw malformed('query', 'X-Amz-Expires must be non-negative');
  if (expiresSeconds > maxExpirySeconds) {
    throw malformed('query', `X-Amz-Expires must be less than a week (in seconds) that is ${maxExpirySeconds}`);
  }
  const result: ParsedPresigned = {
    credential,
    amzDate,
    expiresSeconds,
    signedHeaders: parseSignedHeaders(need('x-amz-signedheaders', 'X-Amz-SignedHeaders'), 'query'),
    signature: parseSignature(need('x-amz-signature', 'X-Amz-Signature'), 'query'),
  };
  const token = found.get('x-amz-security-token');
  if (token !== undefined) result.sessionToken = token;
  const sha = found.get('x-amz-content-sha256');
  if (sha !== undefined) result.contentSha256 = sha;
  return result;
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Milliseconds for "yyyyMMddTHHmmssZ", or null when malformed or not a real calendar time. */
export function parseAmzDate(value: string): number | null {
  const m = AMZ_DATE.exec(value);
  if (m === null) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  if (h > 23 || mi > 59 || s > 59) return null;
  return ms;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const IMF_FIXDATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

/** Milliseconds for an HTTP Date header in IMF-fixdate form, or null. */
export function parseHttpDate(value: string): number | null {
  const m = IMF_FIXDATE.exec(value.trim());
  if (m === null) return null;
  const iso = `${m[3]}${String(MONTHS.indexOf(m[2]!) + 1).padStart(2, '0')}${m[1]}T${m[4]}${m[5]}${m[6]}Z`;
  return parseAmzDate(iso);
}

/** "yyyyMMddTHHmmssZ" for a time in milliseconds. */
export function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
