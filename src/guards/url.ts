/**
 * No credentials in URLs: every URL Coffer accepts from configuration or an API (backend
 * endpoints, external KMS, webhook and notification targets) passes here.
 *
 *   parse (WHATWG URL)                         -> refuse unparsable
 *   userinfo (user:pass@ or user@)             -> refuse
 *   a query parameter whose name is credential-like (X-Amz-Signature, token, password, key, sig, ...)
 *                                              -> refuse
 *   scheme https                               -> accept
 *   scheme http, allowLoopbackHttp, host is loopback (localhost, 127/8, ::1) -> accept
 *   anything else                              -> refuse
 *
 * Errors name what is wrong (and the parameter name) but never echo the URL or its values.
 */
import { isIP } from 'node:net';
import { CofferError } from '../shared/index.js';

/**
 * Query parameter names that carry credentials, compared case-insensitively after removing
 * `-`, `_` and `.`. Presigned URLs that Coffer itself generates are the intended exception and
 * are never passed through here.
 */
const CREDENTIAL_PARAMS: ReadonlySet<string> = new Set([
  'xamzcredential', 'xamzsignature', 'xamzsecuritytoken', 'xamzsignedheaders',
  'awsaccesskeyid', 'signature', 'sig', 'signed', 'token', 'accesstoken', 'refreshtoken', 'idtoken', 'authtoken',
  'sessiontoken', 'securitytoken', 'bearer', 'password', 'passwd', 'pass', 'pwd', 'passphrase', 'secret',
  'clientsecret', 'secretkey', 'secretaccesskey', 'apikey', 'key', 'accesskey', 'privatekey', 'auth',
  'authorization', 'credential', 'credentials', 'sas', 'sv', 'se', 'sp', 'sr', 'skoid', 'code', 'otp', 'mfa',
  'xgoogsignature', 'xgoogcredential', 'googleaccessid', 'ossaccesskeyid',
]);

/** Azure SAS parameters are credentials only as a set; a lone `sv` or `sp` is harmless. */
const SAS_ONLY = new Set(['sv', 'se', 'sp', 'sr', 'skoid']);

const normalize = (name: string): string => name.toLowerCase().replace(/[-_.]/g, '');

/** True when a query parameter name is credential-like (`X-Amz-Signature`, `access_token`, `apiKey`...). */
export function isCredentialParam(name: string, all?: URLSearchParams): boolean {
  const n = normalize(name);
  if (!CREDENTIAL_PARAMS.has(n)) return /(?:token|secret|passw|signature|credential|apikey)/.test(n);
  if (SAS_ONLY.has(n)) return all !== undefined && all.has('sig');
  return true;
}

/** True for localhost names and loopback addresses (127.0.0.0/8, ::1, ::ffff:127.x). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h) || /^0*:0*:0*:0*:0*:0*:0*:0*1$/.test(h);
  return false;
}

export interface SafeUrlOptions {
  /** Accept plain http:// for loopback hosts (the server runs with --insecure-http). Default false. */
  allowLoopbackHttp?: boolean;
  /** What the URL is, for messages: "the webhook URL", "kms.endpoint". Default "the URL". */
  what?: string;
}

function refuse(what: string, why: string, details: Record<string, unknown>): never {
  throw new CofferError('guards.unsafe_url', { message: `${what} ${why}`, details });
}

/**
 * Returns the parsed URL when it is safe to call, else throws `guards.unsafe_url` naming the
 * problem (userinfo, a credential-like query parameter by name, a non-HTTPS scheme). The
 * message never contains the URL or any of its values.
 */
export function assertSafeUrl(url: string | URL, opts: SafeUrlOptions = {}): URL {
  const what = opts.what ?? 'the URL';
  let u: URL;
  try {
    u = typeof url === 'string' ? new URL(url) : new URL(url.href);
  } catch {
    return refuse(what, 'is not a valid absolute URL.', { reason: 'invalid' });
  }
  if (u.username !== '' || u.password !== '') {
    refuse(what, 'contains credentials (user:password@); configure credentials separately, never in a URL.', { reason: 'userinfo' });
  }
  for (const name of new Set(u.searchParams.keys())) {
    if (isCredentialParam(name, u.searchParams)) {
      const shown = /^[A-Za-z0-9_.-]{1,40}$/.test(name) ? name : 'a parameter';
      refuse(what, `has a credential-like query parameter (${shown}); credentials must never travel in a URL.`, { reason: 'credential_parameter', parameter: shown });
    }
  }
  // Fragments are not sent, but a token there (OAuth implicit flow) is still a credential in a URL.
  if (/(?:^|[#&])(?:access_token|id_token|token)=/i.test(u.hash)) {
    refuse(what, 'carries a token in its fragment; credentials must never travel in a URL.', { reason: 'credential_fragment' });
  }
  if (u.protocol === 'https:') return u;
  if (u.protocol === 'http:') {
    if (opts.allowLoopbackHttp && isLoopbackHost(u.hostname)) return u;
    refuse(what, opts.allowLoopbackHttp ? 'uses plain HTTP; only loopback addresses may use HTTP, everything else must use HTTPS.' : 'uses plain HTTP; use HTTPS.', { reason: 'insecure_scheme' });
  }
  return refuse(what, 'must be an https:// URL.', { reason: 'scheme' });
}

/** Non-throwing variant: the problem's message, or null when the URL is safe. */
export function unsafeUrlReason(url: string | URL, opts: SafeUrlOptions = {}): string | null {
  try {
    assertSafeUrl(url, opts);
    return null;
  } catch (err) {
    if (err instanceof CofferError) return err.message;
    throw err;
  }
}
