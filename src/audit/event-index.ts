/**
 * The lookup index of a running trail: one page-encrypted SQLite table of the lookup attributes
 * (LookupEvents' eight keys and the time) plus the stored event JSON, so LookupEvents is an
 * indexed query instead of a scan of every segment.
 *
 *   file   = DIR/lookup.db, cipher chacha20 (sqleet), key = deriveKey(master, "audit-index/v1")
 *   cost   = five secondary indexes + one resource row per ARN and short name (about 60 µs of
 *            CPU per record on the reference machine); rows are inserted in batches off the reply path
 *   fill   = after a batch of records is durable, its rows are queued and written in one
 *            transaction a moment later (never before the reply: the index is derived data)
 *   state  = meta(origin, upto): rows cover every log index < upto that is still retained
 *   repair = at open, an index of another trail, unreadable or ahead of the log is deleted;
 *            one behind the log is caught up from the segments (the log is the source of truth)
 *   crash  = WAL + synchronous=NORMAL: a crash loses at most the newest rows, which the next
 *            open re-reads from the segments
 */
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import type { Database as Db, Statement } from 'better-sqlite3-multiple-ciphers';
import { deriveKey, type MasterKey } from '../crypto/index.js';
import { usernameOf, type AuditEvent } from './event.js';
import { resourceNameOf, type LookupQuery } from './lookup.js';

