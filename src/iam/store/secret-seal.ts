/**
 * Access-key secrets at rest: sealed under a key derived from the master key and bound to the
 * access key id, so a sealed secret copied to another key's row does not open.
 *
 *   kek    = HKDF(master, 'access-key-secret/v1')
 *   sealed = 0x01 || nonce(12) || AES-256-GCM(kek, nonce, secret, aad = 'coffer/access-key/v1|' || accessKeyId) || tag(16)
 *
 * The layout is the bootstrap identity's (src/iam/principals/bootstrap.ts), so its admin key
 * can be imported as is. Opening fails closed with 'crypto.unseal_failed'.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CofferError } from '../../shared/index.js';
import { type MasterKey, deriveKey } from '../../crypto/index.js';

const AAD_PREFIX = 'coffer/access-key/v1|';
const VERSION = 1;

/** Seals with a key derived once per store. */
export class SecretSealer {
  readonly #kek: Buffer;

  constructor(master: MasterKey) {
    this.#kek = deriveKey(master, 'access-key-secret/v1');
  }

  seal(accessKeyId: string, secret: string): Buffer {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#kek, nonce);
    cipher.setAAD(Buffer.from(AAD_PREFIX + accessKeyId));
    const ct = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), nonce, ct, cipher.getAuthTag()]);
  }

  open(accessKeyId: string, sealed: Buffer): string {
    if (sealed.length < 1 + 12 + 16 || sealed[0] !== VERSION) throw new CofferError('crypto.unseal_failed');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#kek, sealed.subarray(1, 13));
      decipher.setAAD(Buffer.from(AAD_PREFIX + accessKeyId));
      decipher.setAuthTag(sealed.subarray(sealed.length - 16));
      return Buffer.concat([decipher.update(sealed.subarray(13, sealed.length - 16)), decipher.final()]).toString('utf8');
    } catch (cause) {
      throw new CofferError('crypto.unseal_failed', { cause });
    }
  }
}
