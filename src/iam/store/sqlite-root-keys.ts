/**
 * Access keys of the account root user, kept apart from IAM users' keys (the root user is not an
 * IAM user and has no row in users). The root user has none by default; whether one may be
 * created is decided by the caller (src/iam/principals/root-keys.ts, config
 * iam.allowRootAccessKeys). Rows live in the meta table, one per key, secrets sealed per key id
 * exactly like users' secrets (secret-seal.ts).
 *
 *   meta['root_access_key/' || id] = {"sealed": base64(seal(id, secret)), "status": "Active", "created": ms}
 */
import { CofferError, type Clock } from '../../shared/index.js';
import { isoDate, newAccessKeyId, newSecretAccessKey } from './names.js';
import type { RootAccessKeyStore, RootAccessKey } from './port.js';
import type { SecretSealer } from './secret-seal.js';
import { limitExceeded, noSuchEntity, type Sql } from './sql.js';

const PREFIX = 'root_access_key/';
const MAX_ROOT_KEYS = 2;

interface Row {
  sealed: string;
  status: 'Active' | 'Inactive';
  created: number;
}

export class SqliteRootKeys implements RootAccessKeyStore {
  constructor(
    private readonly sql: Sql,
    private readonly sealer: SecretSealer,
    private readonly clock: Clock,
  ) {}

  #rows(): Array<{ id: string; row: Row }> {
    return this.sql
      .all("SELECT key, value FROM meta WHERE key >= 'root_access_key/' AND key < 'root_access_key0' ORDER BY key")
      .map((r) => ({ id: (r.key as string).slice(PREFIX.length), row: JSON.parse(r.value as string) as Row }))
      .sort((a, b) => a.row.created - b.row.created || a.id.localeCompare(b.id));
  }

  #row(id: string): Row | null {
    const r = this.sql.get('SELECT value FROM meta WHERE key = ?', PREFIX + id);
    return r ? (JSON.parse(r.value as string) as Row) : null;
  }

  async create(): Promise<{ key: RootAccessKey; secretAccessKey: string }> {
    const id = newAccessKeyId();
    const secretAccessKey = newSecretAccessKey();
    const created = this.clock.now();
    this.sql.write(() => {
      if (this.#rows().length >= MAX_ROOT_KEYS) throw limitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${MAX_ROOT_KEYS}`);
      const row: Row = { sealed: this.sealer.seal(id, secretAccessKey).toString('base64'), status: 'Active', created };
      this.sql.run('INSERT INTO meta (key, value) VALUES (?, ?)', PREFIX + id, JSON.stringify(row));
    });
    return { key: { accessKeyId: id, status: 'Active', createDate: isoDate(created) }, secretAccessKey };
  }

  async list(): Promise<RootAccessKey[]> {
    return this.#rows().map(({ id, row }) => ({ accessKeyId: id, status: row.status, createDate: isoDate(row.created) }));
  }

  async update(accessKeyId: string, status: 'Active' | 'Inactive'): Promise<void> {
    if (status !== 'Active' && status !== 'Inactive') throw new CofferError('iam.validation', { message: "Status must be 'Active' or 'Inactive'." });
    this.sql.write(() => {
      const row = this.#row(accessKeyId);
      if (!row) throw noSuchEntity(`Access Key with id ${accessKeyId}`);
      this.sql.run('UPDATE meta SET value = ? WHERE key = ?', JSON.stringify({ ...row, status }), PREFIX + accessKeyId);
    });
  }

  async delete(accessKeyId: string): Promise<void> {
    this.sql.write(() => {
      if (this.sql.run('DELETE FROM meta WHERE key = ?', PREFIX + accessKeyId) === 0) throw noSuchEntity(`Access Key with id ${accessKeyId}`);
    });
  }

  async find(accessKeyId: string): Promise<{ accessKeyId: string; secretAccessKey: string; status: 'Active' | 'Inactive' } | null> {
    if (!/^AKIA[A-Z2-7]{16}$/.test(accessKeyId)) return null;
    const row = this.#row(accessKeyId);
    if (!row) return null;
    return { accessKeyId, secretAccessKey: this.sealer.open(accessKeyId, Buffer.from(row.sealed, 'base64')), status: row.status };
  }
}
