/*
 * Cipher and protocol policy for every TLS listener.
 *
 *   protocols  TLS 1.2 .. TLS 1.3 (floor configurable to 1.3, never below 1.2)
 *   TLS 1.3    AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305 (all AEAD by definition)
 *   TLS 1.2    ECDHE key exchange + AEAD only: ECDHE-{ECDSA,RSA}-AES{128,256}-GCM, ECDHE-*-CHACHA20-POLY1305
 *              (no RSA key exchange, no DHE, no CBC, no SHA-1 MACs)
 *   groups     X25519, P-256, P-384;  server cipher order;  renegotiation refused
 * The order follows Mozilla's "intermediate" profile.
 */
import { constants } from 'node:crypto';
import type { TlsOptions } from 'node:tls';
import { CofferError } from '../shared/index.js';

/** TLS 1.3 cipher suites, in preference order. */
export const TLS13_CIPHERSUITES: readonly string[] = Object.freeze([
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
]);

/** TLS 1.2 cipher suites (OpenSSL names): ECDHE + AEAD only, in preference order. */
export const TLS12_CIPHERS: readonly string[] = Object.freeze([
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
]);

/** Key-exchange groups, in preference order. */
export const ECDH_CURVES = 'X25519:P-256:P-384';

/** The TLS versions a listener may use as its floor. */
export type TlsMinVersion = 'TLSv1.2' | 'TLSv1.3';

export interface TlsServerOptionsInput {
  /** Server certificate (chain) PEM. */
  certPem: string;
  /** Private key PEM of the certificate. */
  keyPem: string;
  /** Lowest protocol version accepted. Default TLSv1.2; anything lower is refused. */
  minVersion?: TlsMinVersion;
  /** Abort handshakes not finished within this time (ms). Default 10000. */
  handshakeTimeoutMs?: number;
}

/**
 * Options for `tls.createServer` / `https.createServer` enforcing Coffer's policy.
 * Throws `tls.invalid_min_version` for a floor below TLS 1.2.
 */
export function tlsServerOptions(input: TlsServerOptionsInput): TlsOptions {
  const minVersion = input.minVersion ?? 'TLSv1.2';
  // Checked at run time as well: the value may come from an untyped caller.
  if (minVersion !== 'TLSv1.2' && minVersion !== 'TLSv1.3') {
    throw new CofferError('tls.invalid_min_version', { message: 'tls minVersion must be TLSv1.2 or TLSv1.3' });
  }
  return {
    cert: input.certPem,
    key: input.keyPem,
    minVersion,
    maxVersion: 'TLSv1.3',
    // Node splits this list: TLS_* names configure TLS 1.3, the rest TLS 1.2.
    ciphers: [...TLS13_CIPHERSUITES, ...TLS12_CIPHERS].join(':'),
    honorCipherOrder: true,
    ecdhCurve: ECDH_CURVES,
    // Client-initiated renegotiation is a DoS vector and unused by S3 clients.
    secureOptions: constants.SSL_OP_NO_RENEGOTIATION,
    handshakeTimeout: input.handshakeTimeoutMs ?? 10_000,
  };
}
