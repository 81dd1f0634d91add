/**
 * Record encryption (FORMAT.md "Frame type 1").
 *
 *   KR    = deriveKey(master, "audit-record/v1")
 *   K_seg = HKDF-SHA256(KR, salt = segment salt, info = "coffer/audit-segment/v1", 32)
 *   AAD   = "coffer-audit/v1" | segment salt | index u64 | prevChain
 *   nonce = 0x00000000 | index u64   (unique per key: each segment has its own key, a writer
 *           never appends to a segment it did not create, and indexes never repeat in a segment)
 *   body  = index u64 | prevChain | nonce | AES-256-GCM(K_seg, nonce, json, AAD) | tag
 */
import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { deriveKey, type MasterKey } from '../crypto/index.js';

const AAD_LABEL = Buffer.from('coffer-audit/v1', 'latin1');

export class SegmentCipher {
  private readonly key: Buffer;

  constructor(private readonly salt: Buffer, recordKey: Buffer) {
    this.key = Buffer.from(hkdfSync('sha256', recordKey, salt, 'coffer/audit-segment/v1', 32));
  }

  static recordKey(master: MasterKey): Buffer {
    return deriveKey(master, 'audit-record/v1');
  }

  seal(index: number, prevChain: Buffer, plaintext: Buffer): Buffer {
    const head = Buffer.alloc(8 + 32 + 12);
    head.writeBigUInt64BE(BigInt(index), 0);
    prevChain.copy(head, 8);
    head.writeBigUInt64BE(BigInt(index), 44);
    const c = createCipheriv('aes-256-gcm', this.key, head.subarray(40, 52));
    c.setAAD(this.aad(index, prevChain));
    const ct = c.update(plaintext);
    c.final();
    return Buffer.concat([head, ct, c.getAuthTag()]);
  }

  /** Returns the plaintext, or null when the tag does not verify (modified or forged record). */
  open(index: number, prevChain: Buffer, nonce: Buffer, sealed: Buffer): Buffer | null {
    if (sealed.length < 16) return null;
    try {
      const d = createDecipheriv('aes-256-gcm', this.key, nonce);
      d.setAAD(this.aad(index, prevChain));
      d.setAuthTag(sealed.subarray(sealed.length - 16));
      return Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]);
    } catch {
      return null;
    }
  }

  private aad(index: number, prevChain: Buffer): Buffer {
    const i = Buffer.alloc(8);
    i.writeBigUInt64BE(BigInt(index));
    return Buffer.concat([AAD_LABEL, this.salt, i, prevChain]);
  }
}
