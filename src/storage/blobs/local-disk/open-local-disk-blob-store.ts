/**
 * Opens (creating if needed) a local-disk blob store rooted at `dir`. Run `cleanupTemp()` and
 * `collectOrphans(referenced, graceMs)` once at start-up, before serving requests.
 */
import { systemClock } from '../../../shared/index.js';
import type { BlobStore } from '../port.js';
import { LocalDiskBlobStore, type LocalDiskBlobStoreOptions } from './local-disk-blob-store.js';

export type { LocalDiskBlobStoreOptions } from './local-disk-blob-store.js';

export async function openLocalDiskBlobStore(options: LocalDiskBlobStoreOptions): Promise<BlobStore> {
  const store = new LocalDiskBlobStore(options.dir, options.clock ?? systemClock);
  await store.init(options.dir);
  return store;
}
