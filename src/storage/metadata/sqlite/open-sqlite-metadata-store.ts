/**
 * Opens the SQLite metadata store with page-level encryption (SQLite3 Multiple Ciphers).
 *
 *   cipher   = ChaCha20-Poly1305 (sqleet scheme): every page encrypted and authenticated
 *   key      = the caller's 32-byte key, given raw as PRAGMA key = "x'<64 hex>'", so no
 *              passphrase KDF is involved (the caller derives the key from the master key)
 *   check    = read sqlite_master; a wrong key fails Poly1305 -> SQLITE_NOTADB -> storage.bad_key
 *   journal  = WAL, synchronous=NORMAL + a group fdatasync of the -wal file after each COMMIT
 *              (group-sync.ts), before any write is acknowledged: FULL's durability, with the
 *              fsync on the thread pool instead of inside COMMIT on the event loop
 *   temp     = temp_store=MEMORY: sorts and temp tables never spill plaintext to temp files
 *   files    = the directory is fsync'd once the database and its WAL exist
 *
 * The database file is created 0600 before SQLite opens it; SQLite gives its -wal and -shm
 * files the same permissions as the main file.
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { openEncryptedSqlite } from '../../encrypted-sqlite.js';
import { CofferError, systemClock, type Clock } from '../../../shared/index.js';
import { createGroupSync, type GroupSync } from '../../group-sync.js';
import type { MetadataStore } from '../port.js';
import { migrate } from './migrations.js';
import { SqliteMetadataStore } from './sqlite-metadata-store.js';

export interface SqliteMetadataStoreOptions {
  /** Path of the database file; its directory is created (0700) if missing. */
  path: string;
  /** 32-byte page-encryption key. Keep it out of config files and logs. */
  encryptionKey: Buffer;
  /** How long a write waits for another connection's lock, in ms (default 5000). */
  busyTimeoutMs?: number;
  /** Used for migration timestamps. */
  clock?: Clock;
}

const KEY_BYTES = 32;

function syncDir(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export async function openSqliteMetadataStore(options: SqliteMetadataStoreOptions): Promise<MetadataStore> {
  if (!Buffer.isBuffer(options.encryptionKey) || options.encryptionKey.length !== KEY_BYTES) {
    throw new CofferError('storage.bad_key', { message: `metadata encryption key must be ${KEY_BYTES} bytes` });
  }
  const db = openEncryptedSqlite({
    path: options.path,
    key: options.encryptionKey,
    what: 'metadata database',
    synchronous: 'NORMAL',
    ...(options.busyTimeoutMs !== undefined ? { busyTimeoutMs: options.busyTimeoutMs } : {}),
  });
  let walSync: GroupSync | undefined;
  try {
    // Migrations commit under FULL: nothing of the schema depends on the group sync.
    db.pragma('synchronous = FULL');
    migrate(db, (options.clock ?? systemClock).now());
    db.pragma('synchronous = NORMAL');
    // SQLite fsyncs the WAL's contents but not the directory entries of new files: make the
    // database and -wal files themselves survive a power loss before acknowledging any write.
    syncDir(dirname(options.path));
    walSync = await openWalSync(`${options.path}-wal`);
    return new SqliteMetadataStore(db, walSync);
  } catch (e) {
    await walSync?.close();
    db.close();
    throw e;
  }
}

/**
 * The group fdatasync of a -wal file. SQLite keeps that file (same inode: a checkpoint resets or
 * truncates it in place) while any connection is open, and this store's is open until close().
 */
async function openWalSync(walPath: string): Promise<GroupSync> {
  const fh = await open(walPath, 'r');
  const failed = (cause: unknown) => new CofferError('storage.closed', { message: 'metadata store stopped after a failed WAL sync', cause });
  return createGroupSync({
    sync: () => fh.datasync(),
    failed,
    closed: () => new CofferError('storage.closed', { message: 'metadata store is closed' }),
    release: () => fh.close(),
  });
}
