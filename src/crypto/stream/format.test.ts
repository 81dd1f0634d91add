import assert from 'node:assert/strict';
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { DataKey } from '../envelope/data-key.js';
import { decrypt, encrypt } from './testing.js';

/** HKDF-SHA256 from RFC 5869's two steps, independent of node's hkdfSync. */
function hkdf(ikm: Buffer, salt: Buffer, info: string, length: number): Buffer {
  const prk = createHmac('sha256', salt.length ? salt : Buffer.alloc(32)).update(ikm).digest();
  const out: Buffer[] = [];
  let t = Buffer.alloc(0);
  for (let i = 1; Buffer.concat(out).length < length; i++) {
    t = createHmac('sha256', prk).update(Buffer.concat([t, Buffer.from(info), Buffer.from([i])])).digest();
    out.push(t);
  }
  return Buffer.concat(out).subarray(0, length);
}

/** Builds a blob by following FORMAT.md step by step. */
function blobByHand(dk: Buffer, salt: Buffer, chunkSize: number, pt: Buffer): Buffer {
  const header = Buffer.concat([Buffer.from('CFRS'), Buffer.from([1, 1, 0, 0]), Buffer.alloc(4), salt]);
  header.writeUInt32BE(chunkSize, 8);
  const okm = hkdf(dk, salt, 'coffer/stream/v1', 39);
  const n = pt.length === 0 ? 1 : Math.ceil(pt.length / chunkSize);
  const parts = [header];
  for (let i = 0; i < n; i++) {
    const nonce = Buffer.concat([okm.subarray(32, 39), Buffer.alloc(4), Buffer.from([i === n - 1 ? 1 : 0])]);
    nonce.writeUInt32BE(i, 7);
    const c = createCipheriv('aes-256-gcm', okm.subarray(0, 32), nonce);
    c.setAAD(header);
    parts.push(c.update(pt.subarray(i * chunkSize, (i + 1) * chunkSize)), c.final(), c.getAuthTag());
  }
  return Buffer.concat(parts);
}

describe('blob format v1 (FORMAT.md)', () => {
  for (const [size, chunkSize] of [[0, 16], [1, 16], [16, 16], [17, 16], [100, 7], [70000, 65536]] as const) {
    it(`matches a blob built by hand from the spec for ${size} bytes in ${chunkSize}-byte chunks`, async () => {
      const keyBytes = randomBytes(32);
      const salt = randomBytes(20);
      const pt = randomBytes(size);
      const dk = DataKey.fromBytes(keyBytes);
      const blob = await encrypt(dk, pt, { chunkSize, random: () => Buffer.from(salt) });
      const hand = blobByHand(keyBytes, salt, chunkSize, pt);
      assert.deepEqual(blob, hand);
      assert.deepEqual(await encrypt(dk, pt, { chunkSize, plaintextSize: size, random: () => Buffer.from(salt) }, [5, 9]), hand);
      assert.deepEqual(await decrypt(dk, hand, { plaintextSize: size }), pt);
    });
  }

  it('matches a fixed known-answer vector', async () => {
    // Pins the bytes on disk: this test fails if the format changes without a new version.
    const dk = DataKey.fromBytes(Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex'));
    const salt = Buffer.from('a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3', 'hex');
    const blob = await encrypt(dk, Buffer.from('Coffer!'), { chunkSize: 4, random: () => Buffer.from(salt) });
    assert.equal(blob.toString('hex'), KAT);
  });
});

// Cross-checked with an independent implementation (Python `cryptography` 48: HKDF + AESGCM).
const KAT =
  '434652530101000000000004a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3' +
  'a0cfdcc56079e8d20ba0ba0973271c43d67bd55bc31228af2c8d9777fca2ec246f283b232e88c8';
