import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isCofferError } from '../../shared/errors.js';
import { CHECKSUM_ALGORITHMS } from './algorithms.js';
import { digestOf } from './hasher.js';
import { createChecksumTap } from './tap.js';

function sink(): { stream: Writable; chunks: Buffer[]; finished: () => boolean } {
  const chunks: Buffer[] = [];
  let done = false;
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
    final(cb) {
      done = true;
      cb();
    },
  });
  return { stream, chunks, finished: () => done };
}

describe('createChecksumTap', () => {
  it('passes bytes through unchanged and computes every requested digest plus MD5', async () => {
    const data = randomBytes(300_000);
    const tap = createChecksumTap({ algorithms: [...CHECKSUM_ALGORITHMS], md5: true });
    const out = sink();
    await pipeline(Readable.from([data.subarray(0, 1000), data.subarray(1000)]), tap, out.stream);
    assert.deepEqual(Buffer.concat(out.chunks), data);
    const r = tap.result();
    assert.equal(r.size, data.length);
    for (const alg of CHECKSUM_ALGORITHMS) assert.deepEqual(r.checksums[alg], digestOf(alg, data), alg);
    assert.deepEqual(r.md5, digestOf('MD5', data));
  });

  it('gives the same digests for 1-byte writes as for one write', async () => {
    const data = randomBytes(2000);
    const tap = createChecksumTap({ algorithms: ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA256'], md5: true });
    const out = sink();
    const pieces = Array.from(data, (_b, i) => data.subarray(i, i + 1));
    await pipeline(Readable.from(pieces), tap, out.stream);
    const r = tap.result();
    assert.deepEqual(r.checksums.CRC64NVME, digestOf('CRC64NVME', data));
    assert.deepEqual(r.checksums.CRC32C, digestOf('CRC32C', data));
    assert.deepEqual(r.checksums.CRC32, digestOf('CRC32', data));
    assert.deepEqual(r.checksums.SHA256, digestOf('SHA256', data));
    assert.deepEqual(r.md5, digestOf('MD5', data));
  });

  it('reports the digests of an empty body', async () => {
    const tap = createChecksumTap({ algorithms: ['CRC32'], md5: false });
    await pipeline(Readable.from([]), tap, sink().stream);
    assert.equal(tap.result().checksums.CRC32?.toString('base64'), 'AAAAAA==');
    assert.equal(tap.result().md5, undefined);
  });

  it('refuses to report results before the stream has ended', () => {
    const tap = createChecksumTap({ algorithms: ['CRC32'], md5: false });
    assert.equal(tap.done, false);
    assert.throws(() => tap.result(), (e) => isCofferError(e, 'checksum.not_finished'));
  });

  it('accepts a matching expected digest supplied late, as for an aws-chunked trailer', async () => {
    const data = randomBytes(5000);
    let trailer: Buffer | undefined;
    const tap = createChecksumTap({ algorithms: ['CRC64NVME'], md5: false, expected: () => ({ CRC64NVME: trailer }) });
    const body = new PassThrough();
    const done = pipeline(body, tap, sink().stream);
    body.write(data);
    trailer = digestOf('CRC64NVME', data); // known only after the body, before end
    body.end();
    await done;
    assert.equal(tap.done, true);
  });

  it('fails the stream with BadDigest before the writer sees end-of-stream when a digest differs', async () => {
    const data = randomBytes(5000);
    const wrong = digestOf('CRC32', Buffer.from('something else'));
    const tap = createChecksumTap({ algorithms: ['CRC32'], md5: false, expected: { CRC32: wrong } });
    const out = sink();
    await assert.rejects(pipeline(Readable.from([data]), tap, out.stream), (e) => isCofferError(e, 'checksum.bad_digest'));
    assert.equal(out.finished(), false);
  });

  it('fails with BadDigest when Content-MD5 differs', async () => {
    const tap = createChecksumTap({ algorithms: [], md5: true, expected: { MD5: Buffer.alloc(16) } });
    await assert.rejects(pipeline(Readable.from([Buffer.from('x')]), tap, sink().stream), (e) => isCofferError(e, 'checksum.bad_digest'));
  });

  it('fails when the body is shorter than the declared length', async () => {
    const tap = createChecksumTap({ algorithms: ['CRC32'], md5: false, expectedSize: 10 });
    await assert.rejects(pipeline(Readable.from([Buffer.from('short')]), tap, sink().stream), (e) =>
      isCofferError(e, 'checksum.size_mismatch'),
    );
  });
});
