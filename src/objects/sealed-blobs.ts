/**
 * Writes and reads encrypted segments: the only place where the object layer meets the
 * envelope (data keys) and the blob store.
 *
 *   write: {dk, sealedKey} = segmentKeys.create(mode, context)     (segment-keys.ts: SSE-S3/KMS/C)
 *          pipeline(plaintext, ...taps, encrypt(dk), blobs.begin().stream); commit
 *   read:  dk = segmentKeys.open(segment, access) (by the caller, before any byte is sent)
 *          plan = planRange(size, start, end)
 *          range starting in chunk 0 (every small object): blobs.read(0..plan.cipherEnd), header
 *            and chunks being contiguous -> decrypt(dk, plan) reads the header from the input
 *          otherwise: blobs.read(header) + blobs.read(plan.cipherStart..plan.cipherEnd) -> decrypt
 */
import { PassThrough, Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore } from '../storage/blobs/port.js';
import type { Segment } from '../storage/metadata/port.js';
import { type DataKey, createEncryptStream, createDecryptStream, headerSize, planRange } from '../crypto/index.js';
import type { PreparedKey } from './segment-keys.js';

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
  write(source: Readable, taps: Transform[], key: PreparedKey, beforeCommit?: () => void | Promise<void>): Promise<WrittenSegment>;
  /** Plaintext bytes [start, end] (inclusive) of a segment, with its opened data key. */
  read(segment: Segment, start: number, end: number, dataKey: DataKey): Readable;
  delete(blobIds: string[]): Promise<void>;
}

export function createSealedBlobs(deps: {
  blobs: BlobStore;
  /**
   * BENCHMARK ONLY: store bodies without the AES-GCM stream (data keys are still created and
   * sealed), so `npm run bench` can attribute the cost of encryption at rest. Only startCoffer's
   * `benchmarkOnlyDisableEncryption` option, which only bench/feature-switch-server.ts sets,
   * reaches it; a normal build cannot read such bodies (no stream header): scratch data only.
   */
  benchmarkOnlyPlaintext?: boolean;
}): SealedBlobs {
  const { blobs } = deps;
  const plaintext = deps.benchmarkOnlyPlaintext === true;
  return {
    async write(source, taps, key, beforeCommit) {
      const writer = await blobs.begin();
      try {
        await pipeline(plaintext ? [source, ...taps, writer.stream] : [source, ...taps, createEncryptStream(key.dataKey), writer.stream]);
        if (beforeCommit) await beforeCommit();
        const blobId = await writer.commit();
        return { blobId, sealedKey: key.sealedKey, keyContext: key.keyContext };
      } catch (err) {
        await writer.abort();
        source.resume();
        throw err;
      } finally {
        key.dataKey.destroy();
      }
    },

    read(segment, start, end, dataKey) {
      if (plaintext) {
        dataKey.destroy();
        return segment.size === 0 || end < start ? new PassThrough().end() : blobs.read(segment.blobId, { start, end });
      }
      const out = new PassThrough();
      (async () => {
        const plan = planRange(segment.size, start, end);
        if (plan.cipherStart === headerSize()) {
          // One file open and read instead of two for the header and the first chunks.
          const whole = blobs.read(segment.blobId, { start: 0, end: plan.cipherEnd });
          await pipeline(whole, createDecryptStream(dataKey, { plaintextSize: segment.size, plan }), out);
          return;
        }
        const header = await collect(blobs.read(segment.blobId, { start: 0, end: headerSize() - 1 }));
        // Opened only now: a stream opened before the header read fails (blob deleted meanwhile)
        // would emit its error with nobody listening, and that takes the process down.
        const body = blobs.read(segment.blobId, { start: plan.cipherStart, end: plan.cipherEnd });
        await pipeline(body, createDecryptStream(dataKey, { plaintextSize: segment.size, plan, header }), out);
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
