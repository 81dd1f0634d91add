/**
 * TLS for Coffer's listeners: a local ECDSA P-256 certificate authority, server certificates it
 * issues, the files under DATA_DIR/tls/, the protocol/cipher policy (TLS 1.2+ with ECDHE+AEAD),
 * a manager that serves SNI and reloads certificates without a restart, and the FIPS endpoint.
 */

/** Creates a self-signed ECDSA P-256 CA (10 years, CA:TRUE pathLen 0, keyCertSign/cRLSign, SKI). */
export { createLocalCa, type CreateLocalCaOptions, type CertificateMaterial } from './create-local-ca.js';
/** Issues a server certificate (ECDSA P-256, serverAuth, SANs incl. localhost/127.0.0.1/::1, AKI, <= 397 days). */
export { issueServerCertificate, MAX_SERVER_CERT_DAYS, type IssueServerCertificateOptions } from './issue-server-certificate.js';
/** Creates or refreshes DIR/tls/{ca.pem, ca-key.pem, server.pem, server-key.pem} and returns paths and PEMs. */
export { ensureTlsMaterial, type EnsureTlsMaterialOptions, type TlsMaterial, type ServerCertAction } from './ensure-tls-material.js';
/** Loads operator-provided cert/key files (config tls.certFile/keyFile), checking the pair matches and is valid now. */
export { readTlsFiles, type ReadTlsFilesOptions, type TlsFiles } from './read-tls-files.js';
/** `tls.createServer` options enforcing the policy; the cipher lists and curves it uses. */
export {
  tlsServerOptions, TLS13_CIPHERSUITES, TLS12_CIPHERS, ECDH_CURVES, type TlsMinVersion, type TlsServerOptionsInput,
} from './server-options.js';
/** Server-name classification (DNS vs IP) and the names every certificate carries. */
export { classifyServerNames, DEFAULT_SERVER_NAMES, type ServerNames } from './names.js';
/** Owns the listeners' secure contexts: SNI over several certificates, reload on file change / SIGHUP, expiry warnings. */
export {
  createTlsManager, type CreateTlsManagerOptions, type TlsManager, type TlsProfile, type TlsStatus, type TlsCertificateStatus,
  type TlsEvent, type TlsReloadReason, type TlsReloadResult, type TlsLogger, type CertificateFiles,
} from './tls-manager.js';
/** Facts about a certificate (SANs, validity, fingerprint, key match) and SNI name matching. */
export { inspectCertificate, nameMatch, type CertificateInfo } from './certificate-info.js';
/** The FIPS endpoint's TLS policy and the OpenSSL FIPS provider status / strict-mode check. */
export {
  fipsServerOptions, fipsStatus, assertFipsProvider, checkFipsAtStart, FIPS_TLS13_CIPHERSUITES, FIPS_TLS12_CIPHERS, FIPS_ECDH_CURVES, FIPS_SIGALGS,
  FIPS_MODES, type FipsMode, type FipsStatus,
} from './fips/index.js';
/** Read-only health check of the TLS material and FIPS status (for `coffer doctor`). */
export { diagnoseTls, modeOf, type DiagnoseTlsOptions, type TlsDiagnosis, type DiagnosedCertificate, type DiagnosedFile } from './diagnose-tls.js';
