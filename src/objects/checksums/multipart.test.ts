import assert from 'node:assert/strict';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { describe, it } from 'node:test';
import * as zlib from 'node:zlib';
import { isCofferError } from '../../shared/errors.js';
import type { ChecksumAlgorithm } from './algorithms.js';
import { digestOf, toBase64 } from './hasher.js';
import { combineMultipartChecksum, etagFromMd5, multipartEtag, normalizeEtag, splitChecksumValue, verifyMultipartChecksum } from './multipart.js';

const is = (code: string) => (e: unknown) => isCofferError(e, code);
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest();
const crc32be = (b: Uint8Array) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE((zlib as unknown as { crc32(b: Uint8Array): number }).crc32(b));
  return out;
};

describe('combineMultipartChecksum', () => {
  it('computes a SHA256 COMPOSITE as the hash of the concatenated raw part hashes, with the -N suffix', () => {
    const parts = [Buffer.from('part one, '), Buffer.from('part two, '), Buffer.from('part three')];
    const expected = sha256(Buffer.concat(parts.map(sha256))).toString('base64') + '-3';
    const got = combineMultipartChecksum(
      'SHA256',
      'COMPOSITE',
      parts.map((p) => ({ checksum: sha256(p).toString('base64'), size: p.length })),
    );
    assert.equal(got, expected);
  });

  it('computes a CRC32 COMPOSITE over the 4-byte big-endian part CRCs', () => {
    // Hand-checkable: crc32("Hello ") and crc32("World") concatenated, then crc32 of those 8 bytes.
    const a = crc32be(Buffer.from('Hello '));
    const b = crc32be(Buffer.from('World'));
    const expected = crc32be(Buffer.concat([a, b])).toString('base64') + '-2';
    assert.equal(
      combineMultipartChecksum('CRC32', 'COMPOSITE', [
        { checksum: a, size: 6 },
        { checksum: b, size: 5 },
      ]),
      expected,
    );
    // and a COMPOSITE is not the whole-object CRC
    assert.notEqual(expected.slice(0, -2), crc32be(Buffer.from('Hello World')).toString('base64'));
  });

  it('appends -1 to a single-part COMPOSITE', () => {
    const p = Buffer.from('only part');
    assert.equal(
      combineMultipartChecksum('SHA1', 'COMPOSITE', [{ checksum: digestOf('SHA1', p), size: p.length }]),
      toBase64(digestOf('SHA1', digestOf('SHA1', p))) + '-1',
    );
  });

  for (const alg of ['CRC32', 'CRC32C', 'CRC64NVME'] as ChecksumAlgorithm[]) {
    it(`computes a ${alg} FULL_OBJECT equal to the ${alg} of the whole object, without a suffix`, () => {
      const data = randomBytes(randomInt(1, 50000));
      const cuts = [0, randomInt(0, data.length), randomInt(0, data.length), data.length].sort((x, y) => x - y);
      const parts = cuts.slice(1).map((c, i) => data.subarray(cuts[i], c));
      const got = combineMultipartChecksum(alg, 'FULL_OBJECT', parts.map((p) => ({ checksum: toBase64(digestOf(alg, p)), size: p.length })));
      assert.equal(got, toBase64(digestOf(alg, data)));
    });
  }

  it('reproduces the full-object CRC32 "Hello World" from parts "Hello " and "World"', () => {
    assert.equal(
      combineMultipartChecksum('CRC32', 'FULL_OBJECT', [
        { checksum: crc32be(Buffer.from('Hello ')), size: 6 },
        { checksum: crc32be(Buffer.from('World')), size: 5 },
      ]),
      'ShexVg==',
    );
  });

  it('refuses COMPOSITE for CRC64NVME and FULL_OBJECT for SHA1 and SHA256, as S3 does', () => {
    const part = (alg: ChecksumAlgorithm) => [{ checksum: digestOf(alg, Buffer.from('x')), size: 1 }];
    assert.throws(() => combineMultipartChecksum('CRC64NVME', 'COMPOSITE', part('CRC64NVME')), is('checksum.invalid'));
    assert.throws(() => combineMultipartChecksum('SHA1', 'FULL_OBJECT', part('SHA1')), is('checksum.invalid'));
    assert.throws(() => combineMultipartChecksum('SHA256', 'FULL_OBJECT', part('SHA256')), is('checksum.invalid'));
  });

  it('rejects an empty part list and part checksums of the wrong algorithm length', () => {
    assert.throws(() => combineMultipartChecksum('CRC32', 'COMPOSITE', []), is('checksum.invalid'));
    assert.throws(
      () => combineMultipartChecksum('CRC32', 'COMPOSITE', [{ checksum: digestOf('SHA1', Buffer.from('x')), size: 1 }]),
      is('checksum.invalid'),
    );
    assert.throws(() => combineMultipartChecksum('CRC32', 'COMPOSITE', [{ checksum: 'AAAAAAAAAAA=', size: 1 }]), is('checksum.invalid'));
  });
});

