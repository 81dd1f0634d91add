/**
 * Redaction for diagnostic logs (pure; the guarded logger applies it to every line).
 *
 *   redactValue(v):
 *     object: a property whose name is secret-like (authorization, cookie, password, secret,
 *             token, signature, credential, MFA code / seed, SSE-C key, private key)
 *             -> "[REDACTED]"; other properties recursively; Errors become {type, message, stack, code}
 *     string: redactString
 *   redactString(s):
 *     SigV4 signatures, presigned query credentials (X-Amz-Signature / -Credential / -Security-Token),
 *     name=value pairs with a secret-like name, PEM private keys, 40-char secret-key shapes,
 *     long opaque token blobs                                       -> "[REDACTED]"
 *     spans the high-precision detectors flag (a card number in a key name)
 *                                                                   -> "[REDACTED:<kind>]"
 */
import { findSensitiveLoose } from './detectors.js';

export const REDACTED = '[REDACTED]';

/** Property names whose values are never logged (compared lower-case, `-`/`_` ignored). */
const SECRET_NAME = /authorization|cookie|passw|secret|token|signature|credential|customerkey|customer-key|mfa|otp|seed|privatekey|private-key|authenticationcode|sessionkey|apikey|api-key|api_key/i;
/** Names that look secret but are not (hashes of keys, algorithms, access key ids, pagination). */
const NOT_SECRET = new Set([
  'accesskeyid', 'claimedaccesskeyid', 'x-amz-server-side-encryption-customer-key-md5', 'x-amz-copy-source-server-side-encryption-customer-key-md5',
  'x-amz-server-side-encryption-customer-algorithm', 'x-amz-copy-source-server-side-encryption-customer-algorithm',
  'ssecustomerkeymd5', 'ssecustomeralgorithm', 'continuation-token', 'continuationtoken', 'nextcontinuationtoken',
  'signatureversion', 'hasmfa', 'mfaauthenticated', 'secretsredacted',
]);

/** True when a property with this name must never be logged. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !NOT_SECRET.has(name.toLowerCase());
}

/** Rules applied to every string, in order; each replaces the secret part only. */
const STRING_RULES: ReadonlyArray<[RegExp, string]> = [
  // SigV4 header: keep the algorithm and the access key id, never the signature.
  [/(Signature=)[0-9a-fA-F]{16,}/g, `$1${REDACTED}`],
  // Presigned URL / form parameters (and any secret-named query parameter).
  [/((?:[?&;]|\b)(?:X-Amz-Signature|X-Amz-Security-Token|X-Amz-Credential|AWSAccessKeyId|Signature|sig|token|access_token|refresh_token|id_token|password|passwd|pwd|secret|client_secret|api_?key|apikey|key)=)[^&\s"'<>]+/gi, `$1${REDACTED}`],
  // Bearer / Basic credentials in free text.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${REDACTED}`],
  // `password: x`, "secret_key"="x" and friends in messages.
  [/((?:password|passwd|secret[_-]?(?:access[_-]?)?key|session[_-]?token|security[_-]?token|private[_-]?key|mfa[_-]?code|authentication[_-]?code\d?)["']?\s*[:=]\s*["']?)[^\s"',;&]+/gi, `$1${REDACTED}`],
  [/-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY( BLOCK)?-----|$)/g, REDACTED],
  [/otpauth:\/\/[^\s"'<>]+/gi, REDACTED],
  // User and password in URLs.
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/"'<>]*:)[^\s@/"'<>]+@/gi, `$1${REDACTED}@`],
];

/** Opaque high-entropy blobs: 40-char secret keys, session tokens (>= 100 chars of base64). */
const SECRET_KEY_SHAPE = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])/g;
const LONG_BLOB = /(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/=_-]{100,}/g;

const mixed = (v: string): boolean => /[a-z]/.test(v) && /[A-Z]/.test(v) && /[0-9]/.test(v);

/** Hides secrets and detector-flagged personal data in one string. */
export function redactString(s: string): string {
  if (s.length < 6) return s;
  let out = s;
  for (const [re, to] of STRING_RULES) out = out.replace(re, to);
  if (out.length >= 40) {
    out = out.replace(SECRET_KEY_SHAPE, (m) => (mixed(m) && !/^[0-9a-f]+$/i.test(m) ? REDACTED : m));
    if (out.length >= 100) out = out.replace(LONG_BLOB, (m) => (mixed(m) ? REDACTED : m));
  }
  return redactFlagged(out);
}

/**
 * Replaces only what the high-precision detectors flag ("[REDACTED:<kind>]"), for text that is
 * otherwise echoed as is (the Resource of an S3 error: a key name with a card number in it).
 */
export function redactFlagged(s: string): string {
  // Log lines repeat the same short strings (a principal ARN, an operation): remember answers.
  const short = s.length <= 256;
  if (short) {
    const hit = flaggedCache.get(s);
    if (hit !== undefined) return hit;
  }
  const r = redactSpans(s);
  if (short) {
    if (flaggedCache.size >= 4096) flaggedCache.clear();
    flaggedCache.set(s, r);
  }
  return r;
}

const flaggedCache = new Map<string, string>();

function redactSpans(s: string): string {
  const spans = findSensitiveLoose(s);
  if (spans.length === 0) return s;
  // Replace from the end so earlier offsets stay valid.
  let r = s;
  for (const sp of [...spans].sort((a, b) => b.start - a.start)) r = r.slice(0, sp.start) + `[REDACTED:${sp.kind}]` + r.slice(sp.end);
  return r;
}

/** Hides exact known secrets (this request's signature, a new password) wherever they appear. */
export function redactKnown(s: string, known: readonly string[]): string {
  let out = s;
  for (const k of known) if (k.length >= 6 && out.includes(k)) out = out.split(k).join(REDACTED);
  return out;
}

const MAX_DEPTH = 8;

/** Fields of the access line that the server itself generates (ids, numbers, names from tables). */
const GENERATED = new Set(['requestId', 'service', 'operation', 'status', 'latencyMs', 'level', 'time', 'svc', 'pid', 'hostname']);

/** A redacted copy of any loggable value (objects, arrays, Errors, strings). */
export function redactValue(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return redactString(v);
  if (v === null || typeof v !== 'object') return v;
  if (depth >= MAX_DEPTH) return '[depth limit]';
  if (v instanceof Error) {
    const e = v as Error & { code?: unknown };
    return {
      type: e.name,
      message: redactString(e.message),
      ...(e.stack ? { stack: redactString(e.stack) } : {}),
      ...(e.code !== undefined ? { code: redactValue(e.code, depth + 1) } : {}),
      ...(e.cause !== undefined ? { cause: redactValue(e.cause, depth + 1) } : {}),
    };
  }
  if (Buffer.isBuffer(v) || ArrayBuffer.isView(v)) return `[${(v as ArrayBufferView).byteLength} bytes]`;
  if (Array.isArray(v)) return v.map((x) => redactValue(x, depth + 1));
  if (v instanceof URLSearchParams) return redactString(v.toString());
  if (v instanceof URL) return redactString(v.href);
  if (v instanceof Map) return redactValue(Object.fromEntries(v), depth);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (depth === 0 && GENERATED.has(k) && (typeof x === 'number' || (typeof x === 'string' && x.length <= 64))) out[k] = x;
    else out[k] = isSecretName(k) && x !== null && x !== undefined && typeof x !== 'boolean' ? REDACTED : redactValue(x, depth + 1);
  }
  return out;
}
