/**
 * Schema of the SQLite identity store, as ordered migrations recorded in PRAGMA user_version.
 * Names are COLLATE NOCASE because IAM entity names are unique regardless of case. Secrets are
 * sealed BLOBs (secret-seal.ts); the whole file is page-encrypted as well.
 */
import type { Database } from 'better-sqlite3-multiple-ciphers';
import { CofferError } from '../../shared/index.js';

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
  CREATE TABLE users (
    name TEXT PRIMARY KEY COLLATE NOCASE, id TEXT NOT NULL UNIQUE, path TEXT NOT NULL,
    created INTEGER NOT NULL, boundary TEXT, password_last_used INTEGER
  ) STRICT;
  CREATE TABLE groups (
    name TEXT PRIMARY KEY COLLATE NOCASE, id TEXT NOT NULL UNIQUE, path TEXT NOT NULL, created INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE group_members (
    group_name TEXT NOT NULL COLLATE NOCASE REFERENCES groups (name) ON UPDATE CASCADE,
    user_name TEXT NOT NULL COLLATE NOCASE REFERENCES users (name) ON UPDATE CASCADE,
    PRIMARY KEY (group_name, user_name)
  ) STRICT;
  CREATE INDEX group_members_by_user ON group_members (user_name);
  CREATE TABLE roles (
    name TEXT PRIMARY KEY COLLATE NOCASE, id TEXT NOT NULL UNIQUE, path TEXT NOT NULL, created INTEGER NOT NULL,
    trust TEXT NOT NULL, description TEXT NOT NULL, max_session INTEGER NOT NULL, boundary TEXT
  ) STRICT;
  CREATE TABLE policies (
    arn TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE, id TEXT NOT NULL UNIQUE, path TEXT NOT NULL,
    description TEXT NOT NULL, created INTEGER NOT NULL, updated INTEGER NOT NULL,
    default_version TEXT NOT NULL, next_version INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE policy_versions (
    policy_arn TEXT NOT NULL REFERENCES policies (arn) ON DELETE CASCADE, version_id TEXT NOT NULL,
    document TEXT NOT NULL, created INTEGER NOT NULL, PRIMARY KEY (policy_arn, version_id)
  ) STRICT;
  CREATE TABLE attachments (
    kind TEXT NOT NULL CHECK (kind IN ('user', 'group', 'role')), entity TEXT NOT NULL COLLATE NOCASE,
    policy_arn TEXT NOT NULL REFERENCES policies (arn), PRIMARY KEY (kind, entity, policy_arn)
  ) STRICT;
  CREATE INDEX attachments_by_policy ON attachments (policy_arn);
  CREATE TABLE inline_policies (
    kind TEXT NOT NULL CHECK (kind IN ('user', 'group', 'role')), entity TEXT NOT NULL COLLATE NOCASE,
    name TEXT NOT NULL COLLATE NOCASE, document TEXT NOT NULL, PRIMARY KEY (kind, entity, name)
  ) STRICT;
  CREATE TABLE tags (
    kind TEXT NOT NULL, entity TEXT NOT NULL COLLATE NOCASE, key TEXT NOT NULL COLLATE NOCASE, value TEXT NOT NULL,
    PRIMARY KEY (kind, entity, key)
  ) STRICT;
  CREATE TABLE access_keys (
    id TEXT PRIMARY KEY, user_name TEXT NOT NULL COLLATE NOCASE REFERENCES users (name) ON UPDATE CASCADE,
    sealed BLOB NOT NULL, status TEXT NOT NULL CHECK (status IN ('Active', 'Inactive')), created INTEGER NOT NULL,
    last_used INTEGER, last_service TEXT, last_region TEXT
  ) STRICT;
  CREATE INDEX access_keys_by_user ON access_keys (user_name);
  CREATE TABLE login_profiles (
    user_name TEXT PRIMARY KEY COLLATE NOCASE REFERENCES users (name) ON UPDATE CASCADE,
    hash TEXT NOT NULL, created INTEGER NOT NULL, reset_required INTEGER NOT NULL
  ) STRICT;
  `,
  // v2: virtual MFA devices (seeds sealed), per-user MFA failure counters, STS sessions, session revocations.
  `
  CREATE TABLE mfa_devices (
    serial TEXT PRIMARY KEY COLLATE NOCASE, name TEXT NOT NULL, path TEXT NOT NULL,
    user_name TEXT COLLATE NOCASE REFERENCES users (name) ON UPDATE CASCADE,
    sealed_seed BLOB NOT NULL, created INTEGER NOT NULL, enabled INTEGER,
    last_step INTEGER, failures INTEGER NOT NULL DEFAULT 0, locked_until INTEGER NOT NULL DEFAULT 0
  ) STRICT;
  CREATE INDEX mfa_devices_by_user ON mfa_devices (user_name);
  CREATE TABLE mfa_user_attempts (
    user_name TEXT PRIMARY KEY COLLATE NOCASE, failures INTEGER NOT NULL, locked_until INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE sts_sessions (
    access_key_id TEXT PRIMARY KEY, sealed_secret BLOB NOT NULL, token_hash BLOB NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('user', 'role')), user_name TEXT COLLATE NOCASE, role_name TEXT COLLATE NOCASE,
    session_name TEXT, created INTEGER NOT NULL, expires INTEGER NOT NULL, mfa_time INTEGER,
    session_policy TEXT, policy_arns TEXT NOT NULL, source_arn TEXT NOT NULL
  ) STRICT;
  CREATE INDEX sts_sessions_by_expiry ON sts_sessions (expires);
  CREATE TABLE session_revocations (
    kind TEXT NOT NULL CHECK (kind IN ('user', 'role')), name TEXT NOT NULL COLLATE NOCASE, before INTEGER NOT NULL,
    PRIMARY KEY (kind, name)
  ) STRICT;
  `,
];

/** Applies pending migrations; refuses a database written by a newer build. */
export function migrateIamSchema(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new CofferError('storage.schema_too_new', { message: 'the IAM database was written by a newer Coffer version' });
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}
