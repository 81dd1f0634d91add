/*
 * Issues a TLS server certificate signed by the local CA.
 *
 *   require  CA certificate is a CA (basicConstraints CA:TRUE), matches the CA key, is valid now
 *   keys     = fresh ECDSA P-256 key pair
 *   names    = classify(configured names + localhost, 127.0.0.1, ::1) -> DNS / IP SANs
 *   validity = [now - 1h, now - 1h + days]  with days <= 397 (CA/Browser Forum limit),
 *              cut at the CA's own notAfter
 *   subject  = CN=<first configured non-wildcard DNS name, else localhost>; issuer = CA subject
 *   extensions:
 *     basicConstraints  critical  CA:FALSE
 *     keyUsage          critical  digitalSignature           (ECDHE: the key only signs)
 *     extKeyUsage                 serverAuth
 *     subjectAltName              DNS:..., IP:...
 *     subjectKeyIdentifier        SHA-1 of the public key
 *     authorityKeyIdentifier      the CA's subjectKeyIdentifier
 *   signature = ECDSA-with-SHA256 by the CA key
 */
import { X509Certificate as NodeX509, createPrivateKey } from 'node:crypto';
import { isIP } from 'node:net';
import type { Clock } from '../shared/index.js';
import { CofferError, systemClock } from '../shared/index.js';
import type { CertificateMaterial } from './create-local-ca.js';
import { classifyServerNames } from './names.js';
import { EC_SIGNING_ALGORITHM, generateEcKeyPair, importSigningKey, privateKeyToPem } from './pem.js';
import { randomSerialNumber } from './serial.js';
import { crypto, x509 } from './x509.js';

/** Longest validity a server certificate may have, in days (CA/Browser Forum baseline, Apple). */
export const MAX_SERVER_CERT_DAYS = 397;

export interface IssueServerCertificateOptions {
  /** The local CA (from `createLocalCa` or the files `ensureTlsMaterial` keeps). */
  ca: CertificateMaterial;
  /** Extra DNS names and IP addresses; localhost, 127.0.0.1 and ::1 are always included. */
  names: readonly string[];
  /** Validity in days, 1..397. Default 397. */
  days?: number;
  clock?: Clock;
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Issues an ECDSA P-256 server certificate (serverAuth, SANs for `names` + loopback) signed by `ca`. */
export async function issueServerCertificate(options: IssueServerCertificateOptions): Promise<CertificateMaterial> {
  const clock = options.clock ?? systemClock;
  const days = options.days ?? MAX_SERVER_CERT_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > MAX_SERVER_CERT_DAYS) {
    throw new CofferError('tls.invalid_validity', { message: `server certificate validity must be 1..${MAX_SERVER_CERT_DAYS} days` });
  }
  const names = classifyServerNames(options.names);
  const { caCert, signingKey } = await loadCa(options.ca, clock.now());

  const keys = await generateEcKeyPair();
  const notBefore = new Date(clock.now() - HOUR);
  const notAfter = new Date(Math.min(notBefore.getTime() + days * DAY, caCert.notAfter.getTime()));
  const caKeyId = caCert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;

  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerialNumber(),
      subject: [{ CN: [commonNameFor(options.names)] }],
      issuer: caCert.subjectName,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      signingKey,
      signingAlgorithm: EC_SIGNING_ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
        new x509.SubjectAlternativeNameExtension([
          ...names.dns.map((value) => ({ type: 'dns' as const, value })),
          ...names.ips.map((value) => ({ type: 'ip' as const, value })),
        ]),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        caKeyId !== undefined
          ? new x509.AuthorityKeyIdentifierExtension(caKeyId)
          : await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { certPem: cert.toString('pem') + '\n', keyPem: await privateKeyToPem(keys.privateKey) };
}

async function loadCa(ca: CertificateMaterial, now: number) {
  let caCert: InstanceType<typeof x509.X509Certificate>;
  let nodeCert: NodeX509;
  try {
    caCert = new x509.X509Certificate(ca.certPem);
    nodeCert = new NodeX509(ca.certPem);
  } catch (cause) {
    throw new CofferError('tls.invalid_ca', { message: 'the CA certificate is not a valid PEM X.509 certificate', cause });
  }
  if (!nodeCert.ca) throw new CofferError('tls.invalid_ca', { message: 'the CA certificate is not a CA (basicConstraints)' });
  let keyMatches = false;
  try {
    keyMatches = nodeCert.checkPrivateKey(createPrivateKey(ca.keyPem));
  } catch (cause) {
    throw new CofferError('tls.invalid_ca', { message: 'the CA private key cannot be read', cause });
  }
  if (!keyMatches) throw new CofferError('tls.invalid_ca', { message: 'the CA private key does not match the CA certificate' });
  if (now < caCert.notBefore.getTime() - HOUR || now >= caCert.notAfter.getTime()) {
    throw new CofferError('tls.ca_expired', { message: `the CA certificate is not valid now (valid until ${caCert.notAfter.toISOString()})` });
  }
  return { caCert, signingKey: await importSigningKey(ca.keyPem) };
}

/** Clients match SANs only; the CN is informational, so it shows the operator's main name. */
function commonNameFor(names: readonly string[]): string {
  return names.map((n) => n.trim().toLowerCase()).find((n) => isIP(n.replace(/^\[(.*)\]$/, '$1')) === 0 && !n.startsWith('*.')) ?? 'localhost';
}
