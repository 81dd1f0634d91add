/**
 * Opens a page-encrypted SQLite database (SQLite3MultipleCiphers) the way every Coffer store
 * does: owner-only file, cipher and key before any read, a probe that turns a wrong key into
 * 'storage.bad_key', WAL with the durability the caller asks for.
 *
 *   mkdir -p dir (0700); create file (0600)          -- SQLite copies the mode to -wal/-shm
 *   PRAGMA cipher = chacha20; PRAGMA key = x'<32-byte key>'
 *   SELECT count(*) FROM sqlite_master               -- SQLITE_NOTADB -> storage.bad_key
 *   PRAGMA journal_mode = WAL; synchronous; foreign_keys; temp_store = MEMORY
 */
import { closeSync, constants as fsConstants, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database, { type Database as Db } from 'better-sqlite3-multiple-ciphers';
import { CofferError } from '../shared/index.js';

export interface EncryptedSqliteOptions {
  path: string;
  /** 32-byte page key (derive one per database from the master key). */
  key: Buffer;
  /** For the wrong-key message, e.g. 'the IAM database'. */
  what: string;
  /** FULL (default): a commit is fsync'd before it returns. NORMAL: survives a process crash, not power loss. */
  synchronous?: 'FULL' | 'NORMAL';
  foreignKeys?: boolean;
  busyTimeoutMs?: number;
}

export function openEncryptedSqlite(o: EncryptedSqliteOptions): Db {
  if (!Buffer.isBuffer(o.key) || o.key.length !== 32) throw new CofferError('storage.bad_key', { message: `the key of ${o.what} must be 32 bytes` });
  mkdirSync(dirname(o.path), { recursive: true, mode: 0o700 });
  closeSync(openSync(o.path, fsConstants.O_CREAT | fsConstants.O_RDWR, 0o600));
  const db = new Database(o.path, { timeout: o.busyTimeoutMs ?? 5000 });
  try {
    // Must precede any statement that reads the file.
    db.pragma(`cipher = 'chacha20'`);
    db.pragma(`key = "x'${o.key.toString('hex')}'"`);
    try {
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch (e) {
      if ((e as { code?: unknown }).code === 'SQLITE_NOTADB') {
        throw new CofferError('storage.bad_key', { message: `${o.what} cannot be decrypted with this key (wrong key or not a Coffer database)` });
      }
      throw e;
    }
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${o.synchronous ?? 'FULL'}`);
    if (o.foreignKeys !== false) db.pragma('foreign_keys = ON');
    db.pragma('temp_store = MEMORY');
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}
