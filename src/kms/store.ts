/**
 * The KMS key store: an SQLite file with page-level encryption (SQLite3 Multiple Ciphers), like
 * iam/iam.db. Key material rows hold envelope-sealed material (sealed under the master key with
 * context {kmsKey, material}); nothing here ever holds plaintext material.
 *
 *   cipher  = ChaCha20-Poly1305 (sqleet) per page, key = HKDF(master, 'kms-db/v1')
 *   journal = WAL, synchronous = FULL, temp_store = MEMORY, secure_delete = ON
 *   shred   = DELETE material rows -> pages zeroed -> wal_checkpoint(TRUNCATE)
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3-multiple-ciphers';
import { openEncryptedSqlite } from '../storage/encrypted-sqlite.js';
import { type MasterKey, deriveKey } from '../crypto/index.js';
import type { AliasRecord, KeyRecord, KeyState } from './types.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS keys (
  key_id TEXT PRIMARY KEY,
  description TEXT NOT NULL,
  state TEXT NOT NULL,
  key_manager TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  rotation_enabled INTEGER NOT NULL,
  rotation_period_days INTEGER NOT NULL,
  next_rotation_ms INTEGER,
  current_material INTEGER NOT NULL,
  deletion_ms INTEGER,
  pending_window_days INTEGER,
  tags TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS keys_deletion ON keys (deletion_ms) WHERE state = 'PendingDeletion';
CREATE TABLE IF NOT EXISTS materials (
  key_id TEXT NOT NULL REFERENCES keys (key_id),
  version INTEGER NOT NULL,
  sealed TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  PRIMARY KEY (key_id, version)
);
CREATE TABLE IF NOT EXISTS aliases (
  name TEXT PRIMARY KEY,
  key_id TEXT NOT NULL REFERENCES keys (key_id),
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS aliases_key ON aliases (key_id);
`;

type Row = Record<string, unknown>;

function toKey(r: Row): KeyRecord {
  return {
    keyId: r['key_id'] as string,
    description: r['description'] as string,
    state: r['state'] as KeyState,
    keyManager: r['key_manager'] as KeyRecord['keyManager'],
    createdMs: r['created_ms'] as number,
    rotationEnabled: r['rotation_enabled'] === 1,
    rotationPeriodDays: r['rotation_period_days'] as number,
    nextRotationMs: (r['next_rotation_ms'] as number | null) ?? null,
    currentMaterial: r['current_material'] as number,
    deletionMs: (r['deletion_ms'] as number | null) ?? null,
    pendingWindowDays: (r['pending_window_days'] as number | null) ?? null,
    tags: JSON.parse(r['tags'] as string) as Record<string, string>,
  };
}

function toAlias(r: Row): AliasRecord {
  return { name: r['name'] as string, keyId: r['key_id'] as string, createdMs: r['created_ms'] as number, updatedMs: r['updated_ms'] as number };
}

export class KmsStore {
  readonly #db: Database.Database;
  /** Prepared statements by SQL text (compiling one costs more than running it). */
  readonly #statements = new Map<string, Database.Statement>();

  private constructor(db: Database.Database) {
    this.#db = db;
  }

  #stmt(sql: string): Database.Statement {
    let s = this.#statements.get(sql);
    if (s === undefined) {
      s = this.#db.prepare(sql);
      this.#statements.set(sql, s);
    }
    return s;
  }

  /** Opens (creating if needed) the page-encrypted key database. Wrong master key: 'storage.bad_key'. */
  static open(options: { path: string; masterKey: MasterKey }): KmsStore {
    const key = deriveKey(options.masterKey, 'kms-db/v1');
    let db: Database.Database;
    try {
      db = openEncryptedSqlite({ path: options.path, key, what: 'the KMS database' });
    } finally {
      key.fill(0);
    }
    try {
      db.pragma('secure_delete = ON');
      db.exec(SCHEMA);
      db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', '1')").run();
      const fd = openSync(dirname(options.path), 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      return new KmsStore(db);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn).immediate();
  }

  insertKey(k: KeyRecord, sealedMaterial: string): void {
    this.transaction(() => {
      this.#stmt(
          `INSERT INTO keys (key_id, description, state, key_manager, created_ms, rotation_enabled, rotation_period_days, next_rotation_ms, current_material, deletion_ms, pending_window_days, tags)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(k.keyId, k.description, k.state, k.keyManager, k.createdMs, k.rotationEnabled ? 1 : 0, k.rotationPeriodDays, k.nextRotationMs, k.currentMaterial, k.deletionMs, k.pendingWindowDays, JSON.stringify(k.tags));
      this.#stmt('INSERT INTO materials (key_id, version, sealed, created_ms) VALUES (?, ?, ?, ?)').run(k.keyId, k.currentMaterial, sealedMaterial, k.createdMs);
    });
  }

  getKey(keyId: string): KeyRecord | null {
    const r = this.#stmt('SELECT * FROM keys WHERE key_id = ?').get(keyId) as Row | undefined;
    return r ? toKey(r) : null;
  }

  /** Keys that are not tombstones, by key id, after `marker`. */
  listKeys(opts: { after?: string; limit: number }): KeyRecord[] {
    const rows = this.#stmt("SELECT * FROM keys WHERE state != 'Deleted' AND key_id > ? ORDER BY key_id LIMIT ?").all(opts.after ?? '', opts.limit) as Row[];
    return rows.map(toKey);
  }

  /** Writes the mutable fields of a key. */
  updateKey(k: KeyRecord): void {
    this.#stmt(
        `UPDATE keys SET description = ?, state = ?, rotation_enabled = ?, rotation_period_days = ?, next_rotation_ms = ?, current_material = ?, deletion_ms = ?, pending_window_days = ?, tags = ? WHERE key_id = ?`,
      )
      .run(k.description, k.state, k.rotationEnabled ? 1 : 0, k.rotationPeriodDays, k.nextRotationMs, k.currentMaterial, k.deletionMs, k.pendingWindowDays, JSON.stringify(k.tags), k.keyId);
  }

  /** Adds a new material version and makes it current, in one transaction. */
  addMaterial(k: KeyRecord, version: number, sealed: string, nowMs: number): void {
    this.transaction(() => {
      this.#stmt('INSERT INTO materials (key_id, version, sealed, created_ms) VALUES (?, ?, ?, ?)').run(k.keyId, version, sealed, nowMs);
      this.updateKey({ ...k, currentMaterial: version });
    });
  }

  getMaterial(keyId: string, version: number): string | null {
    const r = this.#stmt('SELECT sealed FROM materials WHERE key_id = ? AND version = ?').get(keyId, version) as Row | undefined;
    return r ? (r['sealed'] as string) : null;
  }

  /** Material versions of a key with their creation times, oldest first. */
  listMaterials(keyId: string): { version: number; createdMs: number }[] {
    return (this.#stmt('SELECT version, created_ms FROM materials WHERE key_id = ? ORDER BY version').all(keyId) as Row[]).map((r) => ({
      version: r['version'] as number,
      createdMs: r['created_ms'] as number,
    }));
  }

  /** Every sealed material (for a master-key re-wrap). */
  allMaterials(): { keyId: string; version: number; sealed: string }[] {
    return (this.#stmt('SELECT key_id, version, sealed FROM materials').all() as Row[]).map((r) => ({
      keyId: r['key_id'] as string,
      version: r['version'] as number,
      sealed: r['sealed'] as string,
    }));
  }

  replaceMaterial(keyId: string, version: number, sealed: string): void {
    this.#stmt('UPDATE materials SET sealed = ? WHERE key_id = ? AND version = ?').run(sealed, keyId, version);
  }

  /** Keys in PendingDeletion whose date is at or before `nowMs`. */
  dueDeletions(nowMs: number): string[] {
    return (this.#stmt("SELECT key_id FROM keys WHERE state = 'PendingDeletion' AND deletion_ms <= ?").all(nowMs) as Row[]).map((r) => r['key_id'] as string);
  }

  /** The earliest pending deletion date, or null. */
  nextDeletionMs(): number | null {
    const r = this.#stmt("SELECT min(deletion_ms) AS m FROM keys WHERE state = 'PendingDeletion'").get() as Row;
    return (r['m'] as number | null) ?? null;
  }

  /** Destroys a key's material and aliases and leaves a tombstone; then truncates the WAL. */
  shred(keyId: string): void {
    this.transaction(() => {
      this.#stmt('DELETE FROM materials WHERE key_id = ?').run(keyId);
      this.#stmt('DELETE FROM aliases WHERE key_id = ?').run(keyId);
      this.#stmt("UPDATE keys SET state = 'Deleted', rotation_enabled = 0, next_rotation_ms = NULL, tags = '{}' WHERE key_id = ?").run(keyId);
    });
    // Old page images of the material can live on in the WAL until it is checkpointed.
    this.#db.pragma('wal_checkpoint(TRUNCATE)');
  }

  insertAlias(a: AliasRecord): void {
    this.#stmt('INSERT INTO aliases (name, key_id, created_ms, updated_ms) VALUES (?, ?, ?, ?)').run(a.name, a.keyId, a.createdMs, a.updatedMs);
  }

  getAlias(name: string): AliasRecord | null {
    const r = this.#stmt('SELECT * FROM aliases WHERE name = ?').get(name) as Row | undefined;
    return r ? toAlias(r) : null;
  }

  listAliases(opts: { keyId?: string; after?: string; limit: number }): AliasRecord[] {
    const rows =
      opts.keyId !== undefined
        ? (this.#stmt('SELECT * FROM aliases WHERE key_id = ? AND name > ? ORDER BY name LIMIT ?').all(opts.keyId, opts.after ?? '', opts.limit) as Row[])
        : (this.#stmt('SELECT * FROM aliases WHERE name > ? ORDER BY name LIMIT ?').all(opts.after ?? '', opts.limit) as Row[]);
    return rows.map(toAlias);
  }

  updateAlias(name: string, keyId: string, nowMs: number): void {
    this.#stmt('UPDATE aliases SET key_id = ?, updated_ms = ? WHERE name = ?').run(keyId, nowMs, name);
  }

  deleteAlias(name: string): boolean {
    return this.#stmt('DELETE FROM aliases WHERE name = ?').run(name).changes > 0;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}
