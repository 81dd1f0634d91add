/**
 * Works the on-write queue: at most `concurrency` versions are classified at a time, oldest
 * first, under the shared CPU budget. The queue lives in SQLite, so a burst of writes costs disk
 * rows, not memory, and a restart picks up where the process stopped.
 *
 *   loop: items = store.takeBatch(concurrency - inFlight)      (none: wait for notify() or 1 s)
 *         per item: version gone or superseded -> drop
 *                   classify -> onClassified (actions: tags, quarantine; idempotent, so they run
 *                   BEFORE the outcome is stored: a crash in between classifies and acts again)
 *                   -> store.complete(item, outcome, withFinding)  (state, types, finding, outbox: one txn)
 *                   failure (classification or action) -> retry later; after 3 attempts recorded as ERROR
 */
import type { Logger } from 'pino';
import { isCofferError } from '../shared/index.js';
import type { ObjectService } from '../objects/index.js';
import type { ObjectVersionRecord } from '../storage/metadata/port.js';
import { classifyRecord, type ClassifyContext } from './classify.js';
import type { ClassificationOutcome, MacieStore, QueueItem } from './store.js';

export interface DiscoveryWorkerOptions {
  store: MacieStore;
  objects: ObjectService;
  /** Classification context (scanner, budget, ...) for each item; read per item so new settings apply. */
  context(): ClassifyContext;
  concurrency: number;
  logger: Logger;
  /** Before an outcome is stored (tag, quarantine the object). A failure retries the item. */
  onClassified?(record: ObjectVersionRecord, outcome: ClassificationOutcome): Promise<void>;
  /** In the transaction that stores a finding (the webhook outbox). */
  withFinding?(finding: import('./finding.js').FindingRecord): void;
  /** After the outcome is stored (notify the webhook deliverer). */
  afterStored?(outcome: ClassificationOutcome): void;
  maxAttempts?: number;
}

export interface DiscoveryWorker {
  /** Wakes the worker (new items were queued). */
  notify(): void;
  /** Resolves when the queue is empty and nothing is in flight. */
  drained(): Promise<void>;
  close(): Promise<void>;
}

const GONE = ['objects.no_such_key', 'objects.no_such_version', 'objects.no_such_bucket', 'objects.method_not_allowed'];

export function startDiscoveryWorker(opts: DiscoveryWorkerOptions): DiscoveryWorker {
  const inFlight = new Map<number, Promise<void>>();
  const maxAttempts = opts.maxAttempts ?? 3;
  let closed = false;
  let wake: (() => void) | null = null;
  let drainWaiters: (() => void)[] = [];

  const process1 = async (item: QueueItem): Promise<void> => {
    const ctx = opts.context();
    let record: ObjectVersionRecord;
    let open: () => import('node:stream').Readable;
    try {
      const read = await opts.objects.getObject({ bucket: item.bucket, key: item.key, versionId: item.versionId, conditions: {} });
      record = read.record;
      open = read.open;
    } catch (err) {
      if (GONE.some((c) => isCofferError(err, c))) {
        opts.store.forget(item.bucket, item.key, item.versionId);
        return;
      }
      throw err;
    }
    // A 'null' version replaced since it was queued: the newer write has its own queue item.
    if (record.seq !== item.seq) {
      opts.store.drop(item.id);
      return;
    }
    const { outcome } = await classifyRecord(ctx, record, open);
    if (opts.onClassified) await opts.onClassified(record, outcome);
    opts.store.complete(item, outcome, opts.withFinding);
    opts.afterStored?.(outcome);
  };

  const run = (item: QueueItem): void => {
    const p = process1(item)
      .catch((err: unknown) => {
        if (closed) return;
        const attempts = opts.store.retryLater(item.id);
        opts.logger.warn({ bucket: item.bucket, attempts, err: (err as Error).message }, 'classification failed');
        if (attempts >= maxAttempts) {
          opts.store.complete(item, { state: 'ERROR', bytesClassified: 0, types: [], maxSeverity: 0, finding: null });
        }
      })
      .finally(() => {
        inFlight.delete(item.id);
        wake?.();
      });
    inFlight.set(item.id, p);
  };

  const loop = async (): Promise<void> => {
    while (!closed) {
      const free = opts.concurrency - inFlight.size;
      const items = free > 0 ? opts.store.takeBatch(free, new Set(inFlight.keys())) : [];
      for (const item of items) run(item);
      if (items.length === 0 && inFlight.size === 0) {
        const waiters = drainWaiters;
        drainWaiters = [];
        for (const w of waiters) w();
      }
      if (items.length === 0 || inFlight.size >= opts.concurrency) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 1000);
          wake = () => {
            clearTimeout(t);
            wake = null;
            resolve();
          };
        });
      }
    }
  };
  const looping = loop().catch((err: unknown) => opts.logger.error({ err: (err as Error).message }, 'discovery worker stopped'));

  return {
    notify() {
      wake?.();
    },
    drained() {
      return new Promise<void>((resolve) => {
        drainWaiters.push(resolve);
        wake?.();
      });
    },
    async close() {
      closed = true;
      wake?.();
      await looping;
      await Promise.allSettled([...inFlight.values()]);
    },
  };
}
