/**
 * The FIPS endpoint: a TLS policy limited to FIPS-approved suites, curves and signature
 * algorithms, and detection of Node's OpenSSL FIPS provider.
 */

/*
 * What a request on the FIPS endpoint uses besides TLS (checked 2026-11-28 by reading every
 * node:crypto call under src/, outside tests and discovery). The FIPS listener serves the same
 * dispatch as the main one, so this is the whole request path:
 *
 *   approved (FIPS 180-4 / 198-1 / 197 + SP 800-38D / SP 800-56C / 186-5 / SP 800-90A via OpenSSL):
 *     auth/sigv4        HMAC-SHA-256 signing key chain and signature, SHA-256 payload and canonical
 *                       request hashes, timingSafeEqual comparison (header, presigned, chunked)
 *     crypto/envelope   AES-256-GCM data keys wrapped under HKDF-SHA-256-derived KEKs
 *     crypto/stream     object bodies in chunked AES-256-GCM; crypto/master-key HKDF-SHA-256
 *     iam/store         access-key secrets sealed with AES-256-GCM (secret-seal.ts)
 *     audit             records AES-256-GCM under HKDF-SHA-256 keys, SHA-256 hash chain and
 *                       RFC 9162 Merkle tree, HMAC-SHA-256 lookup tokens, Ed25519 checkpoint
 *                       signatures (EdDSA is in FIPS 186-5)
 *     ids, nonces       crypto.randomBytes (OpenSSL's DRBG; the provider's when --enable-fips)
 *   allowed, not a security function:
 *     MD5               S3 ETags and Content-MD5 integrity checks only (objects/checksums,
 *                       objects/multipart), as S3 requires; never keys, signatures or identity
 *     SHA-1, CRC32/32C/CRC64NVME   x-amz-checksum-* values the client asks for (data integrity,
 *                       not signatures; SHA-1 is allowed for non-signature uses, SP 800-131A r2)
 *   NOT approved, outside this endpoint's control (reported, not fixed here):
 *     storage/metadata and iam/store SQLite files are page-encrypted with ChaCha20-Poly1305 by
 *                       SQLite3MultipleCiphers (sqleet scheme), not by OpenSSL: every request
 *                       reads or writes them. FIPS deployments need an AES-GCM page cipher there.
 *     iam/store/password.ts  console login passwords hashed with scrypt (not approved; PBKDF2 is):
 *                       reached by IAM CreateLoginProfile/UpdateLoginProfile on this endpoint.
 *   Node's own crypto is OpenSSL; with `node --enable-fips` and a FIPS provider, a call to an
 *   unapproved algorithm through node:crypto fails instead of running (strict mode ensures it).
 */

/** `tls.createServer` options for the FIPS listener, and the suites, groups and sigalgs it allows. */
export { fipsServerOptions, FIPS_TLS13_CIPHERSUITES, FIPS_TLS12_CIPHERS, FIPS_ECDH_CURVES, FIPS_SIGALGS } from './fips-server-options.js';
/** FIPS provider status (crypto.getFips()), the configured mode, and the strict-mode start-up check (checkFipsAtStart). */
export { fipsStatus, assertFipsProvider, checkFipsAtStart, FIPS_MODES, type FipsMode, type FipsStatus } from './fips-status.js';
