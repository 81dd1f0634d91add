import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCofferError } from '../../shared/errors.js';
import { decodeChecksumValue, decodeContentMd5, parseChecksumHeaders } from './headers.js';

const CRC32_OF_HELLO_WORLD = 'ShexVg==';
const is = (code: string) => (e: unknown) => isCofferError(e, code);

describe('parseChecksumHeaders', () => {
  it('reports no checksum when the request carries none', () => {
    assert.deepEqual(parseChecksumHeaders({ 'content-type': 'text/plain' }), { trailer: false });
  });

  it('decodes a single x-amz-checksum-crc32 header and names its algorithm', () => {
    const r = parseChecksumHeaders({ 'x-amz-checksum-crc32': CRC32_OF_HELLO_WORLD, 'x-amz-sdk-checksum-algorithm': 'CRC32' });
    assert.equal(r.algorithm, 'CRC32');
    assert.equal(r.value?.toString('hex'), '4a17b156');
    assert.equal(r.trailer, false);
  });

  it('treats header names case-insensitively', () => {
    const r = parseChecksumHeaders({ 'X-Amz-Checksum-CRC32': CRC32_OF_HELLO_WORLD });
    assert.equal(r.algorithm, 'CRC32');
  });

  it('recognises a checksum announced as a trailer by x-amz-trailer (the 2025 SDK default)', () => {
    const r = parseChecksumHeaders({
      'x-amz-trailer': 'x-amz-checksum-crc64nvme',
      'x-amz-sdk-checksum-algorithm': 'CRC64NVME',
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
    });
    assert.equal(r.algorithm, 'CRC64NVME');
    assert.equal(r.trailer, true);
    assert.equal(r.trailerName, 'x-amz-checksum-crc64nvme');
    assert.equal(r.value, undefined);
  });

  it('takes the algorithm from x-amz-checksum-algorithm alone (CreateMultipartUpload) with its type', () => {
    const r = parseChecksumHeaders({ 'x-amz-checksum-algorithm': 'sha256', 'x-amz-checksum-type': 'COMPOSITE' });
    assert.equal(r.algorithm, 'SHA256');
    assert.equal(r.type, 'COMPOSITE');
  });

  it('rejects two different checksum headers with "Expecting a single x-amz-checksum- header"', () => {
    assert.throws(
      () => parseChecksumHeaders({ 'x-amz-checksum-crc32': CRC32_OF_HELLO_WORLD, 'x-amz-checksum-sha1': '2jmj7l5rSw0yVb/vlWAYkK/YBwk=' }),
      (e) => is('checksum.invalid')(e) && /Expecting a single x-amz-checksum- header/.test((e as Error).message),
    );
  });

  it('rejects a checksum header together with a checksum trailer, with S3\'s shorter message', () => {
    assert.throws(
      () => parseChecksumHeaders({ 'x-amz-checksum-crc32': CRC32_OF_HELLO_WORLD, 'x-amz-trailer': 'x-amz-checksum-crc32' }),
      (e) => is('checksum.invalid')(e) && (e as Error).message === 'Expecting a single x-amz-checksum- header',
    );
  });

  it('rejects two checksum trailers', () => {
    assert.throws(() => parseChecksumHeaders({ 'x-amz-trailer': 'x-amz-checksum-crc32, x-amz-checksum-sha1' }), is('checksum.invalid'));
  });

  it('tolerates a trailing comma in x-amz-trailer', () => {
    assert.equal(parseChecksumHeaders({ 'x-amz-trailer': 'x-amz-checksum-crc32c,' }).algorithm, 'CRC32C');
  });

  it('rejects x-amz-sdk-checksum-algorithm without a checksum header or trailer', () => {
    assert.throws(
      () => parseChecksumHeaders({ 'x-amz-sdk-checksum-algorithm': 'CRC32' }),
      (e) => is('checksum.invalid')(e) && /no corresponding x-amz-checksum-\* or x-amz-trailer/.test((e as Error).message),
    );
  });

  it('rejects a repeated checksum header', () => {
    assert.throws(() => parseChecksumHeaders({ 'x-amz-checksum-crc32': [CRC32_OF_HELLO_WORLD, CRC32_OF_HELLO_WORLD] }), is('checksum.invalid'));
  });

  it('rejects a value that is not base64, has the wrong length, or is non-canonical', () => {
    for (const bad of ['not base64!', 'AAAA', 'AAAAAAAAAAA=', 'ShexVg=', 'ShexVg', 'ShexVh==', 'Shex Vg==', 'ShexVg==\n=', '']) {
      assert.throws(() => parseChecksumHeaders({ 'x-amz-checksum-crc32': bad }), (e) => {
        return is('checksum.invalid')(e) && (e as Error).message === 'Value for x-amz-checksum-crc32 header is invalid.';
      }, JSON.stringify(bad));
    }
  });

  it('does not echo the offending value in the error message', () => {
    const secretish = 'c2VjcmV0LXZhbHVlLWhlcmU=';
    assert.throws(
      () => parseChecksumHeaders({ 'x-amz-checksum-sha256': secretish }),
      (e) => is('checksum.invalid')(e) && !(e as Error).message.includes(secretish),
    );
  });

  it('rejects an x-amz-sdk-checksum-algorithm that disagrees with the checksum header', () => {
    assert.throws(
      () => parseChecksumHeaders({ 'x-amz-checksum-crc32': CRC32_OF_HELLO_WORLD, 'x-amz-sdk-checksum-algorithm': 'CRC32C' }),
      is('checksum.invalid'),
    );
  });

  it('rejects an unknown algorithm name in x-amz-sdk-checksum-algorithm or x-amz-checksum-algorithm', () => {
    assert.throws(
      () => parseChecksumHeaders({ 'x-amz-sdk-checksum-algorithm': 'ADLER32', 'x-amz-checksum-crc32': CRC32_OF_HELLO_WORLD }),
      (e) => is('checksum.invalid')(e) && (e as Error).message === 'Value for x-amz-sdk-checksum-algorithm header is invalid.',
    );
    assert.throws(() => parseChecksumHeaders({ 'x-amz-checksum-algorithm': 'ADLER32' }), is('checksum.invalid'));
  });

  it('rejects a checksum header naming an algorithm outside the S3 model as InvalidRequest', () => {
    assert.throws(
      () => parseChecksumHeaders({ 'x-amz-checksum-adler32': 'AAAAAA==' }),
      (e) => is('checksum.invalid')(e) && (e as Error).message === 'The algorithm type you specified in x-amz-checksum- header is invalid.',
    );
  });

  it('answers NotImplemented for a checksum header of an algorithm it does not compute instead of ignoring it', () => {
    assert.throws(() => parseChecksumHeaders({ 'x-amz-checksum-xxhash64': 'AAAAAAAAAAA=' }), is('checksum.unsupported_algorithm'));
    assert.throws(() => parseChecksumHeaders({ 'x-amz-trailer': 'x-amz-checksum-sha512' }), is('checksum.unsupported_algorithm'));
  });

  it('ignores x-amz-checksum-mode, which asks for checksums in the response', () => {
    assert.deepEqual(parseChecksumHeaders({ 'x-amz-checksum-mode': 'ENABLED' }), { trailer: false });
  });

  it('rejects a trailer that is not a checksum, as S3 supports only checksum trailers', () => {
    assert.throws(
      () => parseChecksumHeaders({ 'x-amz-trailer': 'x-amz-meta-foo' }),
      (e) => is('checksum.invalid')(e) && (e as Error).message === 'The value specified in the x-amz-trailer header is not supported',
    );
  });

  it('rejects an invalid x-amz-checksum-type', () => {
    assert.throws(() => parseChecksumHeaders({ 'x-amz-checksum-type': 'PARTIAL' }), is('checksum.invalid'));
  });

  it('decodes a valid Content-MD5 alongside a checksum header', () => {
    const r = parseChecksumHeaders({ 'content-md5': '1B2M2Y8AsgTpgAmY7PhCfg==', 'x-amz-checksum-crc32': 'AAAAAA==' });
    assert.equal(r.contentMd5?.toString('hex'), 'd41d8cd98f00b204e9800998ecf8427e');
    assert.equal(r.algorithm, 'CRC32');
  });

  it('rejects a Content-MD5 that is not base64 of 16 bytes as InvalidDigest', () => {
    for (const bad of ['d41d8cd98f00b204e9800998ecf8427e', 'AAAAAA==', '!!!', '']) {
      assert.throws(() => parseChecksumHeaders({ 'content-md5': bad }), is('checksum.invalid_digest'), bad);
    }
  });
});

describe('decodeChecksumValue and decodeContentMd5', () => {
  it('decode trailer values with the same rules as headers', () => {
    assert.equal(decodeChecksumValue('CRC64NVME', 'AAAAAAAAAAA=').length, 8);
    assert.throws(() => decodeChecksumValue('CRC64NVME', 'AAAAAA=='), is('checksum.invalid'));
    assert.equal(decodeContentMd5('1B2M2Y8AsgTpgAmY7PhCfg==').length, 16);
    assert.throws(
      () => decodeChecksumValue('CRC32', 'bad', { trailer: true }),
      (e) => is('checksum.invalid')(e) && (e as Error).message === 'Value for x-amz-checksum-crc32 trailing header is invalid.',
    );
  });

  it('accept surrounding whitespace, as HTTP header values may carry it', () => {
    assert.equal(decodeChecksumValue('CRC32', ` ${CRC32_OF_HELLO_WORLD} `).toString('hex'), '4a17b156');
  });
});
