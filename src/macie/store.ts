/**
 * The discovery store: the durable on-write queue (with write-ahead intents), the classification
 * state of every live object version, findings and per-bucket statistics. Each method is one
 * SQLite transaction (synchronous=FULL, so it is durable when it returns).
 *
 *   before an object commit:  addIntent(bucket, key)                 -> intent id
 *   after it:                 resolveIntent(id, [version])           -> queue row + QUEUED state (one txn)
 *   at start-up:              intents() left by a crash are resolved by listing the key's versions
 *   worker:                   takeBatch() ... complete(item, outcome) -> state, types, finding (one txn)
 */
import type { Db } from './db.js';
import type { FindingRecord } from './finding.js';
import { sensitivityScore, type BucketClassification } from './score.js';

export interface VersionRef {
  bucket: string;
  key: string;
  versionId: string;
  seq: number;
  size: number;
}

export interface QueueItem extends VersionRef {
  id: number;
  enqueuedAt: number;
  attempts: number;
}

export type ClassificationState = 'QUEUED' | 'COMPLETE' | 'PARTIAL' | 'SKIPPED' | 'ERROR';

export interface ClassificationOutcome {
  state: Exclude<ClassificationState, 'QUEUED'>;
  bytesClassified: number;
  types: { type: string; category: string; count: number }[];
  maxSeverity: number;
  finding: FindingRecord | null;
}

export interface BucketStatistics extends BucketClassification {
  bucket: string;
  sensitivityScore: number;
  totalBytes: number;
  classifiedBytes: number;
  /** Occurrences per detection type over the live versions. */
  byType: { type: string; category: string; count: number; objects: number }[];
  lastClassifiedAt: number | null;
}

export interface FindingRow {
  id: string;
  createdAt: number;
  body: Record<string, unknown>;
}

export type ResourceKind = 'custom-data-identifier' | 'allow-list' | 'job';

export interface StoredResource<T> {
  id: string;
  name: string;
  createdAt: number;
  deleted: boolean;
  body: T;
}

interface ResourceRow { id: string; name: string; created_at: number; deleted: number; body: string }

const toResource = <T>(r: ResourceRow): StoredResource<T> => ({ id: r.id, name: r.name, createdAt: r.created_at, deleted: r.deleted === 1, body: JSON.parse(r.body) as T });

export class MacieStore {
  readonly #db: Db;
  readonly #now: () => number;

  constructor(db: Db, now: () => number) {
    this.#db = db;
    this.#now = now;
  }

  // ---------------------------------------------------------------- intents and queue

