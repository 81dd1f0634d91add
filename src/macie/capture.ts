/**
 * Captures every committed object version for classification by wrapping the metadata store the
 * object service writes through (PUT, POST, copy and multipart completion all end in putVersion or
 * completeUpload), so no write path can bypass discovery:
 *
 *   putVersion(v):  intent = store.addIntent(bucket, key)      durable BEFORE the commit
 *                   r = metadata.putVersion(v)                 the object commit
 *                   store.resolveIntent(intent, [r.record])    queue row, one transaction
 *   crash between the commit and the resolve -> the intent survives; `resolveIntents` at start-up
 *   enqueues every version of that key the store does not know yet.
 *   deleteVersion / a replaced 'null' version -> store.forget (leaves the bucket's statistics)
 */
import type { MetadataStore, ObjectVersionRecord } from '../storage/metadata/port.js';
import { isCofferError } from '../shared/index.js';
import type { MacieStore, VersionRef } from './store.js';
import { SENSITIVITY_TAG, systemTags, userTags } from './actions.js';

export interface CaptureOptions {
  store: MacieStore;
  /** Whether new versions are queued (discovery.onWrite); deletions are tracked either way. */
  onWrite: boolean;
  /**
   * New versions start as coffer:sensitivity=pending (discovery.tagObjects). Whatever the setting,
   * the system owns coffer:* object tags: tags clients send under that prefix are dropped and
   * stored ones are kept.
   */
  tagObjects?: boolean;
  /** Called after versions were queued (wakes the worker). */
  onEnqueued(): void;
  /** A post-commit bookkeeping failure (the object is stored; the intent resolves at start-up). */
  onError(err: unknown): void;
}

const ref = (r: ObjectVersionRecord): VersionRef => ({ bucket: r.bucket, key: r.key, versionId: r.versionId, seq: r.seq, size: r.size });

/** The metadata store with discovery bookkeeping around its writes; everything else passes through. */
export function captureWrites(metadata: MetadataStore, opts: CaptureOptions): MetadataStore {
  const { store } = opts;
  const after = (intent: number | null, created: ObjectVersionRecord | null, replaced: ObjectVersionRecord | null): void => {
    try {
      if (replaced) store.forget(replaced.bucket, replaced.key, replaced.versionId);
      if (intent !== null) store.resolveIntent(intent, created && !created.isDeleteMarker ? [ref(created)] : []);
      if (created && !created.isDeleteMarker && intent !== null) opts.onEnqueued();
    } catch (err) {
      opts.onError(err);
    }
  };
  const tagged = opts.tagObjects === true;
  // Clients never write coffer:* tags (a copied or forged coffer:quarantine=released would escape
  // quarantine); new versions start without them, or as pending when tagging is on.
  const withSystemTags = (record: ObjectVersionRecord): ObjectVersionRecord =>
    record.isDeleteMarker
      ? record
      : { ...record, tags: { ...userTags(record.tags), ...(tagged && opts.onWrite ? { [SENSITIVITY_TAG]: 'pending' } : {}) } };
  const wrapped: Partial<MetadataStore> = {
    async putVersion(input, options) {
      const record = withSystemTags(input);
      const intent = opts.onWrite && !record.isDeleteMarker ? store.addIntent(record.bucket, record.key) : null;
      let r;
      try {
        r = await metadata.putVersion(record, options);
      } catch (err) {
        after(intent, null, null);
        throw err;
      }
      after(intent, r.record, r.replaced);
      return r;
    },
    async completeUpload(uploadId, input, options) {
      const record = withSystemTags(input);
      const intent = opts.onWrite ? store.addIntent(record.bucket, record.key) : null;
      let r;
      try {
        r = await metadata.completeUpload(uploadId, record, options);
      } catch (err) {
        after(intent, null, null);
        throw err;
      }
      after(intent, r.record, r.replaced);
      return r;
    },
    async setTags(bucket, key, versionId, tags) {
      const current = await metadata.getVersion(bucket, key, versionId);
      return metadata.setTags(bucket, key, versionId, { ...userTags(tags), ...systemTags(current?.tags ?? {}) });
    },
    async deleteVersion(bucket, key, versionId) {
      const r = await metadata.deleteVersion(bucket, key, versionId);
      if (r) after(null, null, r);
      return r;
    },
  };
  return new Proxy(metadata, {
    get(target, prop, receiver) {
      if (Object.hasOwn(wrapped, prop)) return wrapped[prop as keyof MetadataStore];
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/**
 * Resolves the intents a crash left behind: every version of the key that the discovery store
 * does not know is queued. Returns the number of versions queued.
 */
export async function resolveIntents(metadata: MetadataStore, store: MacieStore): Promise<number> {
  let queued = 0;
  for (const intent of store.intents()) {
    const found: VersionRef[] = [];
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    try {
      for (;;) {
        const page = await metadata.listVersions(intent.bucket, {
          prefix: intent.key,
          limit: 1000,
          ...(keyMarker !== undefined ? { keyMarker } : {}),
          ...(versionIdMarker !== undefined ? { versionIdMarker } : {}),
        });
        for (const v of page) {
          if (v.key === intent.key && !v.isDeleteMarker && !store.knows(v.bucket, v.key, v.versionId, v.seq)) found.push(ref(v));
        }
        const last = page[page.length - 1];
        if (page.length < 1000 || !last || last.key !== intent.key) break;
        keyMarker = last.key;
        versionIdMarker = last.versionId;
      }
    } catch (err) {
      if (!isCofferError(err, 'storage.no_such_bucket')) throw err;
    }
    store.resolveIntent(intent.id, found);
    queued += found.length;
  }
  return queued;
}

/**
 * After an unclean stop (power loss may have dropped intents): queues every live version modified
 * since `since` that the discovery store does not know. Runs in the background; `stop()` ends it.
 */
export async function reconcileSince(metadata: MetadataStore, store: MacieStore, since: number, stop: () => boolean): Promise<number> {
  let queued = 0;
  for (const bucket of await metadata.listBuckets()) {
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    for (;;) {
      if (stop()) return queued;
      let page: ObjectVersionRecord[];
      try {
        page = await metadata.listVersions(bucket.name, { limit: 1000, ...(keyMarker !== undefined ? { keyMarker } : {}), ...(versionIdMarker !== undefined ? { versionIdMarker } : {}) });
      } catch (err) {
        if (isCofferError(err, 'storage.no_such_bucket')) break;
        throw err;
      }
      const missing = page.filter((v) => !v.isDeleteMarker && v.lastModified >= since && !store.knows(v.bucket, v.key, v.versionId, v.seq)).map(ref);
      if (missing.length) store.enqueue(missing);
      queued += missing.length;
      const last = page[page.length - 1];
      if (page.length < 1000 || !last) break;
      keyMarker = last.key;
      versionIdMarker = last.versionId;
    }
  }
  return queued;
}
