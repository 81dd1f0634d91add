/**
 * Opens the identity store: an SQLite file with page-level encryption (SQLite3 Multiple Ciphers).
 *
 *   cipher  = ChaCha20-Poly1305 (sqleet): every page encrypted and authenticated
 *   key     = HKDF(master, 'iam-db/v1'), given raw as PRAGMA key = "x'<64 hex>'"
 *   check   = read sqlite_master; a wrong key fails Poly1305 -> SQLITE_NOTADB -> storage.bad_key
 *   journal = WAL, synchronous=FULL; temp_store=MEMORY (no plaintext temp files)
 *   secrets = access-key secrets are additionally sealed per key (secret-seal.ts)
 *
 * The file is created 0600 in a 0700 directory; the account id is fixed at creation and a
 * different one at a later open is refused ('iam.account_mismatch').
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3-multiple-ciphers';
import { openEncryptedSqlite } from '../../storage/encrypted-sqlite.js';
import { CofferError, systemClock, type Clock } from '../../shared/index.js';
import { type MasterKey, deriveKey } from '../../crypto/index.js';
import type { IamStore } from './port.js';
import { migrateIamSchema } from './schema.js';
import { SecretSealer } from './secret-seal.js';
import { Sql } from './sql.js';
import { SqliteIamStore } from './sqlite-iam-store.js';

export interface SqliteIamStoreOptions {
  /** Path of the database file, e.g. <data>/iam.db. */
  path: string;
  masterKey: MasterKey;
  /** The deployment's 12-digit account id. */
  accountId: string;
  clock?: Clock;
  busyTimeoutMs?: number;
}

export function openSqliteIamStore(options: SqliteIamStoreOptions): IamStore {
  if (!/^\d{12}$/.test(options.accountId)) throw new CofferError('iam.validation', { message: 'The account id must be 12 digits.' });
  const key = deriveKey(options.masterKey, 'iam-db/v1');
  let db: Database.Database;
  try {
    db = openEncryptedSqlite({ path: options.path, key, what: 'the IAM database', ...(options.busyTimeoutMs !== undefined ? { busyTimeoutMs: options.busyTimeoutMs } : {}) });
  } finally {
    key.fill(0);
  }
  try {
    migrateIamSchema(db);
    const stored = db.prepare("SELECT value FROM meta WHERE key = 'account_id'").get() as { value: string } | undefined;
    if (stored === undefined) db.prepare("INSERT INTO meta (key, value) VALUES ('account_id', ?)").run(options.accountId);
    else if (stored.value !== options.accountId) throw new CofferError('iam.account_mismatch', { message: 'the IAM database belongs to another account id' });
    const fd = openSync(dirname(options.path), 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return new SqliteIamStore(new Sql(db), options.accountId, new SecretSealer(options.masterKey), options.clock ?? systemClock);
  } catch (e) {
    db.close();
    throw e;
  }
}
