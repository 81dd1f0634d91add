/*
 * A local certificate authority for Coffer's own server certificates.
 *
 *   keys      = ECDSA P-256 key pair (WebCrypto)
 *   serial    = 128 random bits (positive)
 *   validity  = [now - 1h, now - 1h + 10 years]      (1 h back-dating absorbs client clock skew)
 *   subject   = issuer = CN=<commonName>, O=Coffer
 *   extensions:
 *     basicConstraints  critical  CA:TRUE, pathLen:0  (may sign end-entity certificates only)
 *     keyUsage          critical  keyCertSign, cRLSign
 *     subjectKeyIdentifier        SHA-1 of the public key (RFC 5280 4.2.1.2, method 1)
 *   signature = ECDSA-with-SHA256 by its own private key
 */
import type { Clock } from '../shared/index.js';
import { systemClock } from '../shared/index.js';
import { EC_SIGNING_ALGORITHM, generateEcKeyPair, privateKeyToPem } from './pem.js';
import { randomSerialNumber } from './serial.js';
import { crypto, x509 } from './x509.js';

/** A certificate and its private key, both PEM (certificate: "CERTIFICATE"; key: PKCS#8 "PRIVATE KEY"). */
export interface CertificateMaterial {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface CreateLocalCaOptions {
  /** Subject common name; make it unique per installation (e.g. include the host name). */
  commonName: string;
  /** Validity in years. Default 10. */
  years?: number;
  clock?: Clock;
}

const HOUR = 3_600_000;

/** Creates a self-signed ECDSA P-256 CA certificate (10 years) and its private key. */
export async function createLocalCa(options: CreateLocalCaOptions): Promise<CertificateMaterial> {
  const clock = options.clock ?? systemClock;
  const years = options.years ?? 10;
  const keys = await generateEcKeyPair();
  const notBefore = new Date(clock.now() - HOUR);
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + years);

  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerialNumber(),
      name: [{ CN: [options.commonName] }, { O: ['Coffer'] }],
      notBefore,
      notAfter,
      keys,
      signingAlgorithm: EC_SIGNING_ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { certPem: cert.toString('pem') + '\n', keyPem: await privateKeyToPem(keys.privateKey) };
}
