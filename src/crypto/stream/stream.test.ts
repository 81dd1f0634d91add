import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { describe, it } from 'node:test';
import { isCofferError } from '../../shared/index.js';
import { DataKey } from '../envelope/data-key.js';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDecryptStream } from './decrypt-stream.js';
import { createEncryptStream } from './encrypt-stream.js';
import {
  DEFAULT_CHUNK_SIZE,
  MAX_CHUNK_SIZE,
  STREAM_HEADER_SIZE,
  TAG_SIZE,
  ciphertextSize,
  parseStreamHeader,
  plaintextSizeOf,
} from './format.js';
import { decrypt, encrypt, pieces } from './testing.js';

const C = DEFAULT_CHUNK_SIZE;

describe('encrypt and decrypt streams', () => {
  for (const size of [0, 1, C - 1, C, C + 1, 3 * C + 7]) {
    it(`round-trips a ${size}-byte plaintext with the default chunk size`, async () => {
      const dk = DataKey.generate();
      const pt = randomBytes(size);
      const blob = await encrypt(dk, pt);
      assert.equal(blob.length, ciphertextSize(size));
      assert.deepEqual(await decrypt(dk, blob, { plaintextSize: size }), pt);
    });

    it(`round-trips a ${size}-byte plaintext whose size is declared up front`, async () => {
      const dk = DataKey.generate();
      const pt = randomBytes(size);
      const blob = await encrypt(dk, pt, { plaintextSize: size }, [1000, 65536, 70000]);
      assert.equal(blob.length, ciphertextSize(size));
      assert.deepEqual(await decrypt(dk, blob, { plaintextSize: size }), pt);
    });
  }

  it('round-trips random sizes written and read in random piece sizes', async () => {
    for (let round = 0; round < 25; round++) {
      const chunkSize = randomInt(1, 300);
      const size = randomInt(0, 5000);
      const dk = DataKey.generate();
      const pt = randomBytes(size);
      const writes = Array.from({ length: 5 }, () => randomInt(1, 2 * chunkSize + 40));
      const reads = Array.from({ length: 5 }, () => randomInt(1, 3 * chunkSize + 40));
      const declared = round % 2 === 0 ? { plaintextSize: size } : {};
      const blob = await encrypt(dk, pt, { chunkSize, ...declared }, writes);
      assert.equal(blob.length, ciphertextSize(size, chunkSize), `size ${size} chunk ${chunkSize}`);
      assert.deepEqual(await decrypt(dk, blob, { plaintextSize: size }, reads), pt);
    }
  });

  it('produces the same ciphertext whatever the write sizes are', async () => {
    const dk = DataKey.generate();
    const pt = randomBytes(1000);
    const salt = randomBytes(20);
    const fixed = { chunkSize: 64, random: () => Buffer.from(salt) };
    const whole = await encrypt(dk, pt, fixed);
    assert.deepEqual(await encrypt(dk, pt, fixed, [1]), whole);
    assert.deepEqual(await encrypt(dk, pt, fixed, [63, 65, 128, 129, 7]), whole);
    assert.deepEqual(await encrypt(dk, pt, { ...fixed, plaintextSize: 1000 }), whole);
    assert.deepEqual(await encrypt(dk, pt, { ...fixed, plaintextSize: 1000 }, [1, 200, 63]), whole);
  });

  it('fails when the input is longer or shorter than the declared size', async () => {
    const dk = DataKey.generate();
    const mismatch = (e: unknown) => isCofferError(e, 'crypto.size_mismatch');
    await assert.rejects(encrypt(dk, randomBytes(101), { plaintextSize: 100 }), mismatch);
    await assert.rejects(encrypt(dk, randomBytes(99), { plaintextSize: 100 }), mismatch);
    await assert.rejects(encrypt(dk, randomBytes(1), { plaintextSize: 0 }), mismatch);
    await assert.rejects(encrypt(dk, Buffer.alloc(0), { plaintextSize: 1 }), mismatch);
  });

  it('encodes an empty plaintext as a header plus one final empty chunk', async () => {
    const blob = await encrypt(DataKey.generate(), Buffer.alloc(0));
    assert.equal(blob.length, STREAM_HEADER_SIZE + TAG_SIZE);
    assert.equal(parseStreamHeader(blob.subarray(0, STREAM_HEADER_SIZE)).chunkSize, C);
  });

  it('does not add an empty chunk after a plaintext that fills its last chunk exactly', async () => {
    const blob = await encrypt(DataKey.generate(), randomBytes(2 * 16), { chunkSize: 16 });
    assert.equal(blob.length, STREAM_HEADER_SIZE + 2 * (16 + TAG_SIZE));
  });

  it('uses a fresh salt per blob so the same key and plaintext give different ciphertexts', async () => {
    const dk = DataKey.generate();
    const pt = randomBytes(100);
    assert.notDeepEqual(await encrypt(dk, pt), await encrypt(dk, pt));
  });

  it('accepts Uint8Array and string writes', async () => {
    const dk = DataKey.generate();
    const enc = createEncryptStream(dk, { chunkSize: 4 });
    const out: Buffer[] = [];
    enc.on('data', (b: Buffer) => out.push(b));
    const done = new Promise((resolve) => enc.on('end', resolve));
    enc.write(new Uint8Array([104, 105]));
    enc.write(' there', 'utf8');
    enc.end();
    await done;
    assert.equal((await decrypt(dk, Buffer.concat(out), { plaintextSize: 8 })).toString(), 'hi there');
  });

  it('round-trips 8 MiB through a slow consumer (backpressure) in one pipeline', async () => {
    const dk = DataKey.generate();
    const pt = randomBytes(8 * 1024 * 1024 + 13);
    const out: Buffer[] = [];
    await pipeline(
      pieces(pt, [1000, 70000, 65536, 3]),
      createEncryptStream(dk),
      createDecryptStream(dk, { plaintextSize: pt.length }),
      new Writable({
        highWaterMark: 1024,
        write(chunk: Buffer, _e, cb) {
          out.push(chunk);
          setImmediate(cb);
        },
      }),
    );
    assert.ok(Buffer.concat(out).equals(pt));
  });

  it('decrypts with the header passed separately', async () => {
    const dk = DataKey.generate();
    const pt = randomBytes(300);
    const blob = await encrypt(dk, pt, { chunkSize: 32 });
    const header = blob.subarray(0, STREAM_HEADER_SIZE);
    assert.deepEqual(await decrypt(dk, blob.subarray(STREAM_HEADER_SIZE), { plaintextSize: 300, header }), pt);
  });

  it('rejects chunk sizes outside 1..16 MiB', () => {
    for (const chunkSize of [0, -1, 1.5, MAX_CHUNK_SIZE + 1]) {
      assert.throws(() => createEncryptStream(DataKey.generate(), { chunkSize }), (e) => isCofferError(e, 'crypto.invalid_chunk_size'));
    }
  });
});

describe('ciphertextSize and plaintextSizeOf', () => {
  it('computes the exact blob size: header, plaintext and one tag per chunk', () => {
    assert.equal(ciphertextSize(0), 48);
    assert.equal(ciphertextSize(1), 49);
    assert.equal(ciphertextSize(C), 32 + C + 16);
    assert.equal(ciphertextSize(C + 1), 32 + C + 1 + 32);
    assert.equal(ciphertextSize(5 * 1024 ** 4), 32 + 5 * 1024 ** 4 + 16 * (5 * 1024 ** 4) / C);
  });

  it('inverts ciphertextSize for every small size and rejects sizes no plaintext has', () => {
    const chunkSize = 8;
    const valid = new Map<number, number>();
    for (let p = 0; p < 100; p++) valid.set(ciphertextSize(p, chunkSize), p);
    for (let b = 0; b < ciphertextSize(99, chunkSize); b++) {
      const p = valid.get(b);
      if (p === undefined) assert.throws(() => plaintextSizeOf(b, chunkSize), (e) => isCofferError(e, 'crypto.integrity'), `blob size ${b}`);
      else assert.equal(plaintextSizeOf(b, chunkSize), p);
    }
  });
});
