import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { isCofferError } from '../../shared/index.js';
import { DataKey } from '../envelope/data-key.js';
import { createDecryptStream } from './decrypt-stream.js';
import { STREAM_HEADER_SIZE, TAG_SIZE } from './format.js';
import { planRange } from './plan-range.js';
import { decrypt, encrypt, pieces } from './testing.js';

const C = 16;
const STRIDE = C + TAG_SIZE;
const SIZE = 3 * C + 7; // chunks of 16, 16, 16, 7

async function fixture() {
  const dk = DataKey.generate();
  const pt = randomBytes(SIZE);
  const blob = await encrypt(dk, pt, { chunkSize: C });
  const chunk = (i: number) => blob.subarray(STREAM_HEADER_SIZE + i * STRIDE, Math.min(blob.length, STREAM_HEADER_SIZE + (i + 1) * STRIDE));
  return { dk, pt, blob, chunk };
}

const isIntegrity = (e: unknown) => isCofferError(e, 'crypto.integrity');

function flip(buf: Buffer, byte: number, bit = 0): Buffer {
  const copy = Buffer.from(buf);
  copy[byte]! ^= 1 << bit;
  return copy;
}

/** Plaintext released before the stream failed, and the error. */
async function releasedBeforeError(dk: DataKey, blob: Buffer, plaintextSize: number) {
  const out: Buffer[] = [];
  const dec = createDecryptStream(dk, { plaintextSize });
  dec.on('data', (b: Buffer) => out.push(b));
  const error = await new Promise<unknown>((resolve) => {
    dec.on('error', resolve);
    dec.on('end', () => resolve(null));
    pieces(blob, [7]).pipe(dec);
  });
  return { released: Buffer.concat(out), error };
}

