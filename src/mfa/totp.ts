/**
 * HOTP (RFC 4226) and TOTP (RFC 6238), as authenticator apps and AWS virtual MFA use them.
 *
 *   HOTP(K, C) = Truncate(HMAC-H(K, C as 8-byte big-endian)) mod 10^digits
 *     Truncate: o = last byte & 0x0f; v = bytes[o..o+3] as big-endian uint32 & 0x7fffffff
 *   TOTP(K, t) = HOTP(K, floor((t - T0) / X))        T0 = 0, X = 30 s, SHA-1, 6 digits
 *   match(code, t, window w): compare code with TOTP at steps T-w..T+w, every candidate in
 *     constant time (no early exit), and return the one step that matched (or null)
 *
 * Counters are 64-bit (times past 2038 and the RFC's 20000000000 vector work).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type OtpAlgorithm = 'sha1' | 'sha256' | 'sha512';

export interface TotpOptions {
  /** Default 'sha1' (what otpauth URIs without an algorithm mean). */
  algorithm?: OtpAlgorithm;
  /** Default 6. */
  digits?: number;
  /** Time step in seconds; default 30. */
  stepSeconds?: number;
}

/** The HOTP value of a counter, zero-padded to `digits`. */
export function hotp(key: Uint8Array, counter: number | bigint, options: Pick<TotpOptions, 'algorithm' | 'digits'> = {}): string {
  const digits = options.digits ?? 6;
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(options.algorithm ?? 'sha1', key).update(msg).digest();
  const o = mac[mac.length - 1]! & 0x0f;
  const v = mac.readUInt32BE(o) & 0x7fffffff;
  return String(v % 10 ** digits).padStart(digits, '0');
}

/** The time step (counter) of a time in ms. */
export function timeStep(nowMs: number, stepSeconds = 30): number {
  return Math.floor(Math.floor(nowMs / 1000) / stepSeconds);
}

/** The TOTP code at a time (ms since the epoch). */
export function totp(key: Uint8Array, nowMs: number, options: TotpOptions = {}): string {
  return hotp(key, timeStep(nowMs, options.stepSeconds), options);
}

/**
 * The step in [from, to] whose code equals `code`, or null. Every step is computed and compared
 * in constant time, so the time taken does not depend on where (or whether) the code matched.
 */
export function findStep(key: Uint8Array, code: string, from: number, to: number, options: Pick<TotpOptions, 'algorithm' | 'digits'> = {}): number | null {
  const digits = options.digits ?? 6;
  const given = Buffer.alloc(digits);
  const ok = code.length === digits && /^\d+$/.test(code);
  given.write(ok ? code : '0'.repeat(digits), 'latin1');
  let found: number | null = null;
  for (let s = from; s <= to; s++) {
    if (s < 0) continue;
    const expected = Buffer.from(hotp(key, s, options), 'latin1');
    // The comparison runs for every step; only the bookkeeping after it branches.
    if (timingSafeEqual(expected, given) && ok && found === null) found = s;
  }
  return found;
}
