import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attemptTotp, DEFAULT_OTP_LIMITS, findConsecutive, type OtpCounterState, type OtpDeviceState } from './attempts.js';
import { hotp, timeStep } from './totp.js';

const seed = Buffer.from('12345678901234567890');
const NOW = Date.UTC(2026, 0, 1, 12, 0, 10);
const T = timeStep(NOW);
const fresh = (): { device: OtpDeviceState; user: OtpCounterState } => ({ device: { lastStep: null, failures: 0, lockedUntilMs: 0 }, user: { failures: 0, lockedUntilMs: 0 } });

describe('one TOTP attempt', () => {
  it('accepts the codes of the previous, current and next step and records the step', () => {
    for (const s of [T - 1, T, T + 1]) {
      const r = attemptTotp({ seed, code: hotp(seed, s), nowMs: NOW, ...fresh() });
      assert.equal(r.outcome, 'accepted');
      assert.equal(r.device.lastStep, s);
    }
  });

  it('refuses codes two steps away', () => {
    assert.equal(attemptTotp({ seed, code: hotp(seed, T + 2), nowMs: NOW, ...fresh() }).outcome, 'invalid');
    assert.equal(attemptTotp({ seed, code: hotp(seed, T - 2), nowMs: NOW, ...fresh() }).outcome, 'invalid');
  });

  it('refuses a code that was already accepted, and any earlier step, even inside the window', () => {
    const first = attemptTotp({ seed, code: hotp(seed, T), nowMs: NOW, ...fresh() });
    assert.equal(first.outcome, 'accepted');
    const again = attemptTotp({ seed, code: hotp(seed, T), nowMs: NOW + 1000, device: first.device, user: first.user });
    assert.equal(again.outcome, 'invalid');
    assert.equal(again.device.failures, 1);
    assert.equal(attemptTotp({ seed, code: hotp(seed, T - 1), nowMs: NOW, device: first.device, user: first.user }).outcome, 'invalid');
    assert.equal(attemptTotp({ seed, code: hotp(seed, T + 1), nowMs: NOW, device: first.device, user: first.user }).outcome, 'accepted');
  });

  it('locks after five failures so that even the right code is refused until the back-off ends', () => {
    let s = fresh();
    for (let i = 0; i < DEFAULT_OTP_LIMITS.freeFailures; i++) {
      const r = attemptTotp({ seed, code: '000000', nowMs: NOW, ...s });
      assert.equal(r.outcome, hotp(seed, T) === '000000' ? 'accepted' : 'invalid');
      s = { device: r.device, user: r.user };
    }
    const locked = attemptTotp({ seed, code: hotp(seed, T), nowMs: NOW + 1000, ...s });
    assert.equal(locked.outcome, 'locked');
    assert.equal(locked.retryAtMs, NOW + 30_000);
    const later = attemptTotp({ seed, code: hotp(seed, timeStep(NOW + 31_000)), nowMs: NOW + 31_000, ...s });
    assert.equal(later.outcome, 'accepted');
    assert.equal(later.device.failures, 0);
  });

  it('doubles the back-off with each further failure, up to an hour', () => {
    let s = fresh();
    let now = NOW;
    const delays: number[] = [];
    for (let i = 0; i < 14; i++) {
      const r = attemptTotp({ seed, code: 'x', nowMs: now, ...s });
      assert.equal(r.outcome, 'invalid');
      s = { device: r.device, user: r.user };
      if (r.device.lockedUntilMs > now) delays.push(r.device.lockedUntilMs - now);
      now = Math.max(now, r.device.lockedUntilMs) + 1;
    }
    assert.deepEqual(delays.slice(0, 4), [30_000, 60_000, 120_000, 240_000]);
    assert.equal(delays.at(-1), 3_600_000);
  });

  it('stops checking codes for good well before 100 consecutive failures', () => {
    let s = fresh();
    let now = NOW;
    let tries = 0;
    for (; tries < 100; tries++) {
      const r = attemptTotp({ seed, code: 'x', nowMs: now, ...s });
      if (r.outcome === 'locked') {
        if (r.retryAtMs === null || r.retryAtMs === undefined) break;
        now = r.retryAtMs;
        tries--;
        continue;
      }
      s = { device: r.device, user: r.user };
    }
    assert.equal(tries, DEFAULT_OTP_LIMITS.hardLimit);
    assert.equal(attemptTotp({ seed, code: hotp(seed, timeStep(now + 10 * 86_400_000)), nowMs: now + 10 * 86_400_000, ...s }).outcome, 'locked');
  });

  it('counts failures per user too: a locked user is refused on another device', () => {
    const user = { failures: 5, lockedUntilMs: NOW + 10_000 };
    assert.equal(attemptTotp({ seed, code: hotp(seed, T), nowMs: NOW, device: fresh().device, user }).outcome, 'locked');
  });
});

describe('two consecutive codes (enable, resync)', () => {
  it('returns the step of the second code when the codes are consecutive within ten steps', () => {
    assert.equal(findConsecutive(seed, hotp(seed, T - 3), hotp(seed, T - 2), NOW), T - 2);
    assert.equal(findConsecutive(seed, hotp(seed, T + 5), hotp(seed, T + 6), NOW), T + 6);
  });

  it('refuses codes that are not consecutive or too far away', () => {
    assert.equal(findConsecutive(seed, hotp(seed, T), hotp(seed, T + 2), NOW), null);
    assert.equal(findConsecutive(seed, hotp(seed, T), hotp(seed, T), NOW), null);
    assert.equal(findConsecutive(seed, hotp(seed, T + 30), hotp(seed, T + 31), NOW), null);
  });
});
