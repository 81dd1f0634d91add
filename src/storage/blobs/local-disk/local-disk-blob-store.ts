/**
 * BlobStore on a local filesystem.
 *
 *   layout   <dir>/tmp/<id>.tmp          bytes being written (invisible)
 *            <dir>/blobs/<ab>/<cd>/<id>  committed, immutable; id = 32 hex digits: a fan-out
 *                                        prefix <abcd> shared by the next SHARD_RUN blobs of this
 *                                        process, then 112 random bits
 *   commit   the stream fsyncs before it closes (flush) -> wait for the close -> mkdir fan-out
 *            dirs, fsync their parents (once per dir) -> rename(temp, final) -> fsync(final dir),
 *            one fsync shared by the renames into that dir while it runs (group-sync.ts)
 *   why the shared prefix: concurrent PUTs then rename into the same directory and share its
 *            fsync and its creation, instead of one directory fsync (and often a mkdir plus a
 *            parent fsync) each; every prefix is still drawn at random, so dirs fill evenly
 *   crash    before rename: a temp file (cleanupTemp); after rename but before the metadata
 *            write: an unreferenced blob (collectOrphans)
 *   perms    files 0600, directories 0700
 *
 * Blob ids are validated against /^[0-9a-f]{32}$/ before they touch a path, so an id read from
 * elsewhere can never name a file outside blobs/.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, open as openCb, read as readCb, close as closeCb } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { CofferError, systemClock, type Clock } from '../../../shared/index.js';
import { createGroupSync, type GroupSync } from '../../group-sync.js';
import type { BlobStore, BlobWriter } from '../port.js';

const ID_PATTERN = /^[0-9a-f]{32}$/;
const TEMP_SUFFIX = '.tmp';
/** Read chunk size: large enough for throughput, small enough to bound memory per stream. */
const READ_CHUNK = 256 * 1024;
/** Blobs created under one fan-out prefix before the next is drawn. */
const SHARD_RUN = 128;

export interface LocalDiskBlobStoreOptions {
  /** Root directory; created (0700) if missing. */
  dir: string;
  /** Time source for the orphan grace period (default: system clock). */
  clock?: Clock;
}

function isErrno(e: unknown, code: string): boolean {
  return (e as NodeJS.ErrnoException | null)?.code === code;
}

function noSuchBlob(cause?: unknown): CofferError {
  return new CofferError('storage.no_such_blob', { message: 'blob does not exist', cause });
}

/** fsync a directory so entries created or renamed in it survive a crash. */
async function syncDir(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function unlinkIfPresent(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return false;
    throw e;
  }
}

export class LocalDiskBlobStore implements BlobStore {
  readonly #tmp: string;
  readonly #blobs: string;
  readonly #clock: Clock;
  /** Fan-out directories known to exist durably (creation plus parent fsync). */
  readonly #dirs = new Map<string, Promise<void>>();
  /** Temp files of writers still in progress in this process; cleanupTemp leaves them alone. */
  readonly #active = new Set<string>();
  /** Directory fsyncs in progress, by directory, with how many commits wait on each. */
  readonly #dirSyncs = new Map<string, { group: GroupSync; users: number }>();
  #shard = '';
  #shardLeft = 0;
  #closed = false;

  constructor(dir: string, clock: Clock) {
    this.#tmp = join(dir, 'tmp');
    this.#blobs = join(dir, 'blobs');
    this.#clock = clock;
  }

