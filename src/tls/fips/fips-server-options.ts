/*
 * Protocol policy of the FIPS endpoint: only what NIST SP 800-52r2 approves for TLS servers.
 *
 *   protocols  TLS 1.2 .. TLS 1.3 (floor configurable to 1.3, never below 1.2)
 *   TLS 1.3    TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384            (no ChaCha20-Poly1305)
 *   TLS 1.2    ECDHE-{ECDSA,RSA}-AES{128,256}-GCM-SHA{256,384}            (no ChaCha20, CBC, RSA kx, DHE)
 *   groups     P-256, P-384                                              (no X25519/X448)
 *   sigalgs    ECDSA P-256/P-384 with SHA-256/384, RSA-PSS and PKCS#1 v1.5 with SHA-256/384 (no SHA-1/224)
 *   server cipher order; renegotiation refused; handshake timeout
 * This restricts the endpoint to approved algorithms; it does not make Node's OpenSSL a validated
 * module. That needs an OpenSSL FIPS provider and `node --enable-fips` (see fips-status.ts).
 */
import type { TlsOptions } from 'node:tls';
import { tlsServerOptions, type TlsServerOptionsInput } from '../server-options.js';

/** TLS 1.3 cipher suites of the FIPS endpoint, in preference order. */
export const FIPS_TLS13_CIPHERSUITES: readonly string[] = Object.freeze(['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384']);

/** TLS 1.2 cipher suites (OpenSSL names) of the FIPS endpoint, in preference order. */
export const FIPS_TLS12_CIPHERS: readonly string[] = Object.freeze([
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
]);

/** Key-exchange groups of the FIPS endpoint: NIST curves only. */
export const FIPS_ECDH_CURVES = 'P-256:P-384';

/** Signature algorithms of the FIPS endpoint (OpenSSL names). */
export const FIPS_SIGALGS = [
  'ecdsa_secp256r1_sha256',
  'ecdsa_secp384r1_sha384',
  'rsa_pss_rsae_sha256',
  'rsa_pss_rsae_sha384',
  'rsa_pss_pss_sha256',
  'rsa_pss_pss_sha384',
  'rsa_pkcs1_sha256',
  'rsa_pkcs1_sha384',
].join(':');

/**
 * Options for `tls.createServer` / `https.createServer` of the FIPS endpoint.
 * Throws `tls.invalid_min_version` for a floor below TLS 1.2.
 */
export function fipsServerOptions(input: TlsServerOptionsInput): TlsOptions {
  // The standard policy (version floor check, renegotiation refused, handshake timeout),
  // narrowed to the approved suites, groups and signature algorithms.
  return {
    ...tlsServerOptions(input),
    // Node splits this list: TLS_* names configure TLS 1.3, the rest TLS 1.2.
    ciphers: [...FIPS_TLS13_CIPHERSUITES, ...FIPS_TLS12_CIPHERS].join(':'),
    ecdhCurve: FIPS_ECDH_CURVES,
    sigalgs: FIPS_SIGALGS,
  };
}
