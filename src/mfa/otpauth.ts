/** New virtual-device seeds and the otpauth:// URI (and its QR code PNG) an authenticator app reads. */
import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import { base32Encode } from './base32.js';

/** A new seed: 20 random bytes (160 bits, above NIST's 112-bit floor), as 32 base32 characters. */
export function newTotpSeed(): string {
  const raw = randomBytes(20);
  const text = base32Encode(raw);
  raw.fill(0);
  return text;
}

/** otpauth://totp/<device>@<account>?secret=<base32>, as AWS encodes it in QRCodePNG. */
export function otpauthUri(deviceName: string, accountName: string, base32Seed: string): string {
  const label = encodeURIComponent(`${deviceName}@${accountName}`);
  return `otpauth://totp/${label}?secret=${base32Seed}&issuer=${encodeURIComponent('Coffer')}`;
}

/** The URI as a PNG QR code. */
export async function qrCodePng(uri: string): Promise<Buffer> {
  return QRCode.toBuffer(uri, { type: 'png', errorCorrectionLevel: 'M', margin: 2, scale: 4 });
}
