/**
 * Envelope encryption of data keys under the master key.
 *
 *   kekRoot = HKDF-SHA256(master, "", "coffer/kek/v1", 32)                 (once, at creation)
 *   seal(dk, ctx):  nonce = random(32)
 *                   key || iv = HKDF-SHA256(kekRoot, nonce, "coffer/envelope/v1", 44)
 *                   header = 0x01 || 0x01 || keyId || nonce
 *                   ct || tag = AES-256-GCM(key, iv, dk, aad = header || canonical(ctx))
 *                   -> base64(header || ct || tag)
 *   open(s, ctx):   parse, check version/suite/keyId, recompute, verify tag; any failure ->
 *                   CofferError('crypto.unseal_failed') (fail closed, no partial result)
 *
 * A fresh key and IV per seal means no random-IV collision bound on the number of seals.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { CofferError } from '../../shared/index.js';
import { deriveKey, type MasterKey } from '../master-key.js';
import { canonicalContext, type EncryptionContext } from './context.js';
import { DataKey, dataKeyBytes } from './data-key.js';
import {
  SEALED_HEADER_SIZE,
  SEALED_KEY_ID_SIZE,
  SEALED_NONCE_SIZE,
  SEALED_SIZE,
  SEALED_SUITE,
  SEALED_VERSION,
  decodeSealed,
  encodeSealed,
  type SealedDataKey,
} from './sealed-data-key.js';

const INFO = Buffer.from('coffer/envelope/v1', 'utf8');

export interface Envelope {
  /** Id of the master key this envelope seals with (16 hex chars). */
  readonly keyId: string;
  /** A fresh random 256-bit data key. */
  generateDataKey(): DataKey;
  /** Seals `dk` bound to `context`; only `open` with an equal context recovers it. */
  seal(dk: DataKey, context: EncryptionContext): SealedDataKey;
  /** Opens a sealed key; throws CofferError('crypto.unseal_failed') on any mismatch or tampering. */
  open(sealed: SealedDataKey | string, context: EncryptionContext): DataKey;
}

export interface EnvelopeOptions {
  masterKey: MasterKey;
  /** Randomness source (default crypto.randomBytes); a parameter so tests can pin it. */
  random?: (n: number) => Buffer;
}

export function createEnvelope(options: EnvelopeOptions): Envelope {
  const random = options.random ?? randomBytes;
  const kekRoot = deriveKey(options.masterKey, 'kek/v1');
  const keyId = Buffer.from(options.masterKey.id, 'hex');
  if (keyId.length !== SEALED_KEY_ID_SIZE) throw new CofferError('crypto.master_key_invalid', { message: 'bad master key id' });

  function sealKey(nonce: Buffer): { key: Buffer; iv: Buffer } {
    const okm = Buffer.from(hkdfSync('sha256', kekRoot, nonce, INFO, 44));
    return { key: okm.subarray(0, 32), iv: okm.subarray(32, 44) };
  }

  return Object.freeze({
    keyId: options.masterKey.id,

    generateDataKey(): DataKey {
      return DataKey.generate(random);
    },

    seal(dk: DataKey, context: EncryptionContext): SealedDataKey {
      const aadContext = canonicalContext(context);
      // An empty context binds the key to nothing, so any row could carry it: refuse.
      if (aadContext.length === 4) throw new CofferError('crypto.invalid_context', { message: 'encryption context must not be empty' });
      const out = Buffer.alloc(SEALED_SIZE);
      out[0] = SEALED_VERSION;
      out[1] = SEALED_SUITE;
      keyId.copy(out, 2);
      const nonce = random(SEALED_NONCE_SIZE);
      if (nonce.length !== SEALED_NONCE_SIZE) throw new CofferError('crypto.random_failed', { message: 'short random read' });
      nonce.copy(out, 2 + SEALED_KEY_ID_SIZE);
      const { key, iv } = sealKey(nonce);
      try {
        const c = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
        c.setAAD(Buffer.concat([out.subarray(0, SEALED_HEADER_SIZE), aadContext]));
        const ct = c.update(dataKeyBytes(dk));
        c.final();
        if (ct.length !== 32) throw new CofferError('crypto.seal_failed', { message: 'unexpected ciphertext length' });
        ct.copy(out, SEALED_HEADER_SIZE);
        c.getAuthTag().copy(out, SEALED_HEADER_SIZE + 32);
        return encodeSealed(out);
      } finally {
        key.fill(0);
      }
    },

    open(sealed: SealedDataKey | string, context: EncryptionContext): DataKey {
      const parts = decodeSealed(sealed);
      if (!timingSafeEqual(parts.keyId, keyId)) throw unsealFailed('key_id_mismatch');
      let aadContext: Buffer;
      try {
        aadContext = canonicalContext(context);
      } catch (e) {
        throw unsealFailed('invalid_context', e);
      }
      const { key, iv } = sealKey(parts.header.subarray(2 + SEALED_KEY_ID_SIZE));
      let plain: Buffer | undefined;
      try {
        const d = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
        d.setAAD(Buffer.concat([parts.header, aadContext]));
        d.setAuthTag(parts.tag);
        plain = d.update(parts.ciphertext);
        d.final();
        return DataKey.fromBytes(plain);
      } catch (e) {
        throw unsealFailed('authentication', e);
      } finally {
        key.fill(0);
        plain?.fill(0);
      }
    },
  });
}

function unsealFailed(reason: string, cause?: unknown): CofferError {
  return new CofferError('crypto.unseal_failed', { message: 'sealed data key cannot be opened', details: { reason }, cause });
}