export interface IndexRow {
  index: number;
  event: AuditEvent;
  json: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  idx INTEGER PRIMARY KEY, event_id TEXT NOT NULL, event_name TEXT NOT NULL, event_source TEXT NOT NULL,
  username TEXT, access_key_id TEXT, read_only TEXT NOT NULL, time_ms INTEGER NOT NULL, res_types TEXT NOT NULL, json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_id ON events(event_id);
CREATE INDEX IF NOT EXISTS events_name ON events(event_name, idx);
CREATE INDEX IF NOT EXISTS events_user ON events(username, idx);
CREATE INDEX IF NOT EXISTS events_key ON events(access_key_id, idx);
CREATE INDEX IF NOT EXISTS events_time ON events(time_ms);
CREATE TABLE IF NOT EXISTS resources (name TEXT NOT NULL, idx INTEGER NOT NULL, PRIMARY KEY (name, idx)) WITHOUT ROWID;
`;

// Selective attributes have an index; low-cardinality ones (source, read-only, resource type) are
// filtered while walking the primary key newest first, which finds a page of matches quickly.
// Each index costs every recorded event a B-tree insert, so only these five (and resources) exist.
const ATTR_SQL: Record<string, string> = {
  EventId: 'e.event_id = @v',
  EventName: 'e.event_name = @v',
  EventSource: 'e.event_source = @v',
  Username: 'e.username = @v',
  AccessKeyId: 'e.access_key_id = @v',
  ReadOnly: 'e.read_only = @v',
  ResourceType: "instr(e.res_types, '|' || @v || '|') > 0",
  ResourceName: 'e.idx IN (SELECT r.idx FROM resources r WHERE r.name = @v)',
};

export class EventIndex {
  private pending: IndexRow[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly insertEvent: Statement;
  private readonly insertResource: Statement;
  private readonly setMeta: Statement;
  private readonly queries = new Map<string, Statement>();
  private uptoValue: number;
  /** Set when a write failed (e.g. a full disk); the trail then answers lookups by scanning. */
  failed = false;

  private constructor(private readonly db: Db, private readonly flushDelayMs: number) {
    this.insertEvent = db.prepare('INSERT OR REPLACE INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.insertResource = db.prepare('INSERT OR IGNORE INTO resources VALUES (?, ?)');
    this.setMeta = db.prepare('INSERT OR REPLACE INTO meta VALUES (?, ?)');
    this.uptoValue = Number((db.prepare("SELECT v FROM meta WHERE k = 'upto'").get() as { v: string } | undefined)?.v ?? 0);
  }

  /**
   * Opens (or recreates) the index at `path` for the trail `origin`. An index that cannot be
   * decrypted or read, or that belongs to another trail, is deleted and started afresh.
   */
  static open(path: string, masterKey: MasterKey, origin: string, opts: { flushDelayMs?: number } = {}): EventIndex {
    const attempt = (): EventIndex => {
      const db = new Database(path);
      try {
        db.pragma(`cipher = 'chacha20'`);
        db.pragma(`key = "x'${deriveKey(masterKey, 'audit-index/v1').toString('hex')}'"`);
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        db.pragma('temp_store = MEMORY');
        const cols = db.prepare("SELECT name FROM pragma_table_info('events')").all() as { name: string }[];
        if (cols.length > 0 && !cols.some((c) => c.name === 'res_types')) throw new Error('index of an older layout');
        db.exec(SCHEMA);
        const o = db.prepare("SELECT v FROM meta WHERE k = 'origin'").get() as { v: string } | undefined;
        if (o && o.v !== origin) throw new Error('index of another trail');
        if (!o) db.prepare("INSERT INTO meta VALUES ('origin', ?)").run(origin);
        return new EventIndex(db, opts.flushDelayMs ?? 50);
      } catch (e) {
        db.close();
        throw e;
      }
    };
    try {
      return attempt();
    } catch {
      for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
      return attempt();
    }
  }

  /** Every retained record with a smaller log index is indexed (once pending rows are flushed). */
  get upto(): number {
    return this.uptoValue + this.pending.length;
  }

  /** Drops every row and starts again at `from` (used when the index is ahead of the log). */
  reset(from: number): void {
    this.pending = [];
    this.db.transaction(() => {
      this.db.exec('DELETE FROM events; DELETE FROM resources;');
      this.setMeta.run('upto', String(from));
    })();
    this.uptoValue = from;
  }

  /** Queues rows (consecutive log indexes from `upto`); they are written shortly after. */
  add(rows: readonly IndexRow[]): void {
    if (this.failed) return;
    this.pending.push(...rows);
    if (this.pending.length >= 2048) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        try {
          this.flush();
        } catch {
          // Derived data: a failed write never affects the log; lookups fall back to a scan.
        }
      }, this.flushDelayMs);
      this.timer.unref();
    }
  }

  /** Writes queued rows now (lookups call it first, so a caller sees its own requests). */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    if (this.failed) return;
    this.failed = true;
    this.db.transaction(() => {
      for (const r of rows) {
        const e = r.event;
        const resources = e.resources ?? [];
        const types = resources.length ? `|${resources.map((x) => x.type).join('|')}|` : '';
        this.insertEvent.run(r.index, e.eventID, e.eventName, e.eventSource, usernameOf(e.userIdentity) ?? null, e.userIdentity.accessKeyId ?? null, e.readOnly ? 'true' : 'false', Date.parse(e.eventTime), types, r.json);
        // ResourceName matches the ARN or its short name (lookup.ts resourceNameOf): one row for each.
        for (const res of resources) {
          this.insertResource.run(res.ARN, r.index);
          this.insertResource.run(resourceNameOf(res.ARN), r.index);
        }
      }
      const last = rows[rows.length - 1] as IndexRow;
      this.setMeta.run('upto', String(last.index + 1));
      this.uptoValue = last.index + 1;
    })();
    this.failed = false;
  }

  /** LookupEvents' query: newest first, at most `q.limit` rows. */
  query(q: LookupQuery): { index: number; event: AuditEvent; json: string }[] {
    this.flush();
    const where: string[] = [];
    if (q.attr) where.push(ATTR_SQL[q.attr.AttributeKey] as string);
    if (Number.isFinite(q.startMs)) where.push('e.time_ms >= @start');
    if (Number.isFinite(q.endMs)) where.push('e.time_ms <= @end');
    if (q.beforeIndex !== undefined) where.push('e.idx < @before');
    const sql = `SELECT e.idx AS idx, e.json AS json FROM events e ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY e.idx DESC LIMIT @limit`;
    let stmt = this.queries.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.queries.set(sql, stmt);
    }
    const params: Record<string, unknown> = { limit: q.limit };
    if (q.attr) params.v = q.attr.AttributeValue;
    if (Number.isFinite(q.startMs)) params.start = q.startMs;
    if (Number.isFinite(q.endMs)) params.end = q.endMs;
    if (q.beforeIndex !== undefined) params.before = q.beforeIndex;
    return (stmt.all(params) as { idx: number; json: string }[]).map((r) => ({ index: r.idx, event: JSON.parse(r.json) as AuditEvent, json: r.json }));
  }

  /** Removes rows of records below `index` (after their segments were pruned). */
  pruneBefore(index: number): void {
    this.flush();
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM events WHERE idx < ?').run(index);
      this.db.prepare('DELETE FROM resources WHERE idx < ?').run(index); // a scan, once per prune
    })();
  }

  close(): void {
    try {
      this.flush();
    } catch {
      // rows not written are re-read from the segments at the next open
    } finally {
      this.db.close();
    }
  }
}
