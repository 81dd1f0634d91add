// PEM <-> DER and PKCS#8 key import/export for ECDSA P-256 keys held in WebCrypto.
import { CofferError } from '../shared/index.js';
import { webcrypto } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

/** The key algorithm of every key Coffer generates: ECDSA on NIST P-256, signing with SHA-256. */
export const EC_KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
export const EC_SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** Wraps DER bytes as PEM with 64-character lines. */
export function derToPem(der: ArrayBuffer | Uint8Array, label: string): string {
  const b64 = Buffer.from(der instanceof Uint8Array ? der : new Uint8Array(der)).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
}

/** Extracts the DER bytes of the first PEM block with `label`; throws `tls.invalid_pem` otherwise. */
export function pemToDer(pem: string, label: string): Uint8Array {
  const m = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(pem);
  if (!m) throw new CofferError('tls.invalid_pem', { message: `expected a PEM "${label}" block` });
  return new Uint8Array(Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64'));
}

/** Generates an extractable ECDSA P-256 key pair. */
export async function generateEcKeyPair(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(EC_KEY_ALGORITHM, true, ['sign', 'verify']));
}

/** Exports a private key as PKCS#8 PEM ("PRIVATE KEY"). */
export async function privateKeyToPem(key: CryptoKey): Promise<string> {
  return derToPem(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

/** Imports a PKCS#8 PEM ECDSA P-256 private key for signing; throws `tls.invalid_key` otherwise. */
export async function importSigningKey(pem: string): Promise<CryptoKey> {
  try {
    return await webcrypto.subtle.importKey('pkcs8', pemToDer(pem, 'PRIVATE KEY'), EC_KEY_ALGORITHM, false, ['sign']);
  } catch (cause) {
    throw new CofferError('tls.invalid_key', { message: 'expected an ECDSA P-256 private key in PKCS#8 PEM', cause });
  }
}
