/**
 * BENCHMARK ONLY: segments stored without body encryption, so `npm run bench` can attribute
 * what encryption at rest costs (issue: feature switches exist only in the bench build). Data
 * keys are still created and sealed (their cost stays in the comparison); only the AES-GCM
 * stream over the body is skipped. Nothing in configuration, environment or the CLI reaches
 * this: only startCoffer's `benchmarkOnlyDisableEncryption` option, which only
 * bench/feature-switch-server.ts sets. Bodies written this way are not readable by a normal
 * build (they have no stream header), which is intended: such data directories are scratch.
 */
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore } from '../storage/blobs/port.js';
import type { SealedBlobs } from './sealed-blobs.js';

export function createPlaintextBlobsForBenchmark(deps: { blobs: BlobStore }): SealedBlobs {
  const { blobs } = deps;
  return {
    async write(source, taps, key, beforeCommit) {
      const writer = await blobs.begin();
      try {
        await pipeline([source, ...taps, writer.stream]);
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
      dataKey.destroy();
      if (segment.size === 0 || end < start) return new PassThrough().end();
      return blobs.read(segment.blobId, { start, end });
    },
    async delete(blobIds) {
      await Promise.all(blobIds.map((id) => blobs.delete(id)));
    },
  };
}
