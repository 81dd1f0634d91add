import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Crc64Nvme } from '@aws-sdk/crc64-nvme';
import { CHECKSUM_ALGORITHMS, DIGEST_LENGTH, type HashAlgorithm } from './algorithms.js';
import { crc32, crc32c, tableCrc32 } from './crc32.js';
import { createHasher, digestOf, toBase64 } from './hasher.js';
import { isCofferError } from '../../shared/errors.js';

const CHECK = Buffer.from('123456789');

// Bit-at-a-time reflected CRC, the textbook definition: independent of the table/SIMD code.
function referenceCrc(width: number, poly: bigint, data: Uint8Array): bigint {
  const mask = (1n << BigInt(width)) - 1n;
  let crc = mask;
  for (const byte of data) {
    crc ^= BigInt(byte);
    for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
  }
  return crc ^ mask;
}
const hex = (v: bigint, bytes: number) => v.toString(16).padStart(bytes * 2, '0');

describe('createHasher', () => {
  it('produces the published CRC-32 check value for "123456789"', () => {
    assert.equal(digestOf('CRC32', CHECK).toString('hex'), 'cbf43926');
  });

  it('produces the published CRC-32C check value for "123456789"', () => {
    assert.equal(digestOf('CRC32C', CHECK).toString('hex'), 'e3069283');
  });

  it('produces the published CRC-64/NVME check value for "123456789"', () => {
    assert.equal(digestOf('CRC64NVME', CHECK).toString('hex'), 'ae8b14860a799888');
  });

  it('matches third-party CRC-64/NVME values for short strings', () => {
    assert.equal(digestOf('CRC64NVME', Buffer.from('Hello, World!')).readBigUInt64BE(0), 15323988402725835341n);
    assert.equal(digestOf('CRC64NVME', Buffer.from('test1')).toString('hex'), '7585d198a2d5b287');
    assert.equal(digestOf('CRC64NVME', Buffer.from('test2')).toString('hex'), 'f436c0c0f28b290c');
    assert.equal(digestOf('CRC64NVME', Buffer.from('test1test2')).toString('hex'), '215f4b83b86262f3');
  });

  it('produces the FIPS 180 SHA-1 and SHA-256 values for "abc" and MD5 of the empty string', () => {
    assert.equal(digestOf('SHA1', Buffer.from('abc')).toString('hex'), 'a9993e364706816aba3e25717850c26c9cd0d89d');
    assert.equal(
      digestOf('SHA256', Buffer.from('abc')).toString('hex'),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    assert.equal(digestOf('MD5', Buffer.alloc(0)).toString('hex'), 'd41d8cd98f00b204e9800998ecf8427e');
  });

  it('encodes digests of the empty body in base64 exactly as S3 returns them', () => {
    const empty = Buffer.alloc(0);
    assert.equal(toBase64(digestOf('CRC32', empty)), 'AAAAAA==');
    assert.equal(toBase64(digestOf('CRC32C', empty)), 'AAAAAA==');
    assert.equal(toBase64(digestOf('CRC64NVME', empty)), 'AAAAAAAAAAA=');
    assert.equal(toBase64(digestOf('SHA1', empty)), '2jmj7l5rSw0yVb/vlWAYkK/YBwk=');
    assert.equal(toBase64(digestOf('SHA256', empty)), '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
    assert.equal(toBase64(digestOf('MD5', empty)), '1B2M2Y8AsgTpgAmY7PhCfg==');
  });

  it('encodes a known CRC-32 of a short text the way S3 does (big-endian, base64)', () => {
    // crc32("Hello World") = 0x4A17B156
    assert.equal(toBase64(digestOf('CRC32', Buffer.from('Hello World'))), 'ShexVg==');
  });

  it('returns digests of the documented length for every algorithm', () => {
    for (const alg of [...CHECKSUM_ALGORITHMS, 'MD5'] as HashAlgorithm[]) {
      assert.equal(digestOf(alg, randomBytes(100)).length, DIGEST_LENGTH[alg], alg);
    }
  });

  it('agrees with a bit-by-bit reference CRC on random data of many lengths', () => {
    for (let len = 0; len < 80; len++) {
      const data = randomBytes(len);
      assert.equal(digestOf('CRC32', data).toString('hex'), hex(referenceCrc(32, 0xedb88320n, data), 4), `crc32 len ${len}`);
      assert.equal(digestOf('CRC32C', data).toString('hex'), hex(referenceCrc(32, 0x82f63b78n, data), 4), `crc32c len ${len}`);
      assert.equal(
        digestOf('CRC64NVME', data).toString('hex'),
        hex(referenceCrc(64, 0x9a6c9329ac4bc9b5n, data), 8),
        `crc64nvme len ${len}`,
      );
    }
  });

  it('agrees with the AWS SDK CRC-64/NVME on a large random buffer fed in odd-sized pieces', async () => {
    const data = randomBytes(1 << 20);
    const ours = createHasher('CRC64NVME');
    const theirs = new Crc64Nvme();
    for (let i = 0, step = 1; i < data.length; i += step, step = ((step * 7 + 3) % 4099) + 1) {
      ours.update(data.subarray(i, i + step));
    }
    theirs.update(data);
    assert.equal(ours.digest().toString('hex'), Buffer.from(await theirs.digest()).toString('hex'));
  });

  it('gives the same digest for 1-byte updates as for one update, for every algorithm', () => {
    const data = randomBytes(1000);
    for (const alg of [...CHECKSUM_ALGORITHMS, 'MD5'] as HashAlgorithm[]) {
      const h = createHasher(alg);
      for (let i = 0; i < data.length; i++) h.update(data.subarray(i, i + 1));
      assert.deepEqual(h.digest(), digestOf(alg, data), alg);
    }
  });

  it('returns the same digest when digest() is called twice and refuses updates after it', () => {
    const h = createHasher('CRC32').update(Buffer.from('abc'));
    const first = h.digest();
    assert.deepEqual(h.digest(), first);
    assert.throws(() => h.update(Buffer.from('d')), (e) => isCofferError(e, 'checksum.finalized'));
  });

  it('accepts a plain Uint8Array that is a view into a larger buffer', () => {
    const backing = new Uint8Array([0, 0, ...CHECK, 0]);
    const view = backing.subarray(2, 11);
    assert.equal(digestOf('CRC32C', view).toString('hex'), 'e3069283');
    assert.equal(digestOf('CRC32', view).toString('hex'), 'cbf43926');
  });
});

describe('CRC-32 backends', () => {
  it('match the portable table implementation, including when resuming from a previous value', () => {
    const fallback32 = tableCrc32(0xedb88320);
    const fallback32c = tableCrc32(0x82f63b78);
    const a = randomBytes(333);
    const b = randomBytes(4097);
    assert.equal(crc32(b, crc32(a)), fallback32(b, fallback32(a)));
    assert.equal(crc32c(b, crc32c(a)), fallback32c(b, fallback32c(a)));
    assert.equal(fallback32(CHECK), 0xcbf43926);
    assert.equal(fallback32c(CHECK), 0xe3069283);
  });
});
