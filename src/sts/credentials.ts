/**
 * Temporary credentials and their session tokens.
 *
 *   accessKeyId  = 'ASIA' || 16 random base32 characters
 *   secret       = 40 random characters (sealed at rest under HKDF(master), bound to the key id)
 *   sessionToken = 'CfS1' || base64url(32 random bytes)          opaque: carries no claims
 *   stored       = SHA-256(sessionToken) in the key id's row     (the token itself is never stored)
 *   verify(id, presented) = timingSafeEqual(SHA-256(presented), row(id).hash)
 *
 * Binding: the hash lives in the row of its access key id, so a token is only ever valid with
 * the key it was issued with; everything else (principal, expiry, MFA, policies) is looked up
 * server-side on every request, so revocation and expiry are immediate. 256 random bits make
 * guessing infeasible; hashing keeps a leaked database from yielding usable tokens.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { newAccessKeyId, newSecretAccessKey } from '../iam/store/index.js';

const TOKEN_PREFIX = 'CfS1';

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/** A new ASIA key id, secret and session token. */
export function newTemporaryCredentials(): TemporaryCredentials {
  return {
    accessKeyId: 'ASIA' + newAccessKeyId().slice(4),
    secretAccessKey: newSecretAccessKey(),
    sessionToken: TOKEN_PREFIX + randomBytes(32).toString('base64url'),
  };
}

/** What is stored for a token. */
export function sessionTokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Constant-time check of a presented token against the stored hash. */
export function sessionTokenMatches(storedHash: Buffer, presented: string): boolean {
  const h = sessionTokenHash(presented);
  return storedHash.length === h.length && timingSafeEqual(storedHash, h);
}

export function isTemporaryAccessKeyId(id: string): boolean {
  return id.startsWith('ASIA');
}
