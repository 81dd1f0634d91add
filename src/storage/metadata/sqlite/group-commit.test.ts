import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCofferError } from '../../../shared/index.js';
import { bucket, newId, version } from '../contract/fixtures.js';
import { openSqliteMetadataStore } from './open-sqlite-metadata-store.js';
import type { SqliteMetadataStore } from './sqlite-metadata-store.js';

describe('SQLite metadata store group commit', () => {
  it('commits concurrent writes together while each failed precondition fails alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coffer-group-'));
    const encryptionKey = randomBytes(32);
    const open = () => openSqliteMetadataStore({ path: join(dir, 'metadata.db'), encryptionKey });
    try {
      const store = await open();
      await store.createBucket(bucket('b1'));
      // One turn of the event loop: 200 puts, one duplicate bucket, one put into a missing bucket.
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < 200; i++) writes.push(store.putVersion(version('b1', `k${i}`, newId()), { replaceNull: true }));
      writes.push(store.createBucket(bucket('b1')));
      writes.push(store.putVersion(version('missing', 'k', newId()), { replaceNull: true }));
      writes.push(store.createBucket(bucket('b2')));
      const results = await Promise.allSettled(writes);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 201);
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(failed.length, 2);
      assert.ok(isCofferError(failed[0]!.reason, 'storage.bucket_exists'));
      // Closing commits what was asked for; a reopened store finds every successful write.
      const late = store.putVersion(version('b2', 'late', newId()), { replaceNull: true });
      await store.close();
      await late;
      const again = await open();
      assert.equal((await again.listLatest('b1', { limit: 1000 })).length, 200);
      assert.ok(await again.getBucket('b2'));
      assert.ok(await again.getVersion('b2', 'late'));
      assert.equal(await again.getVersion('missing', 'k'), null);
      await again.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('acknowledges writes through WAL syncs off the event loop, at most one per batch, and keeps them across a reopen', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coffer-group-'));
    const encryptionKey = randomBytes(32);
    const open = () => openSqliteMetadataStore({ path: join(dir, 'metadata.db'), encryptionKey });
    try {
      const store = (await open()) as SqliteMetadataStore;
      await store.createBucket(bucket('b1'));
      const before = store.walSyncs!;
      assert.ok(before >= 1);
      // 300 writes over 100 turns of the event loop: 100 batches. Batches committed while a sync
      // runs share the next one (how many depends on the disk; group-sync.test.ts checks the rule).
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < 300; i++) {
        writes.push(store.putVersion(version('b1', `k${i}`, newId()), { replaceNull: true }));
        if (i % 3 === 2) await new Promise((r) => setImmediate(r));
      }
      await Promise.all(writes);
      const syncs = store.walSyncs! - before;
      assert.ok(syncs >= 1 && syncs <= 100, `syncs ${syncs} for 100 batches`);
      await store.close();
      const again = await open();
      assert.equal((await again.listLatest('b1', { limit: 1000 })).length, 300);
      await again.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
