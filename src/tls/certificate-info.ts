// Reads the facts Coffer needs about a PEM certificate/key pair (names, validity, fingerprint,
// key match) and matches TLS server names (SNI) against a certificate's subjectAltName, so the
// TLS manager and `coffer doctor` agree on what a certificate covers.
import { X509Certificate as NodeX509, createPrivateKey } from 'node:crypto';
import { isIP } from 'node:net';
import { CofferError } from '../shared/index.js';
import { canonicalIp } from './names.js';
import { x509 } from './x509.js';

/** What a server certificate covers and when it is valid. */
export interface CertificateInfo {
  /** subjectAltName DNS names (lower case, wildcards kept as "*.example.com"). */
  readonly dns: readonly string[];
  /** subjectAltName IP addresses, canonical (IPv6 compressed). */
  readonly ips: readonly string[];
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** SHA-256 fingerprint as OpenSSL prints it (AA:BB:...). */
  readonly fingerprint256: string;
  readonly serialNumber: string;
}

/**
 * Parses the first certificate of `certPem`. When `keyPem` is given, checks that it belongs to
 * that certificate. Throws `tls.invalid_certificate`, `tls.invalid_key` or `tls.key_mismatch`,
 * naming `label` (a file path), never the content.
 */
export function inspectCertificate(certPem: string, keyPem?: string, label = 'certificate'): CertificateInfo {
  let leaf: NodeX509;
  let entries: { type: string; value: string }[];
  try {
    leaf = new NodeX509(certPem);
    const san = new x509.X509Certificate(leaf.raw).getExtension(x509.SubjectAlternativeNameExtension);
    entries = san?.names.toJSON() ?? [];
  } catch (cause) {
    throw new CofferError('tls.invalid_certificate', { message: `${label} does not start with a readable PEM certificate`, cause });
  }
  if (keyPem !== undefined) {
    let matches: boolean;
    try {
      matches = leaf.checkPrivateKey(createPrivateKey(keyPem));
    } catch (cause) {
      throw new CofferError('tls.invalid_key', { message: `the key for ${label} is not a readable unencrypted PEM private key`, cause });
    }
    if (!matches) throw new CofferError('tls.key_mismatch', { message: `the key does not belong to the first certificate in ${label}` });
  }
  return Object.freeze({
    dns: Object.freeze([...new Set(entries.filter((e) => e.type === 'dns').map((e) => e.value.toLowerCase()))].sort()),
    ips: Object.freeze([...new Set(entries.filter((e) => e.type === 'ip').map((e) => canonicalIp(e.value)))].sort()),
    subject: leaf.subject.replace(/\n/g, ', '),
    issuer: leaf.issuer.replace(/\n/g, ', '),
    notBefore: new Date(leaf.validFrom),
    notAfter: new Date(leaf.validTo),
    fingerprint256: leaf.fingerprint256,
    serialNumber: leaf.serialNumber,
  });
}

/**
 * How well `certificate` covers the TLS server name `servername`: 2 for an exact DNS or IP match,
 * 1 for a wildcard match ("*.example.com" covers exactly one extra leftmost label), 0 for none.
 */
export function nameMatch(certificate: Pick<CertificateInfo, 'dns' | 'ips'>, servername: string): 0 | 1 | 2 {
  const name = servername.trim().toLowerCase().replace(/\.$/, '').replace(/^\[(.*)\]$/, '$1');
  if (name.length === 0) return 0;
  if (isIP(name) !== 0) return certificate.ips.includes(canonicalIp(name)) ? 2 : 0;
  if (certificate.dns.includes(name)) return 2;
  const dot = name.indexOf('.');
  if (dot > 0 && certificate.dns.includes(`*${name.slice(dot)}`)) return 1;
  return 0;
}
