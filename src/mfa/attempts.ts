/**
 * One TOTP attempt against a device, with replay protection and failure limiting
 * (NIST SP 800-63B §5.1.4.2, §5.2.2). Pure: the caller loads and stores the states atomically.
 *
 *   if device or user is locked (back-off pending, or hard limit reached)   -> 'locked'
 *   s = findStep(seed, code, T-1 .. T+1)                                      (constant time)
 *   if s is null or s <= device.lastStep (a code is accepted at most once)  -> 'invalid', failures++
 *   else                                                                    -> 'accepted', lastStep = s, failures = 0
 *
 *   after failure n (per device and per user): n >= 5 -> locked for 30 s * 2^(n-5), at most 1 h;
 *   n >= 50 -> locked until an administrator resyncs or re-enables the device (never 100 tries).
 */
import { findStep, timeStep } from './totp.js';

export interface OtpCounterState {
  /** Consecutive failed attempts. */
  failures: number;
  /** No attempt is checked before this time (ms since the epoch). */
  lockedUntilMs: number;
}

export interface OtpDeviceState extends OtpCounterState {
  /** The last accepted time step; codes of this step and earlier are refused. */
  lastStep: number | null;
}

export interface OtpLimits {
  /** Failures allowed before back-off starts; default 5. */
  freeFailures: number;
  /** First back-off; doubles with each further failure. Default 30 s. */
  baseDelayMs: number;
  /** Longest back-off; default 1 h. */
  maxDelayMs: number;
  /** Consecutive failures after which only an administrator unlocks; default 50 (< 100). */
  hardLimit: number;
}

export const DEFAULT_OTP_LIMITS: Readonly<OtpLimits> = Object.freeze({ freeFailures: 5, baseDelayMs: 30_000, maxDelayMs: 3_600_000, hardLimit: 50 });

export type OtpOutcome = 'accepted' | 'invalid' | 'locked';

export interface OtpAttemptResult {
  outcome: OtpOutcome;
  device: OtpDeviceState;
  user: OtpCounterState;
  /** When locked: the earliest time another attempt is checked (null: an administrator must unlock). */
  retryAtMs?: number | null;
}

/** Whether a counter refuses attempts now; and until when (null = until an administrator acts). */
export function lockedUntil(s: OtpCounterState, nowMs: number, limits: OtpLimits = DEFAULT_OTP_LIMITS): { locked: boolean; retryAtMs: number | null } {
  if (s.failures >= limits.hardLimit) return { locked: true, retryAtMs: null };
  if (nowMs < s.lockedUntilMs) return { locked: true, retryAtMs: s.lockedUntilMs };
  return { locked: false, retryAtMs: null };
}

/** The counter after one more failure. */
export function afterFailure<T extends OtpCounterState>(s: T, nowMs: number, limits: OtpLimits = DEFAULT_OTP_LIMITS): T {
  const failures = s.failures + 1;
  const over = failures - limits.freeFailures;
  const delay = over >= 0 ? Math.min(limits.maxDelayMs, limits.baseDelayMs * 2 ** Math.min(over, 30)) : 0;
  return { ...s, failures, lockedUntilMs: delay > 0 ? nowMs + delay : s.lockedUntilMs };
}

/** Decides one code for a device (window ±`window` steps, default 1) and returns the new states. */
export function attemptTotp(input: {
  seed: Uint8Array;
  code: string;
  nowMs: number;
  device: OtpDeviceState;
  user: OtpCounterState;
  window?: number;
  limits?: OtpLimits;
}): OtpAttemptResult {
  const limits = input.limits ?? DEFAULT_OTP_LIMITS;
  const d = lockedUntil(input.device, input.nowMs, limits);
  const u = lockedUntil(input.user, input.nowMs, limits);
  if (d.locked || u.locked) {
    const retry = d.retryAtMs === null && d.locked ? null : u.retryAtMs === null && u.locked ? null : Math.max(d.retryAtMs ?? 0, u.retryAtMs ?? 0);
    return { outcome: 'locked', device: input.device, user: input.user, retryAtMs: retry };
  }
  const w = input.window ?? 1;
  const t = timeStep(input.nowMs);
  const step = findStep(input.seed, input.code, t - w, t + w);
  if (step === null || (input.device.lastStep !== null && step <= input.device.lastStep)) {
    return { outcome: 'invalid', device: afterFailure(input.device, input.nowMs, limits), user: afterFailure(input.user, input.nowMs, limits) };
  }
  return { outcome: 'accepted', device: { lastStep: step, failures: 0, lockedUntilMs: 0 }, user: { failures: 0, lockedUntilMs: 0 } };
}

/**
 * Enabling and resyncing: two codes of consecutive steps, searched ±`window` steps (default 10,
 * to absorb a drifted device clock). Returns the step of the second code, or null.
 */
export function findConsecutive(seed: Uint8Array, code1: string, code2: string, nowMs: number, window = 10): number | null {
  const t = timeStep(nowMs);
  const s1 = findStep(seed, code1, t - window, t + window);
  if (s1 === null) return null;
  return findStep(seed, code2, s1 + 1, s1 + 1) === null ? null : s1 + 1;
}
