/**
 * The metadata store contract: one node:test suite every MetadataStore adapter runs unchanged.
 *
 *   runMetadataStoreContract(async () => {
 *     const dir = await mkdtemp(...);
 *     const open = () => openSqliteMetadataStore({ path: join(dir, 'm.db'), encryptionKey });
 *     return { store: await open(), reopen: open, cleanup: () => rm(dir, { recursive: true }) };
 *   });
 *
 * Each test gets a fresh, empty store from the factory and closes it (and any reopened store)
 * before calling cleanup().
 */
import { describe } from 'node:test';
import { bucketContract } from './contract/buckets.js';
import type { MakeMetadataStore } from './contract/fixtures.js';
import { listingContract } from './contract/listing.js';
import { maintenanceContract } from './contract/maintenance.js';
import { multipartContract } from './contract/multipart.js';
import { versionContract } from './contract/versions.js';

export type { MakeMetadataStore, MetadataStoreHarness } from './contract/fixtures.js';

export function runMetadataStoreContract(makeStore: MakeMetadataStore, name = 'MetadataStore contract'): void {
  describe(name, () => {
    bucketContract(makeStore);
    versionContract(makeStore);
    listingContract(makeStore);
    multipartContract(makeStore);
    maintenanceContract(makeStore);
  });
}
