/**
 * SigV4 canonical request and string to sign.
 *
 *   CanonicalRequest = Method \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n PayloadHash
 *   CanonicalURI     = S3:      uriEncode(percentDecode(rawPath), keep '/')      (no normalisation, encoded once)
 *                      generic: uriEncode(normalize(rawPath), keep '/')          (dot segments and '//' removed,
 *                                                                                 the sent path encoded again)
 *   CanonicalQuery   = for each "name=value" of the raw query: e(name)=e(value), e = uriEncode(percentDecode(x)),
 *                      sorted by e(name) then e(value), joined with '&'  (X-Amz-Signature left out when presigned)
 *   CanonicalHeaders = for each signed header: lower(name) ':' join(',', collapse(trim(value_i))) \n
 *   StringToSign     = "AWS4-HMAC-SHA256" \n amzDate \n scope \n hex(sha256(CanonicalRequest))
 *
 * Header values are byte strings (one char per byte, as Node's http module delivers them), so the canonical
 * request is hashed as latin1: the hash covers exactly the bytes the client sent.
 */
import { createHash } from 'node:crypto';
import { canonicalEncode, isByteString, percentDecode, uriEncode } from './encoding.js';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

/** How the path is canonicalised: S3 uses neither option; other AWS services use both. */
export interface CanonicalizationOptions {
  /** Remove '.' and '..' segments and collapse repeated slashes before encoding. */
  normalizePath: boolean;
  /** Encode the path as sent (so an existing '%XX' becomes '%25XX') instead of decoding it first. */
  doubleEncode: boolean;
}

export const S3_CANONICALIZATION: Readonly<CanonicalizationOptions> = Object.freeze({ normalizePath: false, doubleEncode: false });
export const GENERIC_CANONICALIZATION: Readonly<CanonicalizationOptions> = Object.freeze({ normalizePath: true, doubleEncode: true });

/** Header map as Node delivers it; string[] values (e.g. from `req.headersDistinct`) are joined with ','. */
export type HeaderMap = Record<string, string | string[] | undefined>;

/** Canonical URI of a raw (still percent-encoded) request path. */
export function canonicalUri(rawPath: string, options: CanonicalizationOptions): string {
  let path = rawPath === '' ? '/' : rawPath;
  if (options.normalizePath) path = normalizePath(path);
  return options.doubleEncode ? uriEncode(path, true) : canonicalEncode(path, true);
}

/** RFC 3986 dot-segment removal plus empty-segment collapsing, as the generic AWS signers do. */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  if (out.length === 0) return '/';
  return '/' + out.join('/') + (path.endsWith('/') ? '/' : '');
}

/** One query parameter: decoded (for lookups) and canonically encoded (for signing). */
export interface QueryParam {
  /** Decoded name (UTF-8; invalid sequences become U+FFFD, so use only for lookups). */
  readonly name: string;
  readonly value: string;
  readonly encodedName: string;
  readonly encodedValue: string;
}

/** Splits a raw query string (without '?') into parameters; empty segments ("a&&b") are skipped. */
export function parseQuery(rawQuery: string): QueryParam[] {
  const params: QueryParam[] = [];
  if (rawQuery === '') return params;
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq === -1 ? part : part.slice(0, eq);
    const rawValue = eq === -1 ? '' : part.slice(eq + 1);
    params.push({
      name: percentDecode(rawName).toString('utf8'),
      value: percentDecode(rawValue).toString('utf8'),
      encodedName: canonicalEncode(rawName, false),
      encodedValue: canonicalEncode(rawValue, false),
    });
  }
  return params;
}

/** Canonical query string; `exclude` drops parameters by decoded name (X-Amz-Signature for presigned URLs). */
export function canonicalQuery(params: readonly QueryParam[], exclude?: string): string {
  const kept = exclude === undefined ? [...params] : params.filter((p) => p.name !== exclude);
  kept.sort((a, b) => cmp(a.encodedName, b.encodedName) || cmp(a.encodedValue, b.encodedValue));
  let out = '';
  for (let i = 0; i < kept.length; i++) {
    const p = kept[i]!;
    out += (i === 0 ? '' : '&') + p.encodedName + '=' + p.encodedValue;
  }
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Lower-cases header names and drops undefined values; values stay as sent. */
export function normalizeHeaders(headers: HeaderMap): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const list = map.get(key) ?? [];
    if (Array.isArray(value)) list.push(...value);
    else list.push(value);
    map.set(key, list);
  }
  return map;
}

const EDGE_SPACE = /^[ \t]+|[ \t]+$/g;
const INNER_SPACE = /[ \t]+/g;

/** Trims each value, collapses runs of spaces/tabs to one space and joins the values with ','. */
export function canonicalHeaderValue(values: readonly string[]): string {
  let out = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!.replace(EDGE_SPACE, '').replace(INNER_SPACE, ' ');
    out += (i === 0 ? '' : ',') + v;
  }
  return out;
}

/**
 * Canonical header block ("name:value\n" per signed header). Returns null when a signed header is absent
 * or a value is not a byte string (cannot come from Node's parser; refusing keeps hashing unambiguous).
 */
export function canonicalHeaders(headers: ReadonlyMap<string, string[]>, signedHeaders: readonly string[]): string | null {
  let out = '';
  for (const name of signedHeaders) {
    const values = headers.get(name);
    if (values === undefined) return null;
    const value = canonicalHeaderValue(values);
    if (!isByteString(value)) return null;
    out += name + ':' + value + '\n';
  }
  return out;
}

export interface CanonicalRequestParts {
  method: string;
  canonicalUri: string;
  canonicalQuery: string;
  canonicalHeaders: string;
  signedHeaders: readonly string[];
  payloadHash: string;
}

export function buildCanonicalRequest(p: CanonicalRequestParts): string {
  return `${p.method}\n${p.canonicalUri}\n${p.canonicalQuery}\n${p.canonicalHeaders}\n${p.signedHeaders.join(';')}\n${p.payloadHash}`;
}

/** "date/region/service/aws4_request" */
export function credentialScope(date: string, region: string, service: string): string {
  return `${date}/${region}/${service}/aws4_request`;
}

export function buildStringToSign(amzDate: string, scope: string, canonicalRequest: string): string {
  const hash = createHash('sha256').update(canonicalRequest, 'latin1').digest('hex');
  return `${SIGV4_ALGORITHM}\n${amzDate}\n${scope}\n${hash}`;
}
