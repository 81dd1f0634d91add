/**
 * SigV4 signing key derivation and signature computation.
 *
 *   kDate    = HMAC("AWS4" + secret, yyyymmdd)
 *   kRegion  = HMAC(kDate, region)
 *   kService = HMAC(kRegion, service)
 *   kSigning = HMAC(kService, "aws4_request")
 *   signature = hex(HMAC(kSigning, stringToSign))
 *
 * The optional cache keeps derived keys per (sha256(secret), date, region, service) in a bounded LRU, so
 * the secret itself is never used as a map key.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export function hmacSha256(key: Buffer | string, data: string, encoding: BufferEncoding = 'utf8'): Buffer {
  return createHmac('sha256', key).update(data, encoding).digest();
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function deriveSigningKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const kDate = hmacSha256('AWS4' + secretAccessKey, date);
  const kRegion = hmacSha256(kDate, region);
  const kService = hmacSha256(kRegion, service);
  return hmacSha256(kService, 'aws4_request');
}

/** Signature bytes over a string to sign (latin1: string-to-sign is ASCII, hashes are of the byte strings). */
export function signatureOf(signingKey: Buffer, stringToSign: string): Buffer {
  return hmacSha256(signingKey, stringToSign, 'latin1');
}

/** Constant-time equality of two signatures; false for different lengths. */
export function signaturesEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Bounded LRU of derived signing keys; pass one per server to `verifyRequest`. */
export interface SigningKeyCache {
  get(secretAccessKey: string, date: string, region: string, service: string): Buffer;
  readonly size: number;
}

export function createSigningKeyCache(options: { maxEntries?: number } = {}): SigningKeyCache {
  const max = options.maxEntries ?? 512;
  if (!Number.isInteger(max) || max < 1) throw new RangeError('maxEntries must be a positive integer');
  const entries = new Map<string, Buffer>();
  return {
    get(secret, date, region, service) {
      const id = `${sha256Hex(secret)}\n${date}\n${region}\n${service}`;
      const hit = entries.get(id);
      if (hit !== undefined) {
        entries.delete(id);
        entries.set(id, hit);
        return hit;
      }
      const key = deriveSigningKey(secret, date, region, service);
      entries.set(id, key);
      if (entries.size > max) {
        const oldest = entries.keys().next().value as string;
        entries.delete(oldest);
      }
      return key;
    },
    get size() {
      return entries.size;
    },
  };
}
