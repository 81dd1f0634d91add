/**
 * Writes and reads encrypted segments: the only place where the object layer meets the
 * envelope (data keys) and the blob store.
 *
 *   write: dk = envelope.generateDataKey(); sealed = envelope.seal(dk, context)
 *          pipeline(plaintext, ...taps, encrypt(dk), blobs.begin().stream); commit
 *   read:  dk = envelope.open(sealed, context); plan = planRange(size, start, end)
 *          blobs.read(header) + blobs.read(plan.cipherStart..plan.cipherEnd) -> decrypt(dk, plan)
 */
import { randomBytes } from 'node:crypto';
import { PassThrough, Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore } from '../storage/blobs/port.js';
import type { Segment } from '../storage/metadata/port.js';
import {
  type Envelope,
  createEncryptStream,
  createDecryptStream,
  headerSize,
  planRange,
  sealedKeyFromString,
  sealedKeyToString,
} from '../crypto/index.js';

export interface WrittenSegment {
  blobId: string;
  sealedKey: string;
  keyContext: Record<string, string>;
}

export interface SealedBlobs {
  /**
   * Streams `source` through `taps` (checksums, limits), encrypts it and commits a blob.
   * `beforeCommit` runs after the whole body has been read and may throw to abort.
   */
  write(
    source: Readable,
    taps: Transform[],
    context: Record<string, string>,
    beforeCommit?: () => void | Promise<void>,
  ): Promise<WrittenSegment>;
  /** Plaintext bytes [start, end] (inclusive) of a segment. */
  read(segment: Segment, start: number, end: number): Readable;
  delete(blobIds: string[]): Promise<void>;
}

export function createSealedBlobs(deps: { blobs: BlobStore; envelope: Envelope }): SealedBlobs {
  const { blobs, envelope } = deps;
  return {
    async write(source, taps, baseContext, beforeCommit) {
      // A random id in the context makes every sealed key unique to its blob, so a key sealed
      // for one blob can never open another (no rollback by swapping rows for the same name).
      const keyContext = { ...baseContext, uid: randomBytes(12).toString('base64url') };
      const dataKey = envelope.generateDataKey();
      const sealed = envelope.seal(dataKey, keyContext);
      const writer = await blobs.begin();
      try {
        await pipeline([source, ...taps, createEncryptStream(dataKey), writer.stream]);
        if (beforeCommit) await beforeCommit();
        const blobId = await writer.commit();
        return { blobId, sealedKey: sealedKeyToString(sealed), keyContext };
      } catch (err) {
        await writer.abort();
        source.resume();
        throw err;
      }
    },

    read(segment, start, end) {
      const out = new PassThrough();
      (async () => {
        const dataKey = envelope.open(sealedKeyFromString(segment.sealedKey), segment.keyContext);
        const plan = planRange(segment.size, start, end);
        const header = blobs.read(segment.blobId, { start: 0, end: headerSize() - 1 });
        const body = blobs.read(segment.blobId, { start: plan.cipherStart, end: plan.cipherEnd });
        const decrypt = createDecryptStream(dataKey, { plaintextSize: segment.size, plan, header: await collect(header) });
        await pipeline(body, decrypt, out);
      })().catch((err: unknown) => out.destroy(err as Error));
      return out;
    },

    async delete(blobIds) {
      await Promise.all(blobIds.map((id) => blobs.delete(id)));
    },
  };
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Concatenates plaintext ranges of several segments into one stream, opening each lazily. */
export function concatSegments(parts: Array<() => Readable>): Readable {
  return Readable.from(
    (async function* () {
      for (const open of parts) {
        for await (const chunk of open()) yield chunk as Buffer;
      }
    })(),
    { objectMode: false },
  );
}
