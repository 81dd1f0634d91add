/** Small helpers shared by the SQLite identity store's parts. */
import type { Database, Statement } from 'better-sqlite3-multiple-ciphers';
import { CofferError } from '../../shared/index.js';
import type { ListOptions, Page } from './types.js';

export type Row = Record<string, unknown>;

export class Sql {
  readonly #statements = new Map<string, Statement>();
  #revision = 0;

  constructor(readonly db: Database) {}

  prepare(sql: string): Statement {
    let s = this.#statements.get(sql);
    if (s === undefined) {
      s = this.db.prepare(sql);
      this.#statements.set(sql, s);
    }
    return s;
  }

  get(sql: string, ...params: unknown[]): Row | undefined {
    return this.prepare(sql).get(...params) as Row | undefined;
  }

  all(sql: string, ...params: unknown[]): Row[] {
    return this.prepare(sql).all(...params) as Row[];
  }

  run(sql: string, ...params: unknown[]): number {
    return this.prepare(sql).run(...params).changes;
  }

  /** Runs a write transaction and bumps the revision. */
  write<T>(fn: () => T): T {
    const r = this.db.transaction(fn).immediate();
    this.#revision++;
    return r;
  }

  revision(): number {
    return this.#revision;
  }
}

export function noSuchEntity(what: string): CofferError {
  return new CofferError('iam.no_such_entity', { message: `The ${what} cannot be found.` });
}

export function alreadyExists(what: string): CofferError {
  return new CofferError('iam.entity_already_exists', { message: `${what} already exists.` });
}

export function limitExceeded(message: string): CofferError {
  return new CofferError('iam.limit_exceeded', { message });
}

export function deleteConflict(message: string): CofferError {
  return new CofferError('iam.delete_conflict', { message });
}

export function isConstraint(e: unknown): boolean {
  return typeof (e as { code?: unknown }).code === 'string' && ((e as { code: string }).code.startsWith('SQLITE_CONSTRAINT'));
}

const encodeMarker = (name: string): string => Buffer.from(name, 'utf8').toString('base64url');
function decodeMarker(marker: string | undefined): string {
  if (marker === undefined || marker === '') return '';
  if (!/^[A-Za-z0-9_-]+$/.test(marker)) throw new CofferError('iam.validation', { message: 'Invalid Marker.' });
  return Buffer.from(marker, 'base64url').toString('utf8');
}

/**
 * Pages through `SELECT … WHERE <name column> > ? [AND path prefix] ORDER BY name LIMIT n+1`.
 * `base` must end in a WHERE clause fragment that the name and path conditions are ANDed to.
 */
export function paged<T>(sql: Sql, base: string, nameCol: string, params: unknown[], options: ListOptions | undefined, map: (r: Row) => T, nameOf: (r: Row) => string, pathCol?: string): Page<T> {
  const max = options?.maxItems ?? 100;
  if (!Number.isInteger(max) || max < 1 || max > 1000) throw new CofferError('iam.validation', { message: 'MaxItems must be between 1 and 1000.' });
  const after = decodeMarker(options?.marker);
  const prefix = options?.pathPrefix ?? '/';
  const pathClause = pathCol ? ` AND substr(${pathCol}, 1, length(?)) = ?` : '';
  const rows = sql.all(`${base} ${nameCol} > ?${pathClause} ORDER BY ${nameCol} LIMIT ?`, ...params, after, ...(pathCol ? [prefix, prefix] : []), max + 1);
  const truncated = rows.length > max;
  const items = rows.slice(0, max);
  const last = items[items.length - 1];
  return truncated && last ? { items: items.map(map), isTruncated: true, marker: encodeMarker(nameOf(last)) } : { items: items.map(map), isTruncated: false };
}
