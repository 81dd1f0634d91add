import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { isCofferError } from '../../shared/index.js';
import { DataKey } from '../envelope/data-key.js';
import { STREAM_HEADER_SIZE } from './format.js';
import { planRange } from './plan-range.js';
import { decrypt, encrypt } from './testing.js';

describe('planRange', () => {
  it('maps a range to the chunks holding it and their inclusive ciphertext bytes', () => {
    // chunk size 10, tag 16: chunk i starts at 32 + 26 i; 25 bytes = chunks of 10, 10, 5
    assert.deepEqual(planRange(25, 0, 0, { chunkSize: 10 }), {
      cipherStart: 32, cipherEnd: 57, firstChunkIndex: 0, lastChunkIndex: 0, skipBytes: 0, takeBytes: 1,
    });
    assert.deepEqual(planRange(25, 9, 10, { chunkSize: 10 }), {
      cipherStart: 32, cipherEnd: 83, firstChunkIndex: 0, lastChunkIndex: 1, skipBytes: 9, takeBytes: 2,
    });
    assert.deepEqual(planRange(25, 21, 24, { chunkSize: 10 }), {
      cipherStart: 84, cipherEnd: 84 + 5 + 16 - 1, firstChunkIndex: 2, lastChunkIndex: 2, skipBytes: 1, takeBytes: 4,
    });
  });

  it('uses 64 KiB chunks by default', () => {
    const p = planRange(10 * 65536, 65536 * 3 + 5, 65536 * 4);
    assert.equal(p.firstChunkIndex, 3);
    assert.equal(p.lastChunkIndex, 4);
    assert.equal(p.cipherStart, 32 + 3 * (65536 + 16));
    assert.equal(p.cipherEnd, 32 + 5 * (65536 + 16) - 1);
  });

  it('rejects empty, inverted and out-of-bounds ranges', () => {
    for (const [size, start, end] of [[0, 0, 0], [10, 5, 4], [10, -1, 3], [10, 0, 10], [10, 0.5, 3]] as const) {
      assert.throws(() => planRange(size, start, end), (e) => isCofferError(e, 'crypto.invalid_range'), `${size} ${start}-${end}`);
    }
  });
});

describe('ranged decryption', () => {
  it('returns exactly the plaintext slice for every range of a three-chunk object', async () => {
    const chunkSize = 7;
    const size = 3 * chunkSize - 2; // last chunk shorter than the others
    const dk = DataKey.generate();
    const pt = randomBytes(size);
    const blob = await encrypt(dk, pt, { chunkSize });
    const header = blob.subarray(0, STREAM_HEADER_SIZE);
    let checked = 0;
    for (let start = 0; start < size; start++) {
      for (let end = start; end < size; end++) {
        const plan = planRange(size, start, end, { chunkSize });
        const body = blob.subarray(plan.cipherStart, plan.cipherEnd + 1);
        const want = pt.subarray(start, end + 1);
        assert.deepEqual(await decrypt(dk, body, { plaintextSize: size, range: { start, end }, header }), want);
        // Header in-band instead of passed separately, read one byte at a time.
        const inBand = Buffer.concat([header, body]);
        assert.deepEqual(await decrypt(dk, inBand, { plaintextSize: size, range: { start, end } }, [1]), want);
        checked++;
      }
    }
    assert.equal(checked, (size * (size + 1)) / 2);
  });

  it('accepts the plan itself instead of the range', async () => {
    const dk = DataKey.generate();
    const pt = randomBytes(100);
    const blob = await encrypt(dk, pt, { chunkSize: 16 });
    const plan = planRange(100, 20, 70, { chunkSize: 16 });
    const out = await decrypt(dk, blob.subarray(plan.cipherStart, plan.cipherEnd + 1), {
      plaintextSize: 100,
      plan,
      header: blob.subarray(0, STREAM_HEADER_SIZE),
    });
    assert.deepEqual(out, pt.subarray(20, 71));
  });

  it('rejects a plan made with a chunk size other than the one in the header', async () => {
    const dk = DataKey.generate();
    const blob = await encrypt(dk, randomBytes(100), { chunkSize: 16 });
    const plan = planRange(100, 20, 70, { chunkSize: 32 });
    await assert.rejects(
      decrypt(dk, blob.subarray(plan.cipherStart, plan.cipherEnd + 1), {
        plaintextSize: 100,
        plan,
        header: blob.subarray(0, STREAM_HEADER_SIZE),
      }),
      (e) => isCofferError(e, 'crypto.invalid_range'),
    );
  });
});
