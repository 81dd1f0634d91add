/**
 * Canonical, injective encoding of an encryption context (the AAD of a sealed data key).
 *
 *   canonical(ctx) = u32(count) || for (k, v) sorted by utf8(k) bytes:
 *                      u32(len(utf8 k)) || utf8 k || u32(len(utf8 v)) || utf8 v
 *
 * Length prefixes make it injective: {bucket:'a', key:'b/c'} and {bucket:'a/b', key:'c'} differ.
 * Lone surrogates are rejected because they would not survive the UTF-8 round trip.
 */
import { CofferError } from '../../shared/index.js';

/** Identity a data key is bound to, e.g. { bucket, key, version } or { upload, part }. */
export type EncryptionContext = Readonly<Record<string, string>>;

export function canonicalContext(context: EncryptionContext): Buffer {
  if (context === null || typeof context !== 'object' || Array.isArray(context)) {
    throw invalid('encryption context must be a plain object');
  }
  const entries: [Buffer, Buffer][] = [];
  for (const k of Object.keys(context)) {
    const v = context[k];
    if (typeof v !== 'string') throw invalid('encryption context values must be strings');
    if (!k.isWellFormed() || !v.isWellFormed()) throw invalid('encryption context must be well-formed Unicode');
    entries.push([Buffer.from(k, 'utf8'), Buffer.from(v, 'utf8')]);
  }
  entries.sort((a, b) => Buffer.compare(a[0], b[0]));
  let size = 4;
  for (const [k, v] of entries) size += 8 + k.length + v.length;
  const out = Buffer.allocUnsafe(size);
  let off = out.writeUInt32BE(entries.length, 0);
  for (const [k, v] of entries) {
    off = out.writeUInt32BE(k.length, off);
    off += k.copy(out, off);
    off = out.writeUInt32BE(v.length, off);
    off += v.copy(out, off);
  }
  return out;
}

function invalid(message: string): CofferError {
  return new CofferError('crypto.invalid_context', { message });
}
