/**
 * Shared helpers of the metadata store contract suite: the harness an adapter supplies, record
 * builders and assertion helpers.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { isCofferError } from '../../../shared/index.js';
import type {
  BucketRecord,
  MetadataStore,
  MultipartUploadRecord,
  ObjectVersionRecord,
  PartRecord,
  Segment,
} from '../port.js';

/** What an adapter's test gives the contract suite: a fresh, empty store. */
export interface MetadataStoreHarness {
  store: MetadataStore;
  /**
   * Opens a new store over the same data. The suite closes the previous store first and closes
   * every store it got from here; cleanup() must not depend on them being open.
   */
  reopen(): Promise<MetadataStore>;
  /** Removes everything the harness created (files, schemas). */
  cleanup(): Promise<void>;
}

export type MakeMetadataStore = () => Promise<MetadataStoreHarness>;

/** The live store of a test; `reopen()` swaps it for a fresh one over the same data. */
export interface StoreContext {
  store: MetadataStore;
  reopen(): Promise<MetadataStore>;
}

export async function withStore(make: MakeMetadataStore, fn: (ctx: StoreContext) => Promise<void>): Promise<void> {
  const h = await make();
  const ctx: StoreContext = {
    store: h.store,
    async reopen() {
      await ctx.store.close();
      ctx.store = await h.reopen();
      return ctx.store;
    },
  };
  try {
    await fn(ctx);
  } finally {
    await ctx.store.close();
    await h.cleanup();
  }
}

export function newId(): string {
  return randomBytes(16).toString('hex');
}

export function bucket(name: string, overrides: Partial<BucketRecord> = {}): BucketRecord {
  return {
    name,
    region: 'us-east-1',
    createdAt: 1_700_000_000_000,
    versioning: 'Unversioned',
    owner: 'owner-1',
    tags: null,
    ...overrides,
  };
}

export function segment(overrides: Partial<Segment> = {}): Segment {
  return {
    blobId: newId(),
    size: 5,
    sealedKey: randomBytes(48).toString('base64'),
    keyContext: { bucket: 'b', key: 'k' },
    etag: '"5d41402abc4b2a76b9719d911017c592"',
    checksum: { algorithm: 'CRC32', value: 'NhCmhg==', type: 'FULL_OBJECT' },
    ...overrides,
  };
}

export function version(
  bucketName: string,
  key: string,
  versionId: string,
  overrides: Partial<ObjectVersionRecord> = {},
): ObjectVersionRecord {
  return {
    bucket: bucketName,
    key,
    versionId,
    seq: 0,
    isDeleteMarker: false,
    size: 5,
    etag: '"5d41402abc4b2a76b9719d911017c592"',
    lastModified: 1_700_000_000_000,
    contentType: 'text/plain',
    system: { 'cache-control': 'no-cache' },
    userMetadata: { colour: 'blue' },
    tags: { env: 'test' },
    checksum: { algorithm: 'SHA256', value: 'LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=', type: 'FULL_OBJECT' },
    partsCount: null,
    segments: [segment()],
    owner: 'owner-1',
    ...overrides,
  };
}

export function deleteMarker(bucketName: string, key: string, versionId: string): ObjectVersionRecord {
  return version(bucketName, key, versionId, {
    isDeleteMarker: true,
    size: 0,
    etag: '""',
    contentType: null,
    system: {},
    userMetadata: {},
    tags: {},
    checksum: null,
    segments: [],
  });
}

export function upload(
  bucketName: string,
  key: string,
  uploadId: string = newId(),
  overrides: Partial<MultipartUploadRecord> = {},
): MultipartUploadRecord {
  return {
    uploadId,
    bucket: bucketName,
    key,
    initiated: 1_700_000_000_000,
    contentType: 'application/octet-stream',
    system: {},
    userMetadata: { purpose: 'multipart' },
    tags: { t: '1' },
    checksumAlgorithm: 'CRC32C',
    checksumType: 'COMPOSITE',
    owner: 'owner-1',
    ...overrides,
  };
}

export function part(uploadId: string, partNumber: number, overrides: Partial<PartRecord> = {}): PartRecord {
  return { uploadId, partNumber, lastModified: 1_700_000_000_000 + partNumber, segment: segment(), ...overrides };
}

/** Asserts that `p` rejects with a CofferError carrying `code`. */
export async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isCofferError(e), `expected CofferError(${code}), got ${String(e)}`);
    assert.equal(e.code, code);
    return true;
  });
}

/** A record as the store should return it: the input with the assigned seq. */
export function withSeq(r: ObjectVersionRecord, seq: number): ObjectVersionRecord {
  return { ...r, seq };
}

/** Identifies versions compactly for order comparisons. */
export function ids(records: readonly ObjectVersionRecord[]): string[] {
  return records.map((r) => `${r.key}#${r.versionId}`);
}

/** Sorts strings by their UTF-8 bytes (S3 order), independently of any adapter. */
export function utf8Sorted(keys: readonly string[]): string[] {
  return [...keys].sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
}
