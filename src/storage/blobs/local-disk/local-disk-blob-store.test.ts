import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { runBlobStoreContract } from '../blobs.contract.js';
import { openLocalDiskBlobStore } from './open-local-disk-blob-store.js';

runBlobStoreContract(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'coffer-blobs-'));
  const open = () => openLocalDiskBlobStore({ dir });
  return { store: await open(), reopen: open, cleanup: () => rm(dir, { recursive: true, force: true }) };
}, 'local-disk blob store (contract)');

describe('local-disk blob store layout', () => {
  it('fans blobs out as blobs/ab/cd/<id>, files 0600 and directories 0700, and leaves tmp/ empty', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coffer-blobs-'));
    try {
      const store = await openLocalDiskBlobStore({ dir: join(dir, 'root') });
      const w = await store.begin();
      assert.equal(readdirSync(join(dir, 'root', 'tmp')).length, 1);
      assert.equal(statSync(join(dir, 'root', 'tmp', readdirSync(join(dir, 'root', 'tmp'))[0]!)).mode & 0o777, 0o600);
      await pipeline(Readable.from([Buffer.from('hello')]), w.stream);
      const id = await w.commit();
      assert.match(id, /^[0-9a-f]{32}$/);
      const path = join(dir, 'root', 'blobs', id.slice(0, 2), id.slice(2, 4), id);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      for (const d of ['root', 'root/tmp', 'root/blobs', `root/blobs/${id.slice(0, 2)}`, `root/blobs/${id.slice(0, 2)}/${id.slice(2, 4)}`]) {
        assert.equal(statSync(join(dir, d)).mode & 0o777, 0o700, d);
      }
      assert.deepEqual(readdirSync(join(dir, 'root', 'tmp')), []);
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('puts blobs committed together under one fan-out directory, so they share its creation and fsync, and draws a new one later', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coffer-blobs-'));
    try {
      const store = await openLocalDiskBlobStore({ dir });
      const write = async (i: number) => {
        const w = await store.begin();
        await pipeline(Readable.from([Buffer.from(`blob ${i}`)]), w.stream);
        return w.commit();
      };
      const ids = await Promise.all(Array.from({ length: 16 }, (_, i) => write(i)));
      assert.equal(new Set(ids).size, 16);
      assert.equal(new Set(ids.map((id) => id.slice(0, 4))).size, 1);
      for (const [i, id] of ids.entries()) assert.equal(await readAll(store.read(id)), `blob ${i}`);
      // Prefixes rotate: a long run of blobs spreads over several directories.
      const more: string[] = [];
      for (let i = 0; i < 256; i += 16) more.push(...(await Promise.all(Array.from({ length: 16 }, (_, j) => write(i + j)))));
      assert.ok(new Set(more.map((id) => id.slice(0, 4))).size >= 2);
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
