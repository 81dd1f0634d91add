import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { base32Decode, base32Encode } from './base32.js';
import { findStep, hotp, timeStep, totp, type OtpAlgorithm } from './totp.js';

const vectors = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'shared', 'testdata', 'otp', 'vectors.json'), 'utf8')) as {
  hotp: { secret_ascii: string; secret_base32: string; vectors: { counter: number; hotp: string }[] };
  totp: { digits: number; secrets: Record<string, { ascii: string; base32: string }>; vectors: { unix_time: number; mode: string; totp: string }[] };
};

describe('HOTP and TOTP', () => {
  it('computes every RFC 4226 Appendix D value', () => {
    const key = Buffer.from(vectors.hotp.secret_ascii);
    for (const v of vectors.hotp.vectors) assert.equal(hotp(key, v.counter), v.hotp, `counter ${v.counter}`);
  });

  it('computes every RFC 6238 Appendix B value, for SHA-1, SHA-256 and SHA-512', () => {
    assert.ok(vectors.totp.vectors.length >= 18);
    for (const v of vectors.totp.vectors) {
      const key = Buffer.from(vectors.totp.secrets[v.mode]!.ascii);
      const algorithm = v.mode.toLowerCase() as OtpAlgorithm;
      assert.equal(totp(key, v.unix_time * 1000, { algorithm, digits: vectors.totp.digits }), v.totp, `${v.mode} at ${v.unix_time}`);
    }
  });

  it('gives the six-digit SHA-1 code 287082 at t = 59 (HOTP count 1)', () => {
    assert.equal(totp(Buffer.from('12345678901234567890'), 59_000), '287082');
  });

  it('decodes the published base32 secrets to the ASCII keys, and encodes them back', () => {
    for (const s of Object.values(vectors.totp.secrets)) {
      assert.equal(base32Decode(s.base32).toString('latin1'), s.ascii);
      assert.equal(base32Encode(Buffer.from(s.ascii)), s.base32.replace(/=+$/, ''));
    }
    assert.equal(base32Decode(vectors.hotp.secret_base32.toLowerCase()).toString(), vectors.hotp.secret_ascii);
    assert.throws(() => base32Decode('not base32!'), { code: 'mfa.invalid_seed' });
  });

  it('finds the step a code belongs to within a window, and nothing outside it', () => {
    const key = Buffer.from('12345678901234567890');
    const t = timeStep(1_111_111_109_000);
    const code = hotp(key, t + 1);
    assert.equal(findStep(key, code, t - 1, t + 1), t + 1);
    assert.equal(findStep(key, code, t - 1, t), null);
    assert.equal(findStep(key, '12345', t - 1, t + 1), null);
    assert.equal(findStep(key, 'abcdef', t - 1, t + 1), null);
  });
});
