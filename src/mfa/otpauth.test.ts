import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { base32Decode } from './base32.js';
import { newTotpSeed, otpauthUri, qrCodePng } from './otpauth.js';

describe('virtual device seeds', () => {
  it('makes 160-bit seeds as 32 base32 characters, different each time', () => {
    const a = newTotpSeed();
    assert.match(a, /^[A-Z2-7]{32}$/);
    assert.equal(base32Decode(a).length, 20);
    assert.notEqual(a, newTotpSeed());
  });

  it('puts device, account and secret in the otpauth URI and renders it as a PNG', async () => {
    const uri = otpauthUri('alice-phone', 'alice', 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    assert.equal(uri, 'otpauth://totp/alice-phone%40alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Coffer');
    const png = await qrCodePng(uri);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });
});
