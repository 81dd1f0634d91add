/**
 * MetadataStore over one page-encrypted SQLite database (opened by open-sqlite-metadata-store.ts).
 *
 * better-sqlite3 is synchronous: reads run at once and the async interface simply resolves.
 * Writes are group-committed: every write asked for during one turn of the event loop joins one
 * BEGIN IMMEDIATE transaction, each write in its own savepoint, so a batch pays one WAL fsync
 * instead of one per write while each caller still gets its own outcome:
 *
 *   write(fn): queue fn; schedule flush on setImmediate; resolve/reject once the batch is durable
 *   flush:     BEGIN IMMEDIATE
 *                for fn in batch: SAVEPOINT; try fn -> ok; catch -> ROLLBACK TO SAVEPOINT, error
 *                (if SQLite aborted the whole transaction, every write of the batch fails)
 *              COMMIT          -> with a WAL sync: wait for walSync.durable() (an fdatasync of
 *                                 the -wal file begun after this COMMIT, shared by the batches
 *                                 committed meanwhile, on the thread pool); without: SQLite's
 *                                 synchronous=FULL fsync'd inside COMMIT, on the event loop
 *                              -> then resolve the ok ones, reject the others
 *              COMMIT fails    -> reject all (nothing of the batch is stored)
 *              sync fails      -> reject the batch and every later write (storage.closed)
 *
 * NORMAL + an fdatasync of the WAL after COMMIT is what FULL does (SQLite's FULL differs from
 * NORMAL in WAL mode only by that sync at commit), without stalling every other request for
 * the length of an fsync. Reads are not delayed: they may see a commit whose sync is in flight,
 * whose writer has not been answered yet.
 *
 * Preconditions are checked under the write lock, which also holds if a second process opens
 * the same file.
 */
import type { Database, Statement } from 'better-sqlite3-multiple-ciphers';
import { CofferError } from '../../../shared/index.js';
import type { GroupSync } from '../../group-sync.js';
import type {
  BucketRecord,
  BucketPatch,
  ListLatestOptions,
  ListUploadsOptions,
  ListVersionsOptions,
  MetadataStore,
  MultipartUploadRecord,
  ObjectVersionRecord,
  PartRecord,
  PutVersionResult,
  WriteExpectation,
} from '../port.js';
import {
  bucketFromRow,
  keyBytes,
  partFromRow,
  prefixEnd,
  uploadFromRow,
  uploadParams,
  versionFromRow,
  versionParams,
  type BucketRow,
  type PartRow,
  type UploadRow,
  type VersionRow,
} from './rows.js';

type PutOptions = { replaceNull: boolean; expect?: WriteExpectation };

/** Most writes committed in one transaction (bounds the time the event loop spends in one flush). */
const MAX_BATCH = 256;

/** Conditions and parameters for a key range: prefix and/or strictly-after bound. */
function keyRange(prefix: string | undefined, after: string | undefined, params: unknown[]): string {
  let sql = '';
  if (prefix !== undefined && prefix !== '') {
    const start = keyBytes(prefix);
    sql += ' AND key >= ?';
    params.push(start);
    const end = prefixEnd(start);
    if (end !== null) {
      sql += ' AND key < ?';
      params.push(end);
    }
  }
  if (after !== undefined) {
    sql += ' AND key > ?';
    params.push(keyBytes(after));
  }
  return sql;
}

function checkLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new CofferError('storage.invalid_argument', { message: 'limit must be a non-negative integer' });
  }
}

export class SqliteMetadataStore implements MetadataStore {
  readonly #db: Database;
  readonly #statements = new Map<string, Statement<unknown[], unknown>>();
  readonly #pending: { fn: () => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = [];
  #flushScheduled = false;
  #closed = false;
  /** Makes commits durable when SQLite runs with synchronous=NORMAL (see the file header). */
  readonly #walSync: GroupSync | undefined;

  /** `walSync`: the group fsync of this database's -wal file; required when it runs with synchronous=NORMAL. */
  constructor(db: Database, walSync?: GroupSync) {
    this.#db = db;
    this.#walSync = walSync;
  }

  /** WAL syncs so far (undefined: SQLite syncs inside COMMIT). */
  get walSyncs(): number | undefined {
    return this.#walSync?.syncs;
  }