describe('splitChecksumValue', () => {
  it('separates the composite part count from the base64 digest', () => {
    assert.deepEqual(splitChecksumValue('pd+GUQ==-2'), { checksum: 'pd+GUQ==', partCount: 2 });
    assert.deepEqual(splitChecksumValue('7PweJw=='), { checksum: '7PweJw==' });
    assert.deepEqual(splitChecksumValue('abc-0'), { checksum: 'abc-0' });
  });
});

describe('ETags', () => {
  it('quotes the hex MD5 of a single-part object', () => {
    assert.equal(etagFromMd5(digestOf('MD5', Buffer.alloc(0))), '"d41d8cd98f00b204e9800998ecf8427e"');
  });

  it('builds a multipart ETag from the MD5 of the concatenated raw part MD5s plus -N', () => {
    const parts = [randomBytes(100), randomBytes(50), randomBytes(1)];
    const md5s = parts.map((p) => createHash('md5').update(p).digest());
    const expected = `"${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-3"`;
    assert.equal(multipartEtag(md5s), expected);
    assert.equal(multipartEtag(md5s.map((m) => `"${m.toString('hex')}"`)), expected);
    assert.equal(multipartEtag(md5s.map((m) => m.toString('hex').toUpperCase())), expected);
  });

  it('rejects part ETags that are not hex MD5s', () => {
    assert.throws(() => multipartEtag(['"abc"']), is('checksum.invalid'));
    assert.throws(() => multipartEtag([]), is('checksum.invalid'));
  });

  it('normalises quoted, weak and HTML-escaped ETags for comparison', () => {
    assert.equal(normalizeEtag('"ABC-2"'), 'abc-2');
    assert.equal(normalizeEtag('W/"abc"'), 'abc');
    assert.equal(normalizeEtag('&quot;abc&quot;'), 'abc');
    assert.equal(normalizeEtag('abc'), 'abc');
  });
});

describe('verifyMultipartChecksum', () => {
  const parts = [Buffer.from('part one'), Buffer.from('part two')].map((p) => ({ checksum: digestOf('CRC32', p), size: p.length }));
  const computed = combineMultipartChecksum('CRC32', 'COMPOSITE', parts);

  it('accepts the composite value with or without its -N suffix', () => {
    verifyMultipartChecksum('CRC32', 'COMPOSITE', computed, computed);
    verifyMultipartChecksum('CRC32', 'COMPOSITE', splitChecksumValue(computed).checksum, computed);
  });

  it('rejects a wrong digest or a wrong part count with BadDigest', () => {
    assert.throws(() => verifyMultipartChecksum('CRC32', 'COMPOSITE', 'AAAAAA==-2', computed), is('checksum.bad_digest'));
    assert.throws(() => verifyMultipartChecksum('CRC32', 'COMPOSITE', `${splitChecksumValue(computed).checksum}-3`, computed), is('checksum.bad_digest'));
  });

  it('rejects a malformed value and a suffix on a FULL_OBJECT value', () => {
    assert.throws(() => verifyMultipartChecksum('CRC32', 'COMPOSITE', 'nope', computed), is('checksum.invalid'));
    const full = combineMultipartChecksum('CRC32', 'FULL_OBJECT', parts);
    verifyMultipartChecksum('CRC32', 'FULL_OBJECT', full, full);
    assert.throws(() => verifyMultipartChecksum('CRC32', 'FULL_OBJECT', `${full}-2`, full), is('checksum.invalid'));
  });
});
