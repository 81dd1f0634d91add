import { randomBytes } from 'node:crypto';

/** A positive 128-bit certificate serial number as hex (RFC 5280: positive, at most 20 octets). */
export function randomSerialNumber(): string {
  const b = randomBytes(16);
  // Clear the sign bit so DER does not need a leading zero, and avoid a leading zero octet.
  b[0] = ((b[0] ?? 0) & 0x7f) | 0x01;
  return b.toString('hex');
}
