/**
 * Group sync: many callers share one fsync, and each caller is covered by a sync that started
 * after it asked (so it covers whatever the caller wrote before asking).
 *
 *   durable():  join the waiters of the NEXT sync; if none is in flight, start it now
 *   sync done:  resolve its waiters; if more joined meanwhile, start the next sync for them
 *   sync fails: reject its waiters and everyone who joined since, and every later call
 *               (fail closed: after a failed fsync the state of unsynced pages is unknown)
 *
 * One sync in flight at a time: a caller that arrives while one runs cannot be covered by it
 * (its bytes may have been written after the sync began), so it waits for the following one,
 * which it shares with every other caller that arrived in the meantime.
 */
export interface GroupSync {
  /** Resolves once a sync that started after this call has completed. */
  durable(): Promise<void>;
  /** Waits for the syncs in flight and queued, then `release()`; later durable() calls reject with `closed()`. */
  close(): Promise<void>;
  /** Syncs started so far (for tests and benchmarks). */
  readonly syncs: number;
}

export interface GroupSyncOptions {
  /** The sync itself, e.g. () => fileHandle.datasync(). */
  sync: () => Promise<void>;
  /** The error for a call after a failed sync (its cause is the sync's error). */
  failed: (cause: unknown) => Error;
  /** The error for a call after close(). */
  closed: () => Error;
  /** Frees what `sync` uses (e.g. closes the file handle), once at close. */
  release?: () => Promise<void>;
}

interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
}

export function createGroupSync(o: GroupSyncOptions): GroupSync {
  let inFlight: Promise<void> | null = null;
  let next: Waiter[] = [];
  let failure: unknown = null;
  let closing = false;
  let syncs = 0;

  const start = (): void => {
    const waiters = next;
    next = [];
    syncs += 1;
    inFlight = o
      .sync()
      .then(
        () => {
          for (const w of waiters) w.resolve();
        },
        (e: unknown) => {
          failure ??= e ?? new Error('sync failed');
          const err = o.failed(failure);
          for (const w of [...waiters, ...next.splice(0)]) w.reject(err);
        },
      )
      .finally(() => {
        inFlight = null;
        if (next.length > 0) start();
      });
  };

  return {
    durable() {
      if (failure !== null) return Promise.reject(o.failed(failure));
      if (closing) return Promise.reject(o.closed());
      return new Promise<void>((resolve, reject) => {
        next.push({ resolve, reject });
        if (inFlight === null) start();
      });
    },
    async close() {
      if (closing) return;
      closing = true;
      while (inFlight !== null) await inFlight;
      await o.release?.();
    },
    get syncs() {
      return syncs;
    },
  };
}