describe('tamper detection', () => {
  it('rejects a flipped bit in any byte of the blob: header, chunk bodies or tags', async () => {
    const { dk, blob } = await fixture();
    for (let byte = 0; byte < blob.length; byte++) {
      await assert.rejects(decrypt(dk, flip(blob, byte, byte % 8), { plaintextSize: SIZE }), isIntegrity, `byte ${byte}`);
    }
  });

  it('rejects a flipped bit in the header when the header is passed separately', async () => {
    const { dk, blob } = await fixture();
    for (const byte of [0, 4, 5, 6, 9, 11, 12, 31]) {
      const header = flip(blob.subarray(0, STREAM_HEADER_SIZE), byte);
      await assert.rejects(decrypt(dk, blob.subarray(STREAM_HEADER_SIZE), { plaintextSize: SIZE, header }), isIntegrity, `byte ${byte}`);
    }
  });

  it('rejects a flipped bit in a tag', async () => {
    const { dk, blob } = await fixture();
    const tagOfChunk1 = STREAM_HEADER_SIZE + STRIDE + C;
    await assert.rejects(decrypt(dk, flip(blob, tagOfChunk1 + 3), { plaintextSize: SIZE }), isIntegrity);
  });

  it('never releases plaintext of the chunk that failed or of any later chunk', async () => {
    const { dk, pt, blob } = await fixture();
    const { released, error } = await releasedBeforeError(dk, flip(blob, STREAM_HEADER_SIZE + 2 * STRIDE + 1), SIZE);
    assert.ok(isIntegrity(error));
    assert.deepEqual(released, pt.subarray(0, 2 * C));
  });

  it('rejects two swapped chunks', async () => {
    const { dk, blob, chunk } = await fixture();
    const swapped = Buffer.concat([blob.subarray(0, STREAM_HEADER_SIZE), chunk(1), chunk(0), chunk(2), chunk(3)]);
    await assert.rejects(decrypt(dk, swapped, { plaintextSize: SIZE }), isIntegrity);
  });

  it('rejects a blob whose last chunk was dropped, whether or not the size was adjusted too', async () => {
    const { dk, blob } = await fixture();
    const cut = blob.subarray(0, STREAM_HEADER_SIZE + 3 * STRIDE); // ends at a chunk boundary
    await assert.rejects(decrypt(dk, cut, { plaintextSize: SIZE }), isIntegrity);
    // Metadata also rewritten to the shorter size: the new last chunk was sealed as non-final.
    await assert.rejects(decrypt(dk, cut, { plaintextSize: 3 * C }), isIntegrity);
    await assert.rejects(decrypt(dk, blob.subarray(0, STREAM_HEADER_SIZE + STRIDE), { plaintextSize: C }), isIntegrity);
  });

  it('rejects a blob truncated inside a chunk or inside the header', async () => {
    const { dk, blob } = await fixture();
    for (const len of [0, 5, STREAM_HEADER_SIZE, STREAM_HEADER_SIZE + 10, blob.length - 1]) {
      await assert.rejects(decrypt(dk, blob.subarray(0, len), { plaintextSize: SIZE }), isIntegrity, `length ${len}`);
    }
  });

  it('rejects an appended chunk, whether or not the size was adjusted too', async () => {
    const { dk, blob, chunk } = await fixture();
    const extended = Buffer.concat([blob, chunk(0)]);
    await assert.rejects(decrypt(dk, extended, { plaintextSize: SIZE }), isIntegrity);
    await assert.rejects(decrypt(dk, extended, { plaintextSize: SIZE + C }), isIntegrity);
    await assert.rejects(decrypt(dk, Buffer.concat([blob, Buffer.from([0])]), { plaintextSize: SIZE }), isIntegrity);
  });

  it('rejects an empty blob extended with a copy of its final chunk', async () => {
    const dk = DataKey.generate();
    const blob = await encrypt(dk, Buffer.alloc(0), { chunkSize: C });
    assert.deepEqual(await decrypt(dk, blob, { plaintextSize: 0 }), Buffer.alloc(0));
    const tag = blob.subarray(STREAM_HEADER_SIZE);
    await assert.rejects(decrypt(dk, Buffer.concat([blob, tag]), { plaintextSize: 0 }), isIntegrity);
  });

  it('rejects a chunk taken from another blob sealed with the same data key', async () => {
    const a = await fixture();
    const other = await encrypt(a.dk, randomBytes(SIZE), { chunkSize: C });
    const spliced = Buffer.from(a.blob);
    other.copy(spliced, STREAM_HEADER_SIZE + STRIDE, STREAM_HEADER_SIZE + STRIDE, STREAM_HEADER_SIZE + 2 * STRIDE);
    await assert.rejects(decrypt(a.dk, spliced, { plaintextSize: SIZE }), isIntegrity);
    // Same for the other blob's header in front of our chunks.
    const rehead = Buffer.concat([other.subarray(0, STREAM_HEADER_SIZE), a.blob.subarray(STREAM_HEADER_SIZE)]);
    await assert.rejects(decrypt(a.dk, rehead, { plaintextSize: SIZE }), isIntegrity);
  });

  it('rejects a blob opened with a different data key', async () => {
    const { blob } = await fixture();
    await assert.rejects(decrypt(DataKey.generate(), blob, { plaintextSize: SIZE }), isIntegrity);
  });

  it('rejects a wrong plaintext size that keeps the chunk count', async () => {
    const { dk, blob } = await fixture();
    await assert.rejects(decrypt(dk, blob, { plaintextSize: SIZE - 1 }), isIntegrity);
    await assert.rejects(decrypt(dk, blob, { plaintextSize: SIZE + 1 }), isIntegrity);
  });

  it('detects tampering, truncation and extension in ranged reads too', async () => {
    const { dk, blob } = await fixture();
    const header = blob.subarray(0, STREAM_HEADER_SIZE);
    const plan = planRange(SIZE, 20, SIZE - 1, { chunkSize: C });
    const body = blob.subarray(plan.cipherStart, plan.cipherEnd + 1);
    const range = { start: 20, end: SIZE - 1 };
    await assert.rejects(decrypt(dk, flip(body, body.length - 1), { plaintextSize: SIZE, range, header }), isIntegrity);
    await assert.rejects(decrypt(dk, body.subarray(0, STRIDE), { plaintextSize: SIZE, range, header }), isIntegrity);
    await assert.rejects(decrypt(dk, Buffer.concat([body, body.subarray(0, STRIDE)]), { plaintextSize: SIZE, range, header }), isIntegrity);
    // A range ending at a chunk boundary of a blob whose real final chunk was cut off.
    const cutPlan = planRange(3 * C, 2 * C, 3 * C - 1, { chunkSize: C });
    const cutBody = blob.subarray(cutPlan.cipherStart, cutPlan.cipherEnd + 1);
    await assert.rejects(decrypt(dk, cutBody, { plaintextSize: 3 * C, range: { start: 2 * C, end: 3 * C - 1 }, header }), isIntegrity);
  });

  it('rejects input that is not a Coffer blob', async () => {
    await assert.rejects(decrypt(DataKey.generate(), randomBytes(200), { plaintextSize: 100 }), isIntegrity);
  });
});
