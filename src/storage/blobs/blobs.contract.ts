/**
 * The blob store contract: one node:test suite every BlobStore adapter runs unchanged.
 *
 *   runBlobStoreContract(async () => {
 *     const dir = await mkdtemp(...);
 *     const open = () => openLocalDiskBlobStore({ dir });
 *     return { store: await open(), reopen: open, cleanup: () => rm(dir, { recursive: true }) };
 *   });
 *
 * `reopen()` opens a second store over the same data, as a restarted process would; the suite
 * uses it to stand for "after a crash". The suite closes every store before cleanup().
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { isCofferError } from '../../shared/index.js';
import type { BlobStore } from './port.js';

export interface BlobStoreHarness {
  store: BlobStore;
  /** Opens another store over the same data (the previous one may still be open). */
  reopen(): Promise<BlobStore>;
  cleanup(): Promise<void>;
}

export type MakeBlobStore = () => Promise<BlobStoreHarness>;

const MiB = 1024 * 1024;

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function put(store: BlobStore, data: Buffer): Promise<string> {
  const w = await store.begin();
  await pipeline(Readable.from([data]), w.stream);
  return w.commit();
}

async function rejectsWithCode(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isCofferError(e, code), `expected ${code}, got ${String(e)}`);
    return true;
  });
}

/**
 * Live (reachable) heap plus Buffer memory. A full GC first, so garbage that has simply not been
 * collected yet does not count; a store that buffers the blob keeps it reachable and does.
 */
function liveBytes(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  const m = process.memoryUsage();
  return m.arrayBuffers + m.heapUsed;
}

/** Deterministic bytes in 1 MiB chunks, hashed as they are produced; samples peak live memory. */
function* patternChunks(total: number, hash: ReturnType<typeof createHash>, peak: { bytes: number }) {
  for (let off = 0, i = 0; off < total; off += MiB, i++) {
    const chunk = Buffer.alloc(Math.min(MiB, total - off), i % 251);
    chunk.writeUInt32BE(i, 0);
    hash.update(chunk);
    if (i % 8 === 7) peak.bytes = Math.max(peak.bytes, liveBytes());
    yield chunk;
  }
}

