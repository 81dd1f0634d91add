/**
 * Storage: the metadata and blob ports, their adapters, and the contract suites every adapter
 * must pass. Only `app/` picks adapters; everything else depends on the port types.
 */

/** Metadata port: buckets, object versions, multipart uploads (see metadata/port.ts for semantics). */
export type {
  BucketRecord,
  BucketEncryption,
  ChecksumAlgorithm,
  ChecksumType,
  ListLatestOptions,
  ListUploadsOptions,
  ListVersionsOptions,
  MetadataStore,
  MultipartUploadRecord,
  ObjectVersionRecord,
  PartRecord,
  PutVersionResult,
  Segment,
  StoredChecksum,
  VersioningState,
  WriteExpectation,
} from './metadata/port.js';

/** Blob port: immutable encrypted blobs with a begin/commit/abort write protocol. */
export type { BlobStore, BlobWriter } from './blobs/port.js';

/**
 * Opens the page-encrypted (ChaCha20-Poly1305) SQLite metadata store at `path` with a 32-byte
 * key, creating and migrating it as needed. Fails with storage.bad_key on a wrong key.
 */
export { openSqliteMetadataStore, type SqliteMetadataStoreOptions } from './metadata/sqlite/open-sqlite-metadata-store.js';

/**
 * Opens the local-disk blob store rooted at `dir` (tmp/ + blobs/ab/cd/<id>). Call cleanupTemp()
 * and collectOrphans() at start-up.
 */
export { openLocalDiskBlobStore, type LocalDiskBlobStoreOptions } from './blobs/local-disk/open-local-disk-blob-store.js';

/** The node:test suite every MetadataStore adapter runs: `runMetadataStoreContract(makeStore)`. */
export { runMetadataStoreContract, type MakeMetadataStore, type MetadataStoreHarness } from './metadata/metadata.contract.js';

/** The node:test suite every BlobStore adapter runs: `runBlobStoreContract(makeStore)`. */
export { runBlobStoreContract, type MakeBlobStore, type BlobStoreHarness } from './blobs/blobs.contract.js';
