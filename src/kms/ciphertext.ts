/**
 * KMS ciphertext blobs (FORMAT.md): a key id and material version in the clear, the rest sealed.
 *
 *   seal(material, keyId, v, pt, ctx):
 *     nonce = random(32); encKey || iv = HKDF-SHA256(material, nonce, "coffer/kms/ciphertext/v1", 44)
 *     header = 0x01 || uuidBytes(keyId) || u32(v) || nonce
 *     ct || tag = AES-256-GCM(encKey, iv, pt, aad = header || canonical(ctx))
 *   open: parse header, derive the same key from the named material, verify the tag
 *         (any failure -> 'kms.invalid_ciphertext', fail closed)
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { CofferError } from '../shared/index.js';
import { canonicalContext, type EncryptionContext } from '../crypto/index.js';

const VERSION = 0x01;
const INFO = Buffer.from('coffer/kms/ciphertext/v1', 'utf8');
const HEADER = 1 + 16 + 4 + 32;
const TAG = 16;
/** Largest plaintext Encrypt accepts (AWS KMS: 4096 bytes). */
export const MAX_PLAINTEXT = 4096;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface CiphertextHeader {
  keyId: string;
  materialVersion: number;
}

export function isKeyId(s: string): boolean {
  return UUID_RE.test(s);
}

function uuidBytes(id: string): Buffer {
  if (!isKeyId(id)) throw new CofferError('kms.validation', { message: 'Invalid key id.' });
  return Buffer.from(id.replace(/-/g, ''), 'hex');
}

function uuidString(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function derive(material: Buffer, nonce: Buffer): { key: Buffer; iv: Buffer } {
  const okm = Buffer.from(hkdfSync('sha256', material, nonce, INFO, 44));
  return { key: okm.subarray(0, 32), iv: okm.subarray(32, 44) };
}

function aadOf(header: Buffer, context: EncryptionContext): Buffer {
  return Buffer.concat([header, canonicalContext(context)]);
}

/** The key id and material version a blob names; 'kms.invalid_ciphertext' if it is not a blob. */
export function parseCiphertextHeader(blob: Buffer): CiphertextHeader {
  if (blob.length < HEADER + 1 + TAG || blob[0] !== VERSION) throw invalid();
  return { keyId: uuidString(blob.subarray(1, 17)), materialVersion: blob.readUInt32BE(17) };
}

export function sealCiphertext(
  material: Buffer,
  header: CiphertextHeader,
  plaintext: Buffer,
  context: EncryptionContext,
  random: (n: number) => Buffer = randomBytes,
): Buffer {
  if (plaintext.length < 1 || plaintext.length > MAX_PLAINTEXT) throw new CofferError('kms.validation', { message: `Plaintext must be 1 to ${MAX_PLAINTEXT} bytes.` });
  const head = Buffer.alloc(HEADER);
  head[0] = VERSION;
  uuidBytes(header.keyId).copy(head, 1);
  head.writeUInt32BE(header.materialVersion, 17);
  const nonce = random(32);
  if (nonce.length !== 32) throw new CofferError('crypto.random_failed', { message: 'short random read' });
  nonce.copy(head, 21);
  const { key, iv } = derive(material, nonce);
  try {
    const c = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG });
    c.setAAD(aadOf(head, context));
    const ct = Buffer.concat([c.update(plaintext), c.final()]);
    return Buffer.concat([head, ct, c.getAuthTag()]);
  } finally {
    key.fill(0);
  }
}

/** Plaintext of a blob sealed under `material`; 'kms.invalid_ciphertext' on any mismatch. */
export function openCiphertext(material: Buffer, blob: Buffer, context: EncryptionContext): Buffer {
  parseCiphertextHeader(blob);
  const head = blob.subarray(0, HEADER);
  let aad: Buffer;
  try {
    aad = aadOf(head, context);
  } catch (cause) {
    throw invalid(cause);
  }
  const { key, iv } = derive(material, head.subarray(21, HEADER));
  try {
    const d = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG });
    d.setAAD(aad);
    d.setAuthTag(blob.subarray(blob.length - TAG));
    const pt = d.update(blob.subarray(HEADER, blob.length - TAG));
    try {
      d.final();
    } catch (cause) {
      pt.fill(0);
      throw invalid(cause);
    }
    return pt;
  } finally {
    key.fill(0);
  }
}

function invalid(cause?: unknown): CofferError {
  return new CofferError('kms.invalid_ciphertext', { message: 'The ciphertext is invalid, was not made by this KMS, or its encryption context does not match.', cause });
}
