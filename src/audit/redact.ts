/**
 * The last line of defence against secrets in the trail: every event passes here before it is
 * encrypted and stored (requestParameters were already built from an allow-list).
 *
 *   walk every property of the event:
 *     name looks secret (signature, token, password, credential, secret key, MFA code, seed, SSE-C key)
 *       and is not an allowed name (accessKeyId, serialNumber, ...-customer-key-MD5, ...) -> hide
 *     string value contains a caller-supplied secret, or has a secret shape                  -> hide
 *     property name itself has a secret shape                                                  -> drop
 *   hidden values become "HIDDEN_DUE_TO_SECURITY_REASONS"; their paths go to
 *   additionalEventData.redactedFields
 */
import type { AuditEvent } from './event.js';

export const HIDDEN = 'HIDDEN_DUE_TO_SECURITY_REASONS';

const SECRET_NAME = /authorization|signature|secret|passw|token|credential|customer-?key|customerkey|tokencode|authenticationcode|seed|qrcode|private-?key|otp|^x-amz-copy-source-server-side-encryption-customer-key$/i;
const ALLOWED_NAMES = new Set(
  [
    'accessKeyId',
    'serialNumber',
    'x-amz-server-side-encryption-customer-key-MD5',
    'x-amz-copy-source-server-side-encryption-customer-key-MD5',
    'x-amz-server-side-encryption-customer-algorithm',
    'x-amz-copy-source-server-side-encryption-customer-algorithm',
    'SSECustomerKeyMD5',
    'SSECustomerAlgorithm',
    'continuation-token',
    'ContinuationToken',
    'NextContinuationToken',
    'SignatureVersion',
    'redactedFields',
  ].map((n) => n.toLowerCase()),
);

/** Secret shapes, one alternation so each string is scanned once. */
const SECRET_SHAPE = new RegExp(
  [
    'AWS4-HMAC-SHA256', // SigV4 Authorization header
    '\\bSignature=', // SigV4/SigV2 header or query signature
    'X-Amz-(?:Signature|Credential|Security-Token)\\b', // presigned query credentials
    '^AWS [A-Z0-9]{16,128}:[A-Za-z0-9+/=]{20,}$', // SigV2 Authorization header
    '-----BEGIN [A-Z ]*PRIVATE KEY-----', // PEM private keys
    '^[A-Za-z0-9+/]{43}=$', // base64 of 32 bytes: an SSE-C key
    '^[A-Za-z0-9+/=_-]{100,}$', // session-token-like opaque blobs
    'otpauth://', // MFA seeds as provisioning URIs
  ].join('|'),
  'i',
);
/** Shorter strings cannot hold any of the shapes above. */
const MIN_SHAPE_LENGTH = 10;

/** A 40-character access-key secret: base64 alphabet, mixed classes (bootstrap uses this alphabet). */
const SECRET_KEY_SHAPE = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])/g;

function looksLikeSecretKey(s: string): boolean {
  for (const m of s.matchAll(SECRET_KEY_SHAPE)) {
    const v = m[0];
    if (/[a-z]/.test(v) && /[A-Z]/.test(v) && /[0-9]/.test(v)) return true;
  }
  return false;
}

function secretValue(s: string, secrets: readonly string[]): boolean {
  for (const k of secrets) if (k.length >= 6 && s.includes(k)) return true;
  if (s.length < MIN_SHAPE_LENGTH) return false;
  return SECRET_SHAPE.test(s) || (s.length >= 40 && looksLikeSecretKey(s));
}

/** Property names repeat from event to event: remember the verdicts (bounded). */
const nameVerdicts = new Map<string, boolean>();

function secretName(name: string): boolean {
  let v = nameVerdicts.get(name);
  if (v === undefined) {
    v = SECRET_NAME.test(name) && !ALLOWED_NAMES.has(name.toLowerCase());
    if (nameVerdicts.size >= 4096) nameVerdicts.clear();
    nameVerdicts.set(name, v);
  }
  return v;
}

/**
 * Returns a copy of `event` with secrets hidden. `secrets` are exact values known to the caller
 * (the request's secret key, session token, signature...); each is hidden wherever it appears.
 */
export function redactEvent(event: AuditEvent, secrets: readonly string[] = []): AuditEvent {
  const hidden: string[] = [];
  // The JSON path of the value being walked, as segments; joined only when something is hidden.
  const at: string[] = ['$'];
  const path = () => at.join('');
  const walk = (v: unknown, name: string): unknown => {
    if (typeof v === 'string') {
      if (secretName(name) || secretValue(v, secrets)) {
        hidden.push(path());
        return HIDDEN;
      }
      return v;
    }
    if (Array.isArray(v)) {
      return v.map((x, i) => {
        at.push(`[${i}]`);
        const r = walk(x, name);
        at.pop();
        return r;
      });
    }
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const k in v as Record<string, unknown>) {
        if (!Object.hasOwn(v, k)) continue;
        const x = (v as Record<string, unknown>)[k];
        if (secretValue(k, secrets)) {
          hidden.push(`${path()}.<name>`);
          continue;
        }
        at.push(`.${k}`);
        if (secretName(k) && x !== null && typeof x !== 'object' && typeof x !== 'boolean') {
          hidden.push(path());
          out[k] = HIDDEN;
        } else out[k] = walk(x, k);
        at.pop();
      }
      return out;
    }
    return v;
  };
  const out = walk(event, '') as AuditEvent;
  if (hidden.length > 0) out.additionalEventData = { ...(out.additionalEventData ?? {}), redactedFields: hidden };
  return out;
}
