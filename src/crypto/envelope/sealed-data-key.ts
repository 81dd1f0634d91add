/**
 * SealedDataKey: the serialised (base64) form of a data key sealed under the master key.
 * Binary layout (see FORMAT.md): version(1) | suite(1) | keyId(8) | nonce(32) | ciphertext(32) | tag(16).
 * Only `parseSealedDataKey` and the envelope produce values of this type.
 */
import { CofferError } from '../../shared/index.js';

declare const sealedBrand: unique symbol;

/** A sealed data key as stored in metadata: a base64 string, safe to persist and log. */
export type SealedDataKey = string & { readonly [sealedBrand]: true };

export const SEALED_VERSION = 0x01;
export const SEALED_SUITE = 0x01;
export const SEALED_KEY_ID_SIZE = 8;
export const SEALED_NONCE_SIZE = 32;
export const SEALED_HEADER_SIZE = 2 + SEALED_KEY_ID_SIZE + SEALED_NONCE_SIZE; // 42
export const SEALED_SIZE = SEALED_HEADER_SIZE + 32 + 16; // 90

const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;

/** Decoded fields of a sealed data key (all views into one buffer). */
export interface SealedParts {
  header: Buffer;
  keyId: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

/**
 * Checks that a string is a well-formed sealed data key of a known version and brands it.
 * Throws 'crypto.unseal_failed' otherwise (a malformed key is as unusable as a forged one).
 */
export function parseSealedDataKey(value: string): SealedDataKey {
  decodeSealed(value);
  return value as SealedDataKey;
}

/** Master key id (16 hex chars) that sealed this key; for choosing a key during rotation. */
export function sealedKeyId(sealed: SealedDataKey | string): string {
  return decodeSealed(sealed).keyId.toString('hex');
}

export function encodeSealed(bytes: Buffer): SealedDataKey {
  return bytes.toString('base64') as SealedDataKey;
}

export function decodeSealed(value: string): SealedParts {
  if (typeof value !== 'string' || value.length !== 120 || !BASE64_RE.test(value)) throw malformed('malformed');
  const b = Buffer.from(value, 'base64');
  // Reject non-canonical encodings so one key has exactly one string form.
  if (b.length !== SEALED_SIZE || b.toString('base64') !== value) throw malformed('malformed');
  if (b[0] !== SEALED_VERSION || b[1] !== SEALED_SUITE) throw malformed('unsupported_version');
  return {
    header: b.subarray(0, SEALED_HEADER_SIZE),
    keyId: b.subarray(2, 2 + SEALED_KEY_ID_SIZE),
    ciphertext: b.subarray(SEALED_HEADER_SIZE, SEALED_HEADER_SIZE + 32),
    tag: b.subarray(SEALED_HEADER_SIZE + 32),
  };
}

function malformed(reason: string): CofferError {
  return new CofferError('crypto.unseal_failed', { message: 'sealed data key cannot be opened', details: { reason } });
}

/** The stored form of a sealed key (it already is a string; kept for symmetry with the parser). */
export function sealedKeyToString(sealed: SealedDataKey): string {
  return sealed;
}

/** Same as `parseSealedDataKey`. */
export const sealedKeyFromString: (value: string) => SealedDataKey = parseSealedDataKey;
