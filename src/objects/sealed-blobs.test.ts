import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { DataKey } from '../crypto/index.js';
import { isCofferError } from '../shared/index.js';
import { openLocalDiskBlobStore } from '../storage/blobs/local-disk/open-local-disk-blob-store.js';
import type { Segment } from '../storage/metadata/port.js';
import { createSealedBlobs, type SealedBlobs } from './sealed-blobs.js';

const KEY = randomBytes(32);
// Three full 64 KiB chunks and a partial one.
const PLAIN = randomBytes(3 * 65536 + 1000);

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('sealed blobs', () => {
  let dir: string;
  let sealed: SealedBlobs;
  let segment: Segment;
  let small: Segment;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-sealed-'));
    sealed = createSealedBlobs({ blobs: await openLocalDiskBlobStore({ dir }) });
    const write = async (bytes: Buffer): Promise<Segment> => {
      const w = await sealed.write(Readable.from([bytes]), [], { dataKey: DataKey.fromBytes(KEY), sealedKey: 'unused', keyContext: {} });
      return { ...w, size: bytes.length, etag: '""', checksum: null };
    };
    segment = await write(PLAIN);
    small = await write(PLAIN.subarray(0, 4096));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const read = (seg: Segment, start: number, end: number) => readAll(sealed.read(seg, start, end, DataKey.fromBytes(KEY)));

  it('reads back every range, whether it starts in the first chunk (one read) or later (header and chunks apart)', async () => {
    const last = PLAIN.length - 1;
    for (const [start, end] of [[0, last], [0, 0], [10, 100], [0, 70_000], [65_535, 65_536], [70_000, 140_000], [196_608, last], [last, last]] as const) {
      assert.deepEqual(await read(segment, start, end), PLAIN.subarray(start, end + 1), `${start}-${end}`);
    }
    assert.deepEqual(await read(small, 0, 4095), PLAIN.subarray(0, 4096));
  });

  it('fails a read of a blob deleted under it with storage.no_such_blob, on both read paths, without an unhandled stream error', async () => {
    const doomed = await (async () => {
      const w = await sealed.write(Readable.from([PLAIN]), [], { dataKey: DataKey.fromBytes(KEY), sealedKey: 'unused', keyContext: {} });
      return { ...w, size: PLAIN.length, etag: '""', checksum: null };
    })();
    await sealed.delete([doomed.blobId]);
    for (const [start, end] of [[0, 100], [70_000, 140_000]] as const) {
      await assert.rejects(read(doomed, start, end), (e: unknown) => isCofferError(e, 'storage.no_such_blob'), `${start}-${end}`);
    }
    // An 'error' emitted with no listener would surface as an uncaught exception after the reads.
    await new Promise((r) => setTimeout(r, 50));
  });

  it('fails a read of the first chunk when its ciphertext was changed on disk', async () => {
    const path = join(dir, 'blobs', small.blobId.slice(0, 2), small.blobId.slice(2, 4), small.blobId);
    const bytes = readFileSync(path);
    bytes[100]! ^= 1;
    writeFileSync(path, bytes);
    await assert.rejects(read(small, 0, 4095), (e: unknown) => isCofferError(e, 'crypto.integrity'));
  });
});
