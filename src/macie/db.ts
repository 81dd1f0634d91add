/**
 * Opens the discovery database: an SQLite file with page-level encryption (SQLite3 Multiple Ciphers),
 * holding the on-write queue, per-version classification state, findings, custom identifiers,
 * allow lists and classification jobs. No matched value is ever written here (locations and types
 * only, as Macie stores them).
 *
 *   cipher  = ChaCha20-Poly1305 (sqleet): every page encrypted and authenticated
 *   key     = HKDF(master, 'macie-db/v1'), given raw as PRAGMA key = "x'<64 hex>'"
 *   check   = read sqlite_master; a wrong key fails Poly1305 -> SQLITE_NOTADB -> storage.bad_key
 *   journal = WAL, synchronous=FULL (a committed enqueue survives a crash); temp_store=MEMORY
 */
import type { Database as Db } from 'better-sqlite3-multiple-ciphers';
import { openEncryptedSqlite } from '../storage/encrypted-sqlite.js';
import { CofferError } from '../shared/index.js';

export type { Db };

const MIGRATIONS: string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   -- A write in flight: recorded before the object commit, resolved into queue rows after it.
   CREATE TABLE intents (id INTEGER PRIMARY KEY AUTOINCREMENT, bucket TEXT NOT NULL, key TEXT NOT NULL, created_at INTEGER NOT NULL);
   CREATE TABLE queue (
     id INTEGER PRIMARY KEY AUTOINCREMENT, bucket TEXT NOT NULL, key TEXT NOT NULL, version_id TEXT NOT NULL,
     seq INTEGER NOT NULL, size INTEGER NOT NULL, enqueued_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0);
   CREATE UNIQUE INDEX queue_by_version ON queue (bucket, key, version_id, seq);
   -- Classification state of every live object version (automated discovery).
   CREATE TABLE versions (
     bucket TEXT NOT NULL, key TEXT NOT NULL, version_id TEXT NOT NULL, seq INTEGER NOT NULL, size INTEGER NOT NULL,
     state TEXT NOT NULL, sensitive INTEGER NOT NULL DEFAULT 0, max_severity INTEGER NOT NULL DEFAULT 0,
     bytes_classified INTEGER NOT NULL DEFAULT 0, classified_at INTEGER, finding_id TEXT,
     PRIMARY KEY (bucket, key, version_id));
   CREATE INDEX versions_by_bucket ON versions (bucket, state);
   CREATE TABLE version_types (
     bucket TEXT NOT NULL, key TEXT NOT NULL, version_id TEXT NOT NULL, type TEXT NOT NULL, category TEXT NOT NULL, count INTEGER NOT NULL,
     PRIMARY KEY (bucket, key, version_id, type));
   CREATE INDEX version_types_by_bucket ON version_types (bucket, type);
   CREATE TABLE findings (
     id TEXT PRIMARY KEY, bucket TEXT NOT NULL, key TEXT NOT NULL, version_id TEXT NOT NULL, type TEXT NOT NULL,
     severity TEXT NOT NULL, severity_score INTEGER NOT NULL, origin_type TEXT NOT NULL, job_id TEXT,
     created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, archived INTEGER NOT NULL DEFAULT 0, body TEXT NOT NULL);
   CREATE INDEX findings_by_time ON findings (created_at, id);
   CREATE INDEX findings_by_object ON findings (bucket, key, version_id);
   -- Custom data identifiers, allow lists and jobs: a JSON document per resource.
   CREATE TABLE resources (
     kind TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, created_at INTEGER NOT NULL, deleted INTEGER NOT NULL DEFAULT 0,
     client_token TEXT, body TEXT NOT NULL, PRIMARY KEY (kind, id));
   CREATE INDEX resources_by_kind ON resources (kind, created_at, id);`,
  // The webhook outbox (webhooks.ts): a row per finding and URL, written with the finding.
  `CREATE TABLE webhook_deliveries (
     id TEXT PRIMARY KEY, url TEXT NOT NULL, finding_id TEXT NOT NULL, body TEXT NOT NULL, state TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, last_status INTEGER, last_error TEXT,
     created_at INTEGER NOT NULL, delivered_at INTEGER);
   CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_at);`,
  // ListFindings filtered by object key (findings_by_object serves bucket filters).
  `CREATE INDEX findings_by_key ON findings (key);`,
];

/** Opens (creating when absent) the discovery database at `path` with a 32-byte key. */
export function openMacieDb(path: string, key: Buffer): Db {
  const db = openEncryptedSqlite({ path, key, what: 'the discovery database', foreignKeys: false });
  try {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > MIGRATIONS.length) throw new CofferError('storage.schema_too_new', { message: 'the discovery database was written by a newer Coffer' });
    for (let v = current; v < MIGRATIONS.length; v++) {
      db.transaction(() => {
        db.exec(MIGRATIONS[v]!);
        db.pragma(`user_version = ${v + 1}`);
      })();
    }
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}
