import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3-multiple-ciphers';
import { isCofferError } from '../../../shared/index.js';
import type { MetadataStore } from '../port.js';
import { bucket, upload, version } from '../contract/fixtures.js';
import { openSqliteMetadataStore } from './open-sqlite-metadata-store.js';

/** Names of the files in `dir` that contain `marker` as UTF-8 or UTF-16LE bytes. */
function filesContaining(dir: string, marker: string): string[] {
  const needles = [Buffer.from(marker, 'utf8'), Buffer.from(marker, 'utf16le')];
  return readdirSync(dir).filter((name) => {
    const bytes = readFileSync(join(dir, name));
    return needles.some((n) => bytes.includes(n));
  });
}

async function writeMarker(store: MetadataStore, marker: string): Promise<void> {
  await store.createBucket(bucket('secret-bucket', { tags: { [marker]: marker } }));
  await store.putVersion(
    version('secret-bucket', `${marker}/key`, 'null', {
      userMetadata: { note: marker },
      tags: { label: marker },
      system: { 'content-disposition': `attachment; filename="${marker}"` },
    }),
    { replaceNull: true },
  );
  await store.createUpload(upload('secret-bucket', `${marker}/upload`, undefined, { userMetadata: { m: marker } }));
  // Enough rows that the WAL holds many pages, not just the last commit.
  for (let i = 0; i < 200; i++) {
    await store.putVersion(version('secret-bucket', `${marker}-${i}`, 'null', { tags: { t: marker } }), { replaceNull: true });
  }
}

describe('SQLite metadata store encryption at rest', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-sqlite-enc-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the marker in an unencrypted database, proving the scan can see plaintext', () => {
    const marker = `COFFER-MARKER-${randomBytes(8).toString('hex')}`;
    const db = new Database(join(dir, 'plain.db'));
    db.exec('CREATE TABLE t (v TEXT)');
    db.prepare('INSERT INTO t VALUES (?)').run(marker);
    db.close();
    assert.deepEqual(filesContaining(dir, marker), ['plain.db']);
  });

  it('writes no user string in plaintext to the database, its WAL or its shared memory file', async () => {
    const marker = `COFFER-MARKER-${randomBytes(8).toString('hex')}`;
    const key = randomBytes(32);
    const path = join(dir, 'metadata.db');
    const store = await openSqliteMetadataStore({ path, encryptionKey: key });
    try {
      await writeMarker(store, marker);
      // While open: the recent writes live in the WAL.
      assert.ok(existsSync(`${path}-wal`) && statSync(`${path}-wal`).size > 0, 'WAL present');
      assert.ok(existsSync(`${path}-shm`), 'shared memory file present');
      assert.deepEqual(filesContaining(dir, marker), []);
    } finally {
      await store.close();
    }
    // After close: checkpointed into the main file.
    assert.ok(statSync(path).size > 100_000);
    assert.deepEqual(filesContaining(dir, marker), []);

    const reopened = await openSqliteMetadataStore({ path, encryptionKey: key });
    try {
      assert.deepEqual((await reopened.getBucket('secret-bucket'))?.tags, { [marker]: marker });
      assert.equal((await reopened.getVersion('secret-bucket', `${marker}/key`))?.userMetadata.note, marker);
    } finally {
      await reopened.close();
    }
  });

  it('refuses to open with the wrong key, with storage.bad_key, and leaves the data readable with the right one', async () => {
    const key = randomBytes(32);
    const path = join(dir, 'metadata.db');
    const store = await openSqliteMetadataStore({ path, encryptionKey: key });
    await store.createBucket(bucket('b'));
    await store.close();
    const wrong = Buffer.from(key);
    wrong[0] = wrong[0]! ^ 1;
    await assert.rejects(openSqliteMetadataStore({ path, encryptionKey: wrong }), (e: unknown) => isCofferError(e, 'storage.bad_key'));
    const again = await openSqliteMetadataStore({ path, encryptionKey: key });
    assert.ok(await again.getBucket('b'));
    await again.close();
  });

  it('refuses a key that is not 32 bytes', async () => {
    await assert.rejects(
      openSqliteMetadataStore({ path: join(dir, 'm.db'), encryptionKey: randomBytes(16) }),
      (e: unknown) => isCofferError(e, 'storage.bad_key'),
    );
  });

  it('refuses to open a file that is not an encrypted Coffer database', async () => {
    const path = join(dir, 'not-a-db');
    await writeFile(path, randomBytes(8192));
    await assert.rejects(openSqliteMetadataStore({ path, encryptionKey: randomBytes(32) }), (e: unknown) =>
      isCofferError(e, 'storage.bad_key'),
    );
  });

  it('creates the database and its WAL readable by the owner only', async () => {
    const path = join(dir, 'sub', 'metadata.db');
    const store = await openSqliteMetadataStore({ path, encryptionKey: randomBytes(32) });
    try {
      await store.createBucket(bucket('b'));
      assert.equal(statSync(path).mode & 0o777, 0o600);
      assert.equal(statSync(`${path}-wal`).mode & 0o777, 0o600);
      assert.equal(statSync(join(dir, 'sub')).mode & 0o777, 0o700);
    } finally {
      await store.close();
    }
  });
});
