/**
 * The FIPS endpoint: a TLS policy limited to FIPS-approved suites, curves and signature
 * algorithms, and detection of Node's OpenSSL FIPS provider.
 */

/** `tls.createServer` options for the FIPS listener, and the suites, groups and sigalgs it allows. */
export { fipsServerOptions, FIPS_TLS13_CIPHERSUITES, FIPS_TLS12_CIPHERS, FIPS_ECDH_CURVES, FIPS_SIGALGS } from './fips-server-options.js';
/** FIPS provider status (crypto.getFips()), the configured mode, and the strict-mode start-up check. */
export { fipsStatus, assertFipsProvider, FIPS_MODES, type FipsMode, type FipsStatus } from './fips-status.js';