export function runBlobStoreContract(makeStore: MakeBlobStore, name = 'BlobStore contract'): void {
  async function withStore(fn: (h: BlobStoreHarness & { others: BlobStore[] }) => Promise<void>): Promise<void> {
    const h = await makeStore();
    const others: BlobStore[] = [];
    const ctx = {
      ...h,
      others,
      reopen: async () => {
        const s = await h.reopen();
        others.push(s);
        return s;
      },
    };
    try {
      await fn(ctx);
    } finally {
      for (const s of [h.store, ...others]) await s.close();
      await h.cleanup();
    }
  }

  describe(name, () => {
    it('writes, commits and reads a blob back whole, and reports its size', () =>
      withStore(async ({ store }) => {
        const data = randomBytes(200_000);
        const id = await put(store, data);
        assert.match(id, /^\S+$/);
        assert.deepEqual(await readAll(store.read(id)), data);
        assert.equal(await store.size(id), data.length);
      }));

    it('reads inclusive byte ranges', () =>
      withStore(async ({ store }) => {
        const data = randomBytes(100_000);
        const id = await put(store, data);
        for (const [start, end] of [
          [0, 0],
          [3, 7],
          [65_535, 65_537],
          [99_999, 99_999],
          [0, 99_999],
          [12_345, 87_654],
        ] as const) {
          assert.deepEqual(await readAll(store.read(id, { start, end })), data.subarray(start, end + 1), `${start}-${end}`);
        }
      }));

    it('stores an empty blob', () =>
      withStore(async ({ store }) => {
        const w = await store.begin();
        w.stream.end();
        const id = await w.commit();
        assert.equal((await readAll(store.read(id))).length, 0);
        assert.equal(await store.size(id), 0);
      }));

    it('gives concurrent writers distinct ids and keeps their bytes apart', () =>
      withStore(async ({ store }) => {
        const datas = Array.from({ length: 8 }, () => randomBytes(50_000));
        const idsList = await Promise.all(datas.map((d) => put(store, d)));
        assert.equal(new Set(idsList).size, datas.length);
        for (const [i, id] of idsList.entries()) assert.deepEqual(await readAll(store.read(id)), datas[i]);
      }));

    it('reports a missing blob as a storage.no_such_blob stream error and size rejection', () =>
      withStore(async ({ store }) => {
        const id = await put(store, Buffer.from('x'));
        await store.delete(id);
        await rejectsWithCode(readAll(store.read(id)), 'storage.no_such_blob');
        await rejectsWithCode(readAll(store.read(id, { start: 0, end: 0 })), 'storage.no_such_blob');
        await rejectsWithCode(store.size(id), 'storage.no_such_blob');
        await rejectsWithCode(readAll(store.read('../../etc/passwd')), 'storage.no_such_blob');
      }));

    it('deletes idempotently', () =>
      withStore(async ({ store }) => {
        const keep = await put(store, Buffer.from('keep'));
        const id = await put(store, Buffer.from('bye'));
        await store.delete(id);
        await store.delete(id);
        await store.delete('0123456789abcdef0123456789abcdef');
        await rejectsWithCode(store.size(id), 'storage.no_such_blob');
        assert.deepEqual(await readAll(store.read(keep)), Buffer.from('keep'));
      }));

    it('keeps committed blobs across a reopen', () =>
      withStore(async ({ store, reopen }) => {
        const data = randomBytes(10_000);
        const id = await put(store, data);
        await store.close();
        const again = await reopen();
        assert.deepEqual(await readAll(again.read(id)), data);
      }));

    it('leaves nothing behind when a writer is aborted, even twice', () =>
      withStore(async ({ store, reopen }) => {
        const w = await store.begin();
        w.stream.write(randomBytes(10_000));
        await w.abort();
        await w.abort();
        await assert.rejects(w.commit());
        assert.equal(await store.cleanupTemp(), 0);
        assert.equal(await store.collectOrphans(new Set(), 0), 0);
        const other = await reopen();
        assert.equal(await other.cleanupTemp(), 0);
      }));

    it('leaves nothing behind when the source stream fails mid-write and the writer is aborted', () =>
      withStore(async ({ store, reopen }) => {
        const w = await store.begin();
        async function* failing() {
          yield randomBytes(64 * 1024);
          yield randomBytes(64 * 1024);
          throw new Error('client went away');
        }
        await assert.rejects(pipeline(Readable.from(failing()), w.stream), /client went away/);
        await assert.rejects(w.commit());
        await w.abort();
        assert.equal(await store.cleanupTemp(), 0);
        assert.equal(await store.collectOrphans(new Set(), 0), 0);
        assert.equal(await (await reopen()).cleanupTemp(), 0);
      }));

    it('refuses to commit a writer whose stream was not ended', () =>
      withStore(async ({ store }) => {
        const w = await store.begin();
        w.stream.write(Buffer.from('partial'));
        await assert.rejects(w.commit());
        await w.abort();
        assert.equal(await store.collectOrphans(new Set(), 0), 0);
      }));

    it('keeps uncommitted bytes invisible, and a restarted store removes them as temp files', () =>
      withStore(async ({ store, reopen }) => {
        const w = await store.begin();
        await pipeline(Readable.from([randomBytes(5000)]), w.stream);
        // Not committed: not a blob, so there is no orphan to find.
        assert.equal(await store.collectOrphans(new Set(), 0), 0);
        // The live store does not pull the temp file from under its own writer...
        assert.equal(await store.cleanupTemp(), 0);
        // ...but a restarted store (after a crash) removes it.
        const restarted = await reopen();
        assert.equal(await restarted.cleanupTemp(), 1);
        assert.equal(await restarted.cleanupTemp(), 0);
        assert.equal(await restarted.collectOrphans(new Set(), 0), 0);
      }));

    it('collects unreferenced blobs past the grace period and keeps referenced ones', () =>
      withStore(async ({ store }) => {
        const ids = await Promise.all([0, 1, 2, 3].map((i) => put(store, Buffer.from(`blob ${i}`))));
        const referenced = new Set([ids[0]!, ids[2]!]);
        // Within the grace period nothing goes: a blob may be committed but not yet referenced.
        assert.equal(await store.collectOrphans(referenced, 3_600_000), 0);
        assert.equal(await store.collectOrphans(referenced, 0), 2);
        assert.equal(await store.collectOrphans(referenced, 0), 0);
        assert.deepEqual(await readAll(store.read(ids[0]!)), Buffer.from('blob 0'));
        assert.deepEqual(await readAll(store.read(ids[2]!)), Buffer.from('blob 2'));
        await rejectsWithCode(store.size(ids[1]!), 'storage.no_such_blob');
        await rejectsWithCode(store.size(ids[3]!), 'storage.no_such_blob');
      }));

    it('streams a 64 MiB blob in and out without holding it in memory', () =>
      withStore(async ({ store }) => {
        const total = 64 * MiB;
        const base = liveBytes();
        const inHash = createHash('sha256');
        const peak = { bytes: base };
        const w = await store.begin();
        await pipeline(Readable.from(patternChunks(total, inHash, peak)), w.stream);
        const id = await w.commit();
        assert.equal(await store.size(id), total);

        const outHash = createHash('sha256');
        let length = 0;
        let n = 0;
        for await (const chunk of store.read(id)) {
          outHash.update(chunk as Buffer);
          length += (chunk as Buffer).length;
          if (++n % 16 === 1) peak.bytes = Math.max(peak.bytes, liveBytes());
        }
        assert.equal(length, total);
        assert.equal(outHash.digest('hex'), inHash.digest('hex'));
        // Freed Buffers are released lazily, so allow generous slack; holding the blob would
        // show at least 56 MiB at the last write sample or the first read sample.
        const growth = peak.bytes - base;
        assert.ok(growth < 40 * MiB, `memory grew by ${Math.round(growth / MiB)} MiB while streaming 64 MiB`);
      }));
  });
}