  /** Creates the root, tmp/ and blobs/ durably. */
  async init(root: string): Promise<void> {
    await mkdir(root, { recursive: true, mode: 0o700 });
    for (const d of [this.#tmp, this.#blobs]) {
      await mkdir(d, { recursive: true, mode: 0o700 });
    }
    await syncDir(root);
  }

  #path(id: string): string {
    return join(this.#blobs, id.slice(0, 2), id.slice(2, 4), id);
  }

  #assertOpen(): void {
    if (this.#closed) throw new CofferError('storage.closed', { message: 'blob store is closed' });
  }

  /** mkdir `path` (one level below an existing `parent`) and fsync the parent, once per process. */
  #ensureDir(parent: string, path: string): Promise<void> {
    let p = this.#dirs.get(path);
    if (p === undefined) {
      p = (async () => {
        try {
          await mkdir(path, { mode: 0o700 });
        } catch (e) {
          if (!isErrno(e, 'EEXIST')) throw e;
        }
        // Even when it already existed, another writer may not have synced the parent yet.
        await syncDir(parent);
      })();
      p.catch(() => this.#dirs.delete(path));
      this.#dirs.set(path, p);
    }
    return p;
  }

  /** fsync `dir` after an entry was created in it, sharing the sync with concurrent callers. */
  async #syncDirShared(dir: string): Promise<void> {
    let entry = this.#dirSyncs.get(dir);
    if (entry === undefined) {
      const group = createGroupSync({
        sync: () => syncDir(dir),
        failed: (cause) => new CofferError('storage.blob_write_failed', { message: 'directory sync failed', cause }),
        closed: () => new CofferError('storage.closed', { message: 'blob store is closed' }),
      });
      entry = { group, users: 0 };
      this.#dirSyncs.set(dir, entry);
    }
    entry.users += 1;
    try {
      await entry.group.durable();
    } finally {
      // The last waiter drops the group: a later commit (or a retry after a failure) starts afresh.
      if (--entry.users === 0 && this.#dirSyncs.get(dir) === entry) this.#dirSyncs.delete(dir);
    }
  }

  /** A new blob id: the current fan-out prefix (see the file header) + 112 random bits. */
  #newId(): string {
    if (this.#shardLeft <= 0) {
      this.#shard = randomBytes(2).toString('hex');
      this.#shardLeft = SHARD_RUN;
    }
    this.#shardLeft -= 1;
    return this.#shard + randomBytes(14).toString('hex');
  }

