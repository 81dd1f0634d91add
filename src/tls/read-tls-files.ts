// Loads operator-provided certificate and key files (config tls.certFile / tls.keyFile) and checks
// them before a listener uses them, so a wrong pair fails start-up with a clear message instead of
// every handshake failing later.
import { X509Certificate as NodeX509, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Clock } from '../shared/index.js';
import { CofferError, systemClock } from '../shared/index.js';

export interface ReadTlsFilesOptions {
  /** PEM file with the server certificate first, then any intermediates. */
  certFile: string;
  /** PEM file with the matching private key. */
  keyFile: string;
  clock?: Clock;
}

export interface TlsFiles {
  readonly certPem: string;
  readonly keyPem: string;
  /** Expiry of the leaf certificate. */
  readonly notAfter: Date;
  /** The leaf's subjectAltName as OpenSSL prints it (e.g. "DNS:s3.example.com, IP Address:10.0.0.1"). */
  readonly subjectAltName: string;
}

/**
 * Reads the pair and checks that the key belongs to the leaf certificate and that the leaf is
 * valid now. Throws `tls.read_failed`, `tls.invalid_certificate`, `tls.key_mismatch` or
 * `tls.certificate_expired`, naming the file (never its content).
 */
export async function readTlsFiles(options: ReadTlsFilesOptions): Promise<TlsFiles> {
  const now = (options.clock ?? systemClock).now();
  const read = async (file: string) => {
    try {
      return await readFile(file, 'utf8');
    } catch (cause) {
      throw new CofferError('tls.read_failed', { message: `${file} cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, cause });
    }
  };
  const certPem = await read(options.certFile);
  const keyPem = await read(options.keyFile);
  let leaf: NodeX509;
  try {
    leaf = new NodeX509(certPem);
  } catch (cause) {
    throw new CofferError('tls.invalid_certificate', { message: `${options.certFile} does not start with a PEM certificate`, cause });
  }
  let matches: boolean;
  try {
    matches = leaf.checkPrivateKey(createPrivateKey(keyPem));
  } catch (cause) {
    throw new CofferError('tls.invalid_key', { message: `${options.keyFile} is not a readable unencrypted PEM private key`, cause });
  }
  if (!matches) {
    throw new CofferError('tls.key_mismatch', { message: `${options.keyFile} does not belong to the first certificate in ${options.certFile}` });
  }
  const notAfter = new Date(leaf.validTo);
  if (now >= notAfter.getTime() || now < new Date(leaf.validFrom).getTime()) {
    throw new CofferError('tls.certificate_expired', { message: `${options.certFile} is not valid now (valid ${new Date(leaf.validFrom).toISOString()} to ${notAfter.toISOString()})` });
  }
  return Object.freeze({ certPem, keyPem, notAfter, subjectAltName: leaf.subjectAltName ?? '' });
}
