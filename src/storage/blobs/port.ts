/**
 * Blob store port: opaque, immutable, already-encrypted byte blobs. Every adapter (local disk
 * today, any S3-compatible store later) implements it and passes `runBlobStoreContract`.
 *
 * Write protocol (crash safety):
 *   const w = await blobs.begin();        // temp location, invisible
 *   await pipeline(source, w.stream);     // bytes flow, never buffered whole
 *   const id = await w.commit();          // fsync data, atomically move into place, fsync dir
 *   ... metadata transaction references id ...
 * A crash before commit leaves only a temp file, removed by `cleanupTemp()` at start-up.
 * A crash after commit but before the metadata write leaves an unreferenced blob, removed by
 * `collectOrphans(referenced)` at start-up. Blobs are never modified after commit.
 */
import type { Readable, Writable } from 'node:stream';

export interface BlobWriter {
  /** Where bytes go. End it (e.g. via pipeline) before commit(). */
  readonly stream: Writable;
  /** Makes the blob durable and visible; returns its id. */
  commit(): Promise<string>;
  /** Discards the temp data; safe to call after errors and more than once. */
  abort(): Promise<void>;
}

export interface BlobStore {
  begin(): Promise<BlobWriter>;
  /** Reads bytes [start, end] inclusive (whole blob when omitted). Errors with 'storage.no_such_blob'. */
  read(blobId: string, range?: { start: number; end: number }): Readable;
  /** Size in bytes of a committed blob. */
  size(blobId: string): Promise<number>;
  /** Deletes a blob; deleting a missing blob is not an error. */
  delete(blobId: string): Promise<void>;
  /** Removes temp files left by a crash. Returns how many were removed. */
  cleanupTemp(): Promise<number>;
  /** Deletes committed blobs not in `referenced` and older than `graceMs`. Returns how many. */
  collectOrphans(referenced: Set<string>, graceMs: number): Promise<number>;
  close(): Promise<void>;
}