  async begin(): Promise<BlobWriter> {
    this.#assertOpen();
    const id = this.#newId();
    const tempPath = join(this.#tmp, id + TEMP_SUFFIX);
    // flush: the stream fsyncs the file before closing it, so commit needs no second open.
    const stream = createWriteStream(tempPath, { flags: 'wx', mode: 0o600, flush: true });
    this.#active.add(tempPath);
    // Opening happens asynchronously; surface an open failure here rather than mid-pipeline.
    await new Promise<void>((resolve, reject) => {
      const onOpen = () => {
        stream.off('error', onError);
        resolve();
      };
      const onError = (e: Error) => {
        stream.off('open', onOpen);
        this.#active.delete(tempPath);
        reject(e);
      };
      stream.once('open', onOpen);
      stream.once('error', onError);
    });
    return new LocalDiskBlobWriter(this, id, tempPath, stream);
  }

  /** Called by a writer once its stream has closed (and so fsync'd the temp file): moves it into place. */
  async commitTemp(id: string, tempPath: string): Promise<void> {
    this.#assertOpen();
    const level1 = join(this.#blobs, id.slice(0, 2));
    const level2 = join(level1, id.slice(2, 4));
    await this.#ensureDir(this.#blobs, level1);
    await this.#ensureDir(level1, level2);
    await rename(tempPath, this.#path(id));
    this.#active.delete(tempPath);
    await this.#syncDirShared(level2);
  }

  /** Called by a writer: removes its temp file. */
  async discardTemp(tempPath: string): Promise<void> {
    await unlinkIfPresent(tempPath);
    this.#active.delete(tempPath);
  }

  read(blobId: string, range?: { start: number; end: number }): Readable {
    if (!ID_PATTERN.test(blobId)) return Readable.from([]).destroy(noSuchBlob()) as Readable;
    if (range !== undefined) {
      const { start, end } = range;
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
        const err = new CofferError('storage.invalid_range', { message: 'invalid byte range' });
        return Readable.from([]).destroy(err) as Readable;
      }
    }
    // Route open() through a wrapper so a missing file surfaces as storage.no_such_blob.
    const fs = {
      open: (path: string, flags: string, mode: number, cb: (err: Error | null, fd?: number) => void) =>
        openCb(path, flags, mode, (err, fd) => cb(err && isErrno(err, 'ENOENT') ? noSuchBlob(err) : err, fd)),
      read: readCb,
      close: closeCb,
    };
    return createReadStream(this.#path(blobId), { ...range, highWaterMark: READ_CHUNK, fs });
  }

  async size(blobId: string): Promise<number> {
    if (!ID_PATTERN.test(blobId)) throw noSuchBlob();
    try {
      return (await stat(this.#path(blobId))).size;
    } catch (e) {
      if (isErrno(e, 'ENOENT')) throw noSuchBlob(e);
      throw e;
    }
  }

  async delete(blobId: string): Promise<void> {
    this.#assertOpen();
    if (!ID_PATTERN.test(blobId)) return;
    // No directory fsync: a deletion lost in a crash leaves an orphan that collectOrphans removes.
    await unlinkIfPresent(this.#path(blobId));
  }

  async cleanupTemp(): Promise<number> {
    this.#assertOpen();
    let removed = 0;
    for (const name of await readdir(this.#tmp)) {
      const path = join(this.#tmp, name);
      if (this.#active.has(path)) continue;
      if (await unlinkIfPresent(path)) removed++;
    }
    return removed;
  }

  async collectOrphans(referenced: Set<string>, graceMs: number): Promise<number> {
    this.#assertOpen();
    const cutoff = this.#clock.now() - graceMs;
    let removed = 0;
    for (const d1 of await readdir(this.#blobs)) {
      const p1 = join(this.#blobs, d1);
      for (const d2 of await readdirIfDir(p1)) {
        const p2 = join(p1, d2);
        for (const id of await readdirIfDir(p2)) {
          // Only files that are ours by name and place; anything else is left untouched.
          if (!ID_PATTERN.test(id) || id.slice(0, 2) !== d1 || id.slice(2, 4) !== d2 || referenced.has(id)) continue;
          const path = join(p2, id);
          let mtime: number;
          try {
            mtime = (await stat(path)).mtimeMs;
          } catch (e) {
            if (isErrno(e, 'ENOENT')) continue;
            throw e;
          }
          if (mtime <= cutoff && (await unlinkIfPresent(path))) removed++;
        }
      }
    }
    return removed;
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}

async function readdirIfDir(path: string): Promise<string[]> {
  try {
    return await readdir(path);
  } catch (e) {
    if (isErrno(e, 'ENOTDIR') || isErrno(e, 'ENOENT')) return [];
    throw e;
  }
}

class LocalDiskBlobWriter implements BlobWriter {
  readonly stream: Writable;
  readonly #store: LocalDiskBlobStore;
  readonly #id: string;
  readonly #tempPath: string;
  #commit: Promise<string> | undefined;
  #aborted = false;

  constructor(store: LocalDiskBlobStore, id: string, tempPath: string, stream: Writable) {
    this.#store = store;
    this.#id = id;
    this.#tempPath = tempPath;
    this.stream = stream;
  }

  commit(): Promise<string> {
    this.#commit ??= this.#doCommit();
    return this.#commit;
  }

  async #doCommit(): Promise<string> {
    if (this.#aborted) throw new CofferError('storage.blob_aborted', { message: 'blob writer was aborted' });
    if (!this.stream.writableEnded) {
      throw new CofferError('storage.blob_not_finished', { message: 'end the blob stream before commit' });
    }
    try {
      await finished(this.stream);
    } catch (e) {
      throw new CofferError('storage.blob_write_failed', { message: 'blob stream failed', cause: e });
    }
    await this.#store.commitTemp(this.#id, this.#tempPath);
    return this.#id;
  }

  async abort(): Promise<void> {
    if (this.#commit !== undefined) {
      // Once committed the blob belongs to the caller (delete it through the store).
      try {
        await this.#commit;
        return;
      } catch {
        // The commit failed; fall through and remove whatever is left.
      }
    }
    this.#aborted = true;
    if (!this.stream.destroyed) this.stream.destroy();
    // Wait for the descriptor to close before unlinking.
    await finished(this.stream).catch(() => undefined);
    await this.#store.discardTemp(this.#tempPath);
  }
}