  /**
   * Records a write in flight. Written before the object commit without its own fsync: a process
   * crash keeps it (WAL in the page cache); a power loss may not, which `markStarted` detects as an
   * unclean stop so start-up reconciles by listing (see service.ts).
   */
  addIntent(bucket: string, key: string): number {
    let id = 0;
    this.#relaxed(() => {
      id = Number(this.#db.prepare('INSERT INTO intents (bucket, key, created_at) VALUES (?, ?, ?)').run(bucket, key, this.#now()).lastInsertRowid);
    });
    return id;
  }

  /** Marks the process running; returns whether the previous run stopped cleanly and when it started. */
  markStarted(): { clean: boolean; previousStart: number | null } {
    const row = this.#db.prepare("SELECT value FROM meta WHERE key = 'run'").get() as { value: string } | undefined;
    const prev = row ? (JSON.parse(row.value) as { running: boolean; startedAt: number }) : null;
    const clean = prev === null || !prev.running;
    // After an unclean stop the earlier start is kept until reconciliation succeeds (markReconciled).
    this.#setRun({ running: true, startedAt: clean ? this.#now() : prev.startedAt });
    return { clean, previousStart: prev?.startedAt ?? null };
  }

  /** Reconciliation after an unclean stop finished: later checks start from `startedAt`. */
  markReconciled(startedAt: number): void {
    this.#setRun({ running: true, startedAt });
  }

  #setRun(run: { running: boolean; startedAt: number }): void {
    this.#db.prepare("INSERT INTO meta (key, value) VALUES ('run', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(JSON.stringify(run));
  }

  /** Marks a clean stop (everything committed; the next start needs no reconciliation by listing). */
  markStopped(): void {
    const row = this.#db.prepare("SELECT value FROM meta WHERE key = 'run'").get() as { value: string } | undefined;
    const prev = row ? (JSON.parse(row.value) as { startedAt: number }) : { startedAt: this.#now() };
    this.#setRun({ running: false, startedAt: prev.startedAt });
  }

  /**
   * Replaces the intent by queue rows for the committed versions (none when the write failed).
   * Committed without its own fsync: if a power loss drops it, the durable intent is still there
   * and start-up resolves it, so one fsync per write (the intent's) is enough.
   */
  resolveIntent(id: number, versions: readonly VersionRef[]): void {
    this.#relaxed(() => {
      this.#db.prepare('DELETE FROM intents WHERE id = ?').run(id);
      this.#enqueue(versions);
    });
  }

  /** One transaction at synchronous=NORMAL (WAL: durable across a process crash, not a power loss). */
  #relaxed(fn: () => void): void {
    this.#db.pragma('synchronous = NORMAL');
    try {
      this.#db.transaction(fn)();
    } finally {
      this.#db.pragma('synchronous = FULL');
    }
  }

  intents(): { id: number; bucket: string; key: string }[] {
    return this.#db.prepare('SELECT id, bucket, key FROM intents ORDER BY id').all() as { id: number; bucket: string; key: string }[];
  }

  enqueue(versions: readonly VersionRef[]): void {
    this.#db.transaction(() => this.#enqueue(versions))();
  }

  #enqueue(versions: readonly VersionRef[]): void {
    const now = this.#now();
    const q = this.#db.prepare('INSERT OR IGNORE INTO queue (bucket, key, version_id, seq, size, enqueued_at) VALUES (?, ?, ?, ?, ?, ?)');
    const v = this.#db.prepare(
      `INSERT INTO versions (bucket, key, version_id, seq, size, state) VALUES (?, ?, ?, ?, ?, 'QUEUED')
       ON CONFLICT (bucket, key, version_id) DO UPDATE SET seq = excluded.seq, size = excluded.size, state = 'QUEUED',
         sensitive = 0, max_severity = 0, bytes_classified = 0, classified_at = NULL, finding_id = NULL
       WHERE excluded.seq <> versions.seq`,
    );
    for (const r of versions) {
      q.run(r.bucket, r.key, r.versionId, r.seq, r.size, now);
      v.run(r.bucket, r.key, r.versionId, r.seq, r.size);
    }
  }

  /** True when the version (with this seq) is queued or classified already. */
  knows(bucket: string, key: string, versionId: string, seq: number): boolean {
    return this.#db.prepare('SELECT 1 FROM versions WHERE bucket = ? AND key = ? AND version_id = ? AND seq = ?').get(bucket, key, versionId, seq) !== undefined;
  }

  /** The oldest queued items, skipping those already being worked on. */
  takeBatch(limit: number, busy: ReadonlySet<number>): QueueItem[] {
    const rows = this.#db
      .prepare('SELECT id, bucket, key, version_id, seq, size, enqueued_at, attempts FROM queue ORDER BY id LIMIT ?')
      .all(limit + busy.size) as { id: number; bucket: string; key: string; version_id: string; seq: number; size: number; enqueued_at: number; attempts: number }[];
    return rows
      .filter((r) => !busy.has(r.id))
      .slice(0, limit)
      .map((r) => ({ id: r.id, bucket: r.bucket, key: r.key, versionId: r.version_id, seq: r.seq, size: r.size, enqueuedAt: r.enqueued_at, attempts: r.attempts }));
  }

  queueDepth(): number {
    return (this.#db.prepare('SELECT count(*) AS n FROM queue').get() as { n: number }).n;
  }

  /** Counts a failed attempt; returns the new attempt count. */
  retryLater(id: number): number {
    this.#db.prepare('UPDATE queue SET attempts = attempts + 1 WHERE id = ?').run(id);
    return (this.#db.prepare('SELECT attempts FROM queue WHERE id = ?').get(id) as { attempts: number } | undefined)?.attempts ?? 0;
  }

  /** Drops a queue item whose version no longer exists (or was superseded). */
  drop(id: number): void {
    this.#db.prepare('DELETE FROM queue WHERE id = ?').run(id);
  }

  /**
   * Records a classification and removes the item from the queue, atomically; `withFinding` runs in
   * the same transaction when a finding is stored (the webhook outbox).
   */
  complete(item: QueueItem, outcome: ClassificationOutcome, withFinding?: (f: FindingRecord) => void): void {
    // Relaxed like resolveIntent: a lost completion leaves the item queued, and it is classified again.
    this.#relaxed(() => {
      this.#db.prepare('DELETE FROM queue WHERE id = ?').run(item.id);
      const live = this.#db
        .prepare(
          `UPDATE versions SET state = ?, sensitive = ?, max_severity = ?, bytes_classified = ?, classified_at = ?, finding_id = ?
           WHERE bucket = ? AND key = ? AND version_id = ? AND seq = ?`,
        )
        .run(outcome.state, outcome.finding ? 1 : 0, outcome.maxSeverity, outcome.bytesClassified, this.#now(), outcome.finding?.id ?? null, item.bucket, item.key, item.versionId, item.seq);
      // A version deleted while it was being scanned leaves no state and no finding.
      if (live.changes === 0) return;
      this.#db.prepare('DELETE FROM version_types WHERE bucket = ? AND key = ? AND version_id = ?').run(item.bucket, item.key, item.versionId);
      const t = this.#db.prepare('INSERT INTO version_types (bucket, key, version_id, type, category, count) VALUES (?, ?, ?, ?, ?, ?)');
      for (const d of outcome.types) t.run(item.bucket, item.key, item.versionId, d.type, d.category, d.count);
      if (outcome.finding) {
        this.#insertFinding(outcome.finding);
        withFinding?.(outcome.finding);
      }
    });
  }

  /** A version was deleted: it no longer counts in its bucket's statistics (its findings remain). */
  forget(bucket: string, key: string, versionId: string): void {
    this.#db.transaction(() => {
      this.#db.prepare('DELETE FROM versions WHERE bucket = ? AND key = ? AND version_id = ?').run(bucket, key, versionId);
      this.#db.prepare('DELETE FROM version_types WHERE bucket = ? AND key = ? AND version_id = ?').run(bucket, key, versionId);
      this.#db.prepare('DELETE FROM queue WHERE bucket = ? AND key = ? AND version_id = ?').run(bucket, key, versionId);
    })();
  }

  /** Classification state of one version, or null. */
  stateOf(bucket: string, key: string, versionId: string): { state: ClassificationState; findingId: string | null } | null {
    const r = this.#db.prepare('SELECT state, finding_id FROM versions WHERE bucket = ? AND key = ? AND version_id = ?').get(bucket, key, versionId) as
      | { state: ClassificationState; finding_id: string | null }
      | undefined;
    return r ? { state: r.state, findingId: r.finding_id } : null;
  }

  // ---------------------------------------------------------------- statistics

  /** Buckets with at least one tracked version. */
  trackedBuckets(): string[] {
    return (this.#db.prepare('SELECT DISTINCT bucket FROM versions ORDER BY bucket').all() as { bucket: string }[]).map((r) => r.bucket);
  }

  bucketStatistics(bucket: string): BucketStatistics {
    const a = this.#db
      .prepare(
        `SELECT count(*) AS total,
                coalesce(sum(state IN ('COMPLETE','PARTIAL','SKIPPED')), 0) AS classified,
                coalesce(sum(state = 'QUEUED'), 0) AS queued,
                coalesce(sum(state = 'ERROR'), 0) AS errors,
                coalesce(sum(sensitive), 0) AS sensitive,
                coalesce(max(max_severity), 0) AS maxSeverity,
                coalesce(sum(size), 0) AS totalBytes,
                coalesce(sum(bytes_classified), 0) AS classifiedBytes,
                max(classified_at) AS lastClassifiedAt
         FROM versions WHERE bucket = ?`,
      )
      .get(bucket) as Omit<BucketStatistics, 'bucket' | 'sensitivityScore' | 'byType' | 'types'>;
    const byType = this.#db
      .prepare('SELECT type, category, sum(count) AS count, count(*) AS objects FROM version_types WHERE bucket = ? GROUP BY type, category ORDER BY type')
      .all(bucket) as BucketStatistics['byType'];
    const c: BucketClassification = { ...a, types: byType.length };
    return { bucket, ...a, types: byType.length, byType, sensitivityScore: sensitivityScore(c) };
  }

  // ---------------------------------------------------------------- findings

  /** Stores a job's finding; `withFinding` runs in the same transaction (the webhook outbox). */
  insertFinding(f: FindingRecord, withFinding?: (f: FindingRecord) => void): void {
    this.#db.transaction(() => {
      this.#insertFinding(f);
      withFinding?.(f);
    })();
  }

  /** The database, for tables kept beside the store's (the webhook outbox). */
  get db(): Db {
    return this.#db;
  }

  #insertFinding(f: FindingRecord): void {
    this.#db
      .prepare(
        `INSERT INTO findings (id, bucket, key, version_id, type, severity, severity_score, origin_type, job_id, created_at, updated_at, body)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(f.id, f.bucket, f.key, f.versionId, f.type, f.severity, f.severityScore, f.originType, f.jobId, f.createdAt, f.createdAt, JSON.stringify(f.body));
  }

  /** Finding ids by creation time (ties by id, as a stable sort of allFindings gives), one window, bodies unread. */
  findingIdsByTime(where: { buckets?: readonly string[]; keys?: readonly string[]; severities?: readonly string[] }, desc: boolean, offset: number, limit: number): string[] {
    const { sql, params } = findingFilter(where);
    return (this.#db.prepare(`SELECT id FROM findings${sql} ORDER BY created_at ${desc ? 'DESC' : 'ASC'}, id ASC LIMIT ? OFFSET ?`).all(...params, limit, offset) as { id: string }[]).map((r) => r.id);
  }

  /**
   * Every finding, oldest first (callers filter, sort and page; bodies are small). `where` narrows
   * by indexed columns first (bucket names, object keys, severity), so a filtered ListFindings
   * does not parse every finding.
   */
  *allFindings(where: { buckets?: readonly string[]; keys?: readonly string[]; severities?: readonly string[] } = {}): Generator<FindingRow> {
    const { sql: filter, params } = findingFilter(where);
    const sql = `SELECT id, created_at, body, archived FROM findings${filter} ORDER BY created_at, id`;
    for (const r of this.#db.prepare(sql).iterate(...params) as Iterable<{ id: string; created_at: number; body: string; archived: number }>) {
      const body = JSON.parse(r.body) as Record<string, unknown>;
      body.archived = r.archived === 1;
      yield { id: r.id, createdAt: r.created_at, body };
    }
  }

  getFindings(ids: readonly string[]): FindingRow[] {
    const get = this.#db.prepare('SELECT id, created_at, body, archived FROM findings WHERE id = ?');
    const out: FindingRow[] = [];
    for (const id of ids) {
      const r = get.get(id) as { id: string; created_at: number; body: string; archived: number } | undefined;
      if (!r) continue;
      const body = JSON.parse(r.body) as Record<string, unknown>;
      body.archived = r.archived === 1;
      out.push({ id: r.id, createdAt: r.created_at, body });
    }
    return out;
  }

  /** Archives or unarchives findings (Macie's archive state); returns how many changed. */
  setArchived(ids: readonly string[], archived: boolean): number {
    const u = this.#db.prepare('UPDATE findings SET archived = ?, updated_at = ? WHERE id = ?');
    let n = 0;
    this.#db.transaction(() => {
      for (const id of ids) n += u.run(archived ? 1 : 0, this.#now(), id).changes;
    })();
    return n;
  }

  // ---------------------------------------------------------------- resources (identifiers, allow lists, jobs)

  putResource(kind: ResourceKind, r: { id: string; name: string; createdAt: number; clientToken?: string | undefined; body: unknown }): void {
    this.#db
      .prepare(
        `INSERT INTO resources (kind, id, name, created_at, client_token, body) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (kind, id) DO UPDATE SET name = excluded.name, body = excluded.body`,
      )
      .run(kind, r.id, r.name, r.createdAt, r.clientToken ?? null, JSON.stringify(r.body));
  }

  getResource<T>(kind: ResourceKind, id: string): StoredResource<T> | null {
    const r = this.#db.prepare('SELECT id, name, created_at, deleted, body FROM resources WHERE kind = ? AND id = ?').get(kind, id) as ResourceRow | undefined;
    return r ? toResource<T>(r) : null;
  }

  /** A live resource created with this client token (idempotent creates), or null. */
  resourceByClientToken<T>(kind: ResourceKind, token: string): StoredResource<T> | null {
    const r = this.#db.prepare('SELECT id, name, created_at, deleted, body FROM resources WHERE kind = ? AND client_token = ? AND deleted = 0').get(kind, token) as ResourceRow | undefined;
    return r ? toResource<T>(r) : null;
  }

  /** Resources of a kind, oldest first; deleted ones only when asked. */
  listResources<T>(kind: ResourceKind, opts: { includeDeleted?: boolean } = {}): StoredResource<T>[] {
    const rows = this.#db
      .prepare(`SELECT id, name, created_at, deleted, body FROM resources WHERE kind = ?${opts.includeDeleted ? '' : ' AND deleted = 0'} ORDER BY created_at, id`)
      .all(kind) as ResourceRow[];
    return rows.map((r) => toResource<T>(r));
  }

  /** Soft delete (Macie keeps deleted custom identifiers visible as deleted). */
  deleteResource(kind: ResourceKind, id: string, opts: { hard?: boolean } = {}): boolean {
    const sql = opts.hard ? 'DELETE FROM resources WHERE kind = ? AND id = ?' : 'UPDATE resources SET deleted = 1 WHERE kind = ? AND id = ? AND deleted = 0';
    return this.#db.prepare(sql).run(kind, id).changes > 0;
  }

  /** Latest finding of an object version, or null. */
  findingOf(bucket: string, key: string, versionId: string): FindingRow | null {
    const r = this.#db.prepare('SELECT id FROM findings WHERE bucket = ? AND key = ? AND version_id = ? ORDER BY created_at DESC LIMIT 1').get(bucket, key, versionId) as { id: string } | undefined;
    return r ? (this.getFindings([r.id])[0] ?? null) : null;
  }
}

/** A WHERE clause (with its parameters) over the findings table's indexed columns. */
function findingFilter(where: { buckets?: readonly string[]; keys?: readonly string[]; severities?: readonly string[] }): { sql: string; params: string[] } {
  const clauses: string[] = [];
  const params: string[] = [];
  const inList = (column: string, values: readonly string[] | undefined) => {
    if (values === undefined) return;
    clauses.push(values.length === 0 ? '0' : `${column} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  };
  inList('bucket', where.buckets);
  inList('key', where.keys);
  inList('severity', where.severities);
  return { sql: clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '', params };
}
