/**
 * Child process of crash-safety.test.ts: writes blobs and metadata in an endless loop, following
 * the write protocol the object service uses, until the parent kills it with SIGKILL.
 *
 *   usage: node --import tsx crash-writer.child.ts <dir> <metadata key hex>
 *
 * Each version's segment carries the MD5 of its blob as its ETag so the parent can check that
 * every referenced blob is complete. Prints the iteration number after each one.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isCofferError } from '../../shared/index.js';
import type { BlobStore } from '../blobs/port.js';
import type { Segment } from '../metadata/port.js';
import { openLocalDiskBlobStore } from '../blobs/local-disk/open-local-disk-blob-store.js';
import { openSqliteMetadataStore } from '../metadata/sqlite/open-sqlite-metadata-store.js';

const [dir, keyHex] = process.argv.slice(2);
if (dir === undefined || keyHex === undefined) throw new Error('usage: crash-writer.child.ts <dir> <key hex>');

const metadata = await openSqliteMetadataStore({ path: join(dir, 'metadata.db'), encryptionKey: Buffer.from(keyHex, 'hex') });
const blobs = await openLocalDiskBlobStore({ dir: join(dir, 'blobs') });
const BUCKET = 'crash';

try {
  await metadata.createBucket({ name: BUCKET, region: 'us-east-1', createdAt: Date.now(), versioning: 'Enabled', owner: 'o', tags: null });
} catch (e) {
  if (!isCofferError(e, 'storage.bucket_exists')) throw e;
}

async function writeBlob(store: BlobStore): Promise<Segment> {
  const size = randomInt(0, 300_000);
  const data = randomBytes(size);
  const w = await store.begin();
  // Several chunks so a kill can land mid-write.
  const chunks = [];
  for (let o = 0; o < size; o += 16_384) chunks.push(data.subarray(o, o + 16_384));
  await pipeline(Readable.from(chunks), w.stream);
  const blobId = await w.commit();
  const etag = `"${createHash('md5').update(data).digest('hex')}"`;
  return { blobId, size, sealedKey: '', keyContext: {}, etag, checksum: null };
}

function record(key: string, versionId: string, segments: Segment[]) {
  return {
    bucket: BUCKET,
    key,
    versionId,
    seq: 0,
    isDeleteMarker: false,
    size: segments.reduce((n, s) => n + s.size, 0),
    etag: segments[0]?.etag ?? '""',
    lastModified: Date.now(),
    contentType: null,
    system: {},
    userMetadata: {},
    tags: {},
    checksum: null,
    partsCount: segments.length > 1 ? segments.length : null,
    segments,
    owner: 'o',
  };
}

for (let i = 0; ; i++) {
  const key = `k${randomInt(0, 20)}`;
  const op = randomInt(0, 10);
  if (op < 5) {
    await metadata.putVersion(record(key, randomBytes(8).toString('hex'), [await writeBlob(blobs)]), { replaceNull: false });
  } else if (op < 7) {
    const { replaced } = await metadata.putVersion(record(key, 'null', [await writeBlob(blobs)]), { replaceNull: true });
    for (const s of replaced?.segments ?? []) await blobs.delete(s.blobId);
  } else if (op < 8) {
    const [oldest] = (await metadata.listVersions(BUCKET, { prefix: key, limit: 100 })).filter((v) => v.key === key).slice(-1);
    if (oldest !== undefined) {
      await metadata.deleteVersion(BUCKET, key, oldest.versionId);
      for (const s of oldest.segments) await blobs.delete(s.blobId);
    }
  } else {
    // Multipart: two or three parts, sometimes completed with only some of them.
    const uploadId = randomBytes(8).toString('hex');
    await metadata.createUpload({
      uploadId, bucket: BUCKET, key, initiated: Date.now(), contentType: null, system: {}, userMetadata: {}, tags: {},
      checksumAlgorithm: null, checksumType: null, owner: 'o',
    });
    const n = randomInt(2, 4);
    const segments: Segment[] = [];
    for (let p = 1; p <= n; p++) {
      const segment = await writeBlob(blobs);
      segments.push(segment);
      await metadata.putPart({ uploadId, partNumber: p, lastModified: Date.now(), segment });
    }
    if (randomInt(0, 4) > 0) {
      const used = randomInt(0, 2) === 0 ? [1, 2] : Array.from({ length: n }, (_, k) => k + 1);
      const done = await metadata.completeUpload(uploadId, record(key, randomBytes(8).toString('hex'), segments.slice(0, used.length)), {
        replaceNull: false,
        usedParts: used,
      });
      for (const p of done.unusedParts) await blobs.delete(p.segment.blobId);
    }
  }
  process.stdout.write(`${i}\n`);
}
