/**
 * Wraps a data key under a caller-held 256-bit key-encryption key (an S3 Bucket Key, or a key
 * derived from an SSE-C customer key), bound to a context.
 *
 *   wrap(kek, dk, ctx, label):  nonce = random(32)
 *                               key || iv = HKDF-SHA256(kek, nonce, "coffer/" + label, 44)
 *                               ct || tag = AES-256-GCM(key, iv, dk, aad = canonical(ctx))
 *                               -> nonce || ct || tag   (80 bytes)
 *   unwrap: the same derivation; any mismatch -> CofferError('crypto.unseal_failed')
 *
 * The label separates uses ('s3-bucket-key/v1', 'sse-c/v1'), so a blob wrapped for one can never
 * be opened as the other.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { CofferError } from '../../shared/index.js';
import { canonicalContext, type EncryptionContext } from './context.js';
import { DataKey, dataKeyBytes } from './data-key.js';

/** Size of a wrapped data key in bytes. */
export const WRAPPED_KEY_SIZE = 32 + 32 + 16;
const LABEL_RE = /^[a-z0-9][a-z0-9-]*(?:\/[a-z0-9][a-z0-9-]*)*\/v[0-9]+$/;

function derive(kek: Buffer, nonce: Buffer, label: string): { key: Buffer; iv: Buffer } {
  if (kek.length !== 32) throw new CofferError('crypto.invalid_key', { message: 'a key-encryption key is 32 bytes' });
  if (!LABEL_RE.test(label)) throw new CofferError('crypto.invalid_label', { message: 'key label must look like "purpose/v1"' });
  const okm = Buffer.from(hkdfSync('sha256', kek, nonce, `coffer/${label}`, 44));
  return { key: okm.subarray(0, 32), iv: okm.subarray(32, 44) };
}

export function wrapDataKey(kek: Buffer, dk: DataKey, context: EncryptionContext, label: string, random: (n: number) => Buffer = randomBytes): Buffer {
  const nonce = random(32);
  if (nonce.length !== 32) throw new CofferError('crypto.random_failed', { message: 'short random read' });
  const { key, iv } = derive(kek, nonce, label);
  try {
    const c = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
    c.setAAD(canonicalContext(context));
    const ct = Buffer.concat([c.update(dataKeyBytes(dk)), c.final()]);
    return Buffer.concat([nonce, ct, c.getAuthTag()]);
  } finally {
    key.fill(0);
  }
}

export function unwrapDataKey(kek: Buffer, wrapped: Buffer, context: EncryptionContext, label: string): DataKey {
  if (wrapped.length !== WRAPPED_KEY_SIZE) throw new CofferError('crypto.unseal_failed', { message: 'the wrapped key has the wrong size' });
  const { key, iv } = derive(kek, wrapped.subarray(0, 32), label);
  let plain: Buffer | undefined;
  try {
    const d = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
    d.setAAD(canonicalContext(context));
    d.setAuthTag(wrapped.subarray(64));
    plain = d.update(wrapped.subarray(32, 64));
    d.final();
    return DataKey.fromBytes(plain);
  } catch (cause) {
    throw new CofferError('crypto.unseal_failed', { message: 'the wrapped key does not open with this key and context', cause });
  } finally {
    key.fill(0);
    plain?.fill(0);
  }
}
