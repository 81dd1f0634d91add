/**
 * TOTP multi-factor authentication: codes (RFC 6238, SHA-1, 6 digits, 30 s), one attempt's
 * decision with replay protection and failure limiting, and new virtual-device seeds.
 *
 *   const r = attemptTotp({ seed, code, nowMs, device, user });   // 'accepted' | 'invalid' | 'locked'
 *   // persist r.device and r.user atomically with the check (the IAM store does)
 */

/** RFC 4648 base32 encode (no padding) / decode. */
export { base32Encode, base32Decode } from './base32.js';
/** HOTP/TOTP values, time steps, and a constant-time search for the step of a code. */
export { hotp, totp, timeStep, findStep, type OtpAlgorithm, type TotpOptions } from './totp.js';
/** One attempt (±1 step, each step once, lockout with back-off) and two-consecutive-code search for enable/resync. */
export {
  attemptTotp,
  findConsecutive,
  afterFailure,
  lockedUntil,
  DEFAULT_OTP_LIMITS,
  type OtpAttemptResult,
  type OtpCounterState,
  type OtpDeviceState,
  type OtpLimits,
  type OtpOutcome,
} from './attempts.js';
/** New seeds, otpauth:// URIs and their QR code PNG. */
export { newTotpSeed, otpauthUri, qrCodePng } from './otpauth.js';
