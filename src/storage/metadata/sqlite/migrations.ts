/**
 * Schema of the SQLite metadata store, as an ordered list of migrations. Each applied migration
 * is recorded in `schema_migrations` (and mirrored in `PRAGMA user_version`), so a database
 * opened by an older build is upgraded in place and one written by a newer build is refused.
 *
 * Layout decisions:
 * - Object keys are BLOBs holding the key's UTF-8 bytes: SQLite compares BLOBs with memcmp, so
 *   `ORDER BY key` is S3's binary UTF-8 order and prefix scans become index range scans.
 * - `versions.seq` is `AUTOINCREMENT`, which SQLite guarantees is never reused, even after the
 *   row with the highest value is deleted.
 * - `is_latest` marks the newest version of each key (a partial unique index enforces at most
 *   one), so listing current objects is a single index range scan.
 * - Maps, checksums and segments are JSON text; the whole file is page-encrypted.
 */
import type { Database } from 'better-sqlite3-multiple-ciphers';
import { CofferError } from '../../../shared/index.js';

interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE buckets (
        name        TEXT PRIMARY KEY,
        region      TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        versioning  TEXT NOT NULL CHECK (versioning IN ('Unversioned', 'Enabled', 'Suspended')),
        owner       TEXT NOT NULL,
        tags        TEXT
      ) STRICT;

      CREATE TABLE versions (
        seq               INTEGER PRIMARY KEY AUTOINCREMENT,
        bucket            TEXT NOT NULL REFERENCES buckets (name),
        key               BLOB NOT NULL,
        version_id        TEXT NOT NULL,
        is_latest         INTEGER NOT NULL CHECK (is_latest IN (0, 1)),
        is_delete_marker  INTEGER NOT NULL CHECK (is_delete_marker IN (0, 1)),
        size              INTEGER NOT NULL,
        etag              TEXT NOT NULL,
        last_modified     INTEGER NOT NULL,
        content_type      TEXT,
        system            TEXT NOT NULL,
        user_metadata     TEXT NOT NULL,
        tags              TEXT NOT NULL,
        checksum          TEXT,
        parts_count       INTEGER,
        segments          TEXT NOT NULL,
        owner             TEXT NOT NULL,
        UNIQUE (bucket, key, version_id)
      ) STRICT;
      -- listVersions: keys ascending, versions newest first.
      CREATE INDEX versions_by_key ON versions (bucket, key, seq DESC);
      -- getVersion (latest) and listLatest.
      CREATE UNIQUE INDEX versions_latest ON versions (bucket, key) WHERE is_latest = 1;

      CREATE TABLE uploads (
        seq                 INTEGER PRIMARY KEY AUTOINCREMENT,
        upload_id           TEXT NOT NULL UNIQUE,
        bucket              TEXT NOT NULL REFERENCES buckets (name),
        key                 BLOB NOT NULL,
        initiated           INTEGER NOT NULL,
        content_type        TEXT,
        system              TEXT NOT NULL,
        user_metadata       TEXT NOT NULL,
        tags                TEXT NOT NULL,
        checksum_algorithm  TEXT,
        checksum_type       TEXT,
        owner               TEXT NOT NULL
      ) STRICT;
      -- listUploads: keys ascending, then initiation order.
      CREATE INDEX uploads_by_key ON uploads (bucket, key, seq);

      CREATE TABLE parts (
        upload_id      TEXT NOT NULL REFERENCES uploads (upload_id) ON DELETE CASCADE,
        part_number    INTEGER NOT NULL,
        last_modified  INTEGER NOT NULL,
        segment        TEXT NOT NULL,
        PRIMARY KEY (upload_id, part_number)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'bucket policy and public access block',
    sql: `
      ALTER TABLE buckets ADD COLUMN policy TEXT;
      ALTER TABLE buckets ADD COLUMN public_access_block TEXT;
    `,
  },
  {
    version: 3,
    name: 'bucket default encryption',
    sql: `
      ALTER TABLE buckets ADD COLUMN encryption TEXT;
    `,
  },
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Applies every migration newer than the database's version, each in its own transaction. */
export function migrate(db: Database, now: number): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_at  INTEGER NOT NULL
  ) STRICT`);
  const current = (db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
  if (current > SCHEMA_VERSION) {
    throw new CofferError('storage.schema_too_new', {
      message: `metadata database has schema version ${current}; this build supports up to ${SCHEMA_VERSION}`,
      details: { found: current, supported: SCHEMA_VERSION },
    });
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, now);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}