  /** Prepared statements are cached by their SQL text. */
  #stmt<R>(sql: string): Statement<unknown[], R> {
    if (this.#closed) throw new CofferError('storage.closed', { message: 'metadata store is closed' });
    let s = this.#statements.get(sql);
    if (s === undefined) {
      s = this.#db.prepare(sql);
      this.#statements.set(sql, s);
    }
    return s as Statement<unknown[], R>;
  }

  #write<T>(fn: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new CofferError('storage.closed', { message: 'metadata store is closed' }));
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  /** Commits the queued writes as one transaction (see the file header). */
  #flush(): void {
    this.#flushScheduled = false;
    const batch = this.#pending.splice(0, MAX_BATCH);
    if (this.#pending.length > 0) {
      this.#flushScheduled = true;
      setImmediate(() => this.#flush());
    }
    if (batch.length === 0) return;
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      this.#db.transaction(() => {
        for (const w of batch) {
          try {
            outcomes.push({ ok: true, value: this.#db.transaction(w.fn)() });
          } catch (error) {
            // SQLite may have rolled back the whole transaction (e.g. SQLITE_FULL): then the
            // earlier writes of the batch are gone too, so the batch fails as one.
            if (!this.#db.inTransaction) throw error;
            outcomes.push({ ok: false, error });
          }
        }
      }).immediate();
    } catch (error) {
      for (const w of batch) w.reject(error);
      return;
    }
    const settle = () =>
      batch.forEach((w, i) => {
        const o = outcomes[i]!;
        if (o.ok) w.resolve(o.value);
        else w.reject(o.error);
      });
    // Failed preconditions wait too: their outcome was decided on state that is not durable yet.
    if (this.#walSync === undefined) settle();
    else this.#walSync.durable().then(settle, (error: unknown) => batch.forEach((w) => w.reject(error)));
  }

  // ---- Buckets ----

  async createBucket(b: BucketRecord): Promise<void> {
    await this.#write(() => {
      if (this.#bucketExists(b.name)) throw new CofferError('storage.bucket_exists');
      this.#stmt(
        'INSERT INTO buckets (name, region, created_at, versioning, owner, tags, policy, public_access_block, encryption) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(
        b.name,
        b.region,
        b.createdAt,
        b.versioning,
        b.owner,
        b.tags === null ? null : JSON.stringify(b.tags),
        b.policy ?? null,
        b.publicAccessBlock ? JSON.stringify(b.publicAccessBlock) : null,
        b.encryption ? JSON.stringify(b.encryption) : null,
      );
    });
  }

  async getBucket(name: string): Promise<BucketRecord | null> {
    const row = this.#stmt<BucketRow>('SELECT * FROM buckets WHERE name = ?').get(name);
    return row === undefined ? null : bucketFromRow(row);
  }

  async listBuckets(): Promise<BucketRecord[]> {
    return this.#stmt<BucketRow>('SELECT * FROM buckets ORDER BY name').all().map(bucketFromRow);
  }

  async deleteBucket(name: string): Promise<void> {
    await this.#write(() => {
      if (!this.#bucketExists(name)) throw new CofferError('storage.no_such_bucket');
      const used =
        this.#stmt('SELECT 1 FROM versions WHERE bucket = ? LIMIT 1').get(name) !== undefined ||
        this.#stmt('SELECT 1 FROM uploads WHERE bucket = ? LIMIT 1').get(name) !== undefined;
      if (used) throw new CofferError('storage.bucket_not_empty');
      this.#stmt('DELETE FROM buckets WHERE name = ?').run(name);
    });
  }

  async updateBucket(name: string, patch: BucketPatch): Promise<void> {
    await this.#write(() => {
      if (!this.#bucketExists(name)) throw new CofferError('storage.no_such_bucket');
      if (patch.versioning !== undefined) {
        this.#stmt('UPDATE buckets SET versioning = ? WHERE name = ?').run(patch.versioning, name);
      }
      if (patch.tags !== undefined) {
        const tags = patch.tags === null ? null : JSON.stringify(patch.tags);
        this.#stmt('UPDATE buckets SET tags = ? WHERE name = ?').run(tags, name);
      }
      if (patch.policy !== undefined) {
        this.#stmt('UPDATE buckets SET policy = ? WHERE name = ?').run(patch.policy, name);
      }
      if (patch.publicAccessBlock !== undefined) {
        const pab = patch.publicAccessBlock === null ? null : JSON.stringify(patch.publicAccessBlock);
        this.#stmt('UPDATE buckets SET public_access_block = ? WHERE name = ?').run(pab, name);
      }
      if (patch.encryption !== undefined) {
        this.#stmt('UPDATE buckets SET encryption = ? WHERE name = ?').run(patch.encryption === null ? null : JSON.stringify(patch.encryption), name);
      }
    });
  }

  #bucketExists(name: string): boolean {
    return this.#stmt('SELECT 1 FROM buckets WHERE name = ?').get(name) !== undefined;
  }

  // ---- Object versions ----

  async putVersion(record: ObjectVersionRecord, options: PutOptions): Promise<PutVersionResult> {
    return this.#write(() => this.#insertVersion(record, options));
  }

  /** Body of putVersion, also run inside completeUpload's transaction. */
  #insertVersion(record: ObjectVersionRecord, options: PutOptions): PutVersionResult {
    if (record.versionId === 'null' && !options.replaceNull) {
      throw new CofferError('storage.invalid_argument', { message: "a 'null' version requires replaceNull" });
    }
    if (!this.#bucketExists(record.bucket)) throw new CofferError('storage.no_such_bucket');
    const key = keyBytes(record.key);
    this.#checkExpectation(record.bucket, key, options.expect);

    let replaced: ObjectVersionRecord | null = null;
    if (options.replaceNull) replaced = this.#removeVersion(record.bucket, key, 'null', false);
    if (record.versionId !== 'null' && this.#versionRow(record.bucket, key, record.versionId) !== undefined) {
      throw new CofferError('storage.version_exists', { message: 'a version with this id already exists' });
    }

    // The new row gets the highest seq, so it becomes the latest.
    this.#stmt('UPDATE versions SET is_latest = 0 WHERE bucket = ? AND key = ? AND is_latest = 1').run(record.bucket, key);
    const info = this.#stmt(
      `INSERT INTO versions (bucket, key, version_id, is_latest, is_delete_marker, size, etag, last_modified,
         content_type, system, user_metadata, tags, checksum, parts_count, segments, owner)
       VALUES (@bucket, @key, @version_id, 1, @is_delete_marker, @size, @etag, @last_modified,
         @content_type, @system, @user_metadata, @tags, @checksum, @parts_count, @segments, @owner)`,
    ).run(versionParams(record));
    return { record: { ...record, seq: Number(info.lastInsertRowid) }, replaced };
  }

  #checkExpectation(bucket: string, key: Buffer, expect: WriteExpectation | undefined): void {
    if (expect === undefined || (expect.absent !== true && expect.etag === undefined)) return;
    const latest = this.#latestRow(bucket, key);
    const live = latest !== undefined && latest.is_delete_marker === 0;
    if (expect.absent === true && live) throw new CofferError('storage.precondition_failed');
    if (expect.etag !== undefined && (!live || latest.etag !== expect.etag)) {
      throw new CofferError('storage.precondition_failed');
    }
  }

  #latestRow(bucket: string, key: Buffer): VersionRow | undefined {
    return this.#stmt<VersionRow>('SELECT * FROM versions WHERE bucket = ? AND key = ? AND is_latest = 1').get(bucket, key);
  }

  #versionRow(bucket: string, key: Buffer, versionId: string): VersionRow | undefined {
    return this.#stmt<VersionRow>('SELECT * FROM versions WHERE bucket = ? AND key = ? AND version_id = ?').get(
      bucket,
      key,
      versionId,
    );
  }

  /** Deletes one version; when it was the latest, the next newest becomes latest (if promote). */
  #removeVersion(bucket: string, key: Buffer, versionId: string, promote: boolean): ObjectVersionRecord | null {
    const row = this.#versionRow(bucket, key, versionId);
    if (row === undefined) return null;
    this.#stmt('DELETE FROM versions WHERE seq = ?').run(row.seq);
    if (promote && row.is_latest === 1) {
      this.#stmt(
        `UPDATE versions SET is_latest = 1 WHERE seq =
           (SELECT seq FROM versions WHERE bucket = ? AND key = ? ORDER BY seq DESC LIMIT 1)`,
      ).run(bucket, key);
    }
    return versionFromRow(row);
  }

  async getVersion(bucket: string, key: string, versionId?: string): Promise<ObjectVersionRecord | null> {
    const k = keyBytes(key);
    const row = versionId === undefined ? this.#latestRow(bucket, k) : this.#versionRow(bucket, k, versionId);
    return row === undefined ? null : versionFromRow(row);
  }

  async deleteVersion(bucket: string, key: string, versionId: string): Promise<ObjectVersionRecord | null> {
    return this.#write(() => this.#removeVersion(bucket, keyBytes(key), versionId, true));
  }

  async setTags(bucket: string, key: string, versionId: string | undefined, tags: Record<string, string>): Promise<void> {
    await this.#write(() => {
      const k = keyBytes(key);
      const row = versionId === undefined ? this.#latestRow(bucket, k) : this.#versionRow(bucket, k, versionId);
      if (row === undefined) throw new CofferError('storage.no_such_version');
      this.#stmt('UPDATE versions SET tags = ? WHERE seq = ?').run(JSON.stringify(tags), row.seq);
    });
  }

  async listLatest(bucket: string, options: ListLatestOptions): Promise<ObjectVersionRecord[]> {
    checkLimit(options.limit);
    const params: unknown[] = [bucket];
    const range = keyRange(options.prefix, options.after, params);
    params.push(options.limit);
    return this.#stmt<VersionRow>(
      `SELECT * FROM versions INDEXED BY versions_latest
       WHERE bucket = ? AND is_latest = 1 AND is_delete_marker = 0${range} ORDER BY key LIMIT ?`,
    )
      .all(...params)
      .map(versionFromRow);
  }

  async listVersions(bucket: string, options: ListVersionsOptions): Promise<ObjectVersionRecord[]> {
    checkLimit(options.limit);
    const out: VersionRow[] = [];
    // The rest of the marker key: versions older than the marker version.
    if (options.keyMarker !== undefined && options.versionIdMarker !== undefined) {
      const key = keyBytes(options.keyMarker);
      const marker = this.#versionRow(bucket, key, options.versionIdMarker);
      const inPrefix = options.prefix === undefined || options.keyMarker.startsWith(options.prefix);
      if (marker !== undefined && inPrefix) {
        out.push(
          ...this.#stmt<VersionRow>(
            'SELECT * FROM versions WHERE bucket = ? AND key = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
          ).all(bucket, key, marker.seq, options.limit),
        );
      }
    }
    if (out.length < options.limit) {
      const params: unknown[] = [bucket];
      const range = keyRange(options.prefix, options.keyMarker, params);
      params.push(options.limit - out.length);
      out.push(
        ...this.#stmt<VersionRow>(
          `SELECT * FROM versions INDEXED BY versions_by_key WHERE bucket = ?${range} ORDER BY key, seq DESC LIMIT ?`,
        ).all(...params),
      );
    }
    return out.map(versionFromRow);
  }

  // ---- Multipart ----

  async createUpload(upload: MultipartUploadRecord): Promise<void> {
    await this.#write(() => {
      if (!this.#bucketExists(upload.bucket)) throw new CofferError('storage.no_such_bucket');
      if (this.#uploadRow(upload.uploadId) !== undefined) {
        throw new CofferError('storage.upload_exists', { message: 'an upload with this id already exists' });
      }
      this.#stmt(
        `INSERT INTO uploads (upload_id, bucket, key, initiated, content_type, system, user_metadata, tags,
           checksum_algorithm, checksum_type, owner)
         VALUES (@upload_id, @bucket, @key, @initiated, @content_type, @system, @user_metadata, @tags,
           @checksum_algorithm, @checksum_type, @owner)`,
      ).run(uploadParams(upload));
    });
  }

  #uploadRow(uploadId: string): UploadRow | undefined {
    return this.#stmt<UploadRow>('SELECT * FROM uploads WHERE upload_id = ?').get(uploadId);
  }

  async getUpload(uploadId: string): Promise<MultipartUploadRecord | null> {
    const row = this.#uploadRow(uploadId);
    return row === undefined ? null : uploadFromRow(row);
  }

  async listUploads(bucket: string, options: ListUploadsOptions): Promise<MultipartUploadRecord[]> {
    checkLimit(options.limit);
    const out: UploadRow[] = [];
    if (options.keyMarker !== undefined && options.uploadIdMarker !== undefined) {
      const marker = this.#uploadRow(options.uploadIdMarker);
      const inPrefix = options.prefix === undefined || options.keyMarker.startsWith(options.prefix);
      if (marker !== undefined && marker.bucket === bucket && inPrefix && marker.key.equals(keyBytes(options.keyMarker))) {
        out.push(
          ...this.#stmt<UploadRow>(
            'SELECT * FROM uploads WHERE bucket = ? AND key = ? AND seq > ? ORDER BY seq LIMIT ?',
          ).all(bucket, marker.key, marker.seq, options.limit),
        );
      }
    }
    if (out.length < options.limit) {
      const params: unknown[] = [bucket];
      const range = keyRange(options.prefix, options.keyMarker, params);
      params.push(options.limit - out.length);
      out.push(
        ...this.#stmt<UploadRow>(`SELECT * FROM uploads WHERE bucket = ?${range} ORDER BY key, seq LIMIT ?`).all(
          ...params,
        ),
      );
    }
    return out.map(uploadFromRow);
  }

  async putPart(part: PartRecord): Promise<PartRecord | null> {
    return this.#write(() => {
      if (this.#uploadRow(part.uploadId) === undefined) throw new CofferError('storage.no_such_upload');
      const old = this.#stmt<PartRow>('SELECT * FROM parts WHERE upload_id = ? AND part_number = ?').get(
        part.uploadId,
        part.partNumber,
      );
      this.#stmt(
        `INSERT INTO parts (upload_id, part_number, last_modified, segment) VALUES (?, ?, ?, ?)
         ON CONFLICT (upload_id, part_number) DO UPDATE SET last_modified = excluded.last_modified, segment = excluded.segment`,
      ).run(part.uploadId, part.partNumber, part.lastModified, JSON.stringify(part.segment));
      return old === undefined ? null : partFromRow(old);
    });
  }

  async listParts(uploadId: string, options: { marker?: number; limit: number }): Promise<PartRecord[]> {
    checkLimit(options.limit);
    return this.#stmt<PartRow>(
      'SELECT * FROM parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?',
    )
      .all(uploadId, options.marker ?? 0, options.limit)
      .map(partFromRow);
  }

  async completeUpload(
    uploadId: string,
    record: ObjectVersionRecord,
    options: PutOptions & { usedParts: number[] },
  ): Promise<PutVersionResult & { unusedParts: PartRecord[] }> {
    return this.#write(() => {
      const upload = this.#uploadRow(uploadId);
      if (upload === undefined) throw new CofferError('storage.no_such_upload');
      if (upload.bucket !== record.bucket || !upload.key.equals(keyBytes(record.key))) {
        throw new CofferError('storage.invalid_argument', { message: 'the version does not belong to this upload' });
      }
      // Checked before anything is removed: a failed precondition leaves the upload intact.
      const result = this.#insertVersion(record, options);
      const used = new Set(options.usedParts);
      const parts = this.#stmt<PartRow>('SELECT * FROM parts WHERE upload_id = ? ORDER BY part_number').all(uploadId);
      this.#stmt('DELETE FROM uploads WHERE upload_id = ?').run(uploadId); // parts cascade
      return { ...result, unusedParts: parts.filter((p) => !used.has(p.part_number)).map(partFromRow) };
    });
  }

  async abortUpload(uploadId: string): Promise<PartRecord[]> {
    return this.#write(() => {
      if (this.#uploadRow(uploadId) === undefined) throw new CofferError('storage.no_such_upload');
      const parts = this.#stmt<PartRow>('SELECT * FROM parts WHERE upload_id = ? ORDER BY part_number').all(uploadId);
      this.#stmt('DELETE FROM uploads WHERE upload_id = ?').run(uploadId);
      return parts.map(partFromRow);
    });
  }

  // ---- Maintenance ----

  async referencedBlobIds(): Promise<Set<string>> {
    const ids = this.#stmt<string>(
      `SELECT json_extract(s.value, '$.blobId') FROM versions AS v, json_each(v.segments) AS s
       UNION SELECT json_extract(p.segment, '$.blobId') FROM parts AS p`,
    )
      .pluck()
      .all();
    return new Set(ids);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    // Writes already asked for are committed, not dropped.
    while (this.#pending.length > 0) this.#flush();
    this.#closed = true;
    await this.#walSync?.close();
    this.#statements.clear();
    // Fold the WAL back into the main file so a closed store is a single file.
    this.#db.pragma('wal_checkpoint(TRUNCATE)');
    this.#db.close();
  }
}
