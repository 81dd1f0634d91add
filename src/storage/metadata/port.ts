/**
 * Metadata store port. Every adapter (SQLite today, PostgreSQL later) implements this interface
 * and passes `runMetadataStoreContract` (metadata.contract.ts) unchanged.
 *
 * Semantics every adapter must keep:
 * - Each mutating call is one atomic transaction; after it resolves the change is durable
 *   (fsync'd / committed) and survives a crash.
 * - Preconditions (`expect`) are checked inside the same transaction as the write, so two
 *   concurrent conditional writes cannot both succeed.
 * - Ordering of keys is by the UTF-8 bytes of the key (S3 lists in binary UTF-8 order).
 * - Versions of one key are ordered newest first by `seq`, a store-assigned, strictly increasing
 *   integer (never reused, even after deletes).
 * - Nothing a user stored may appear in plaintext on disk: adapters encrypt at rest
 *   (the SQLite adapter uses page-level encryption keyed from the master key).
 *
 * Errors: throw CofferError with these codes:
 *   'storage.bucket_exists', 'storage.no_such_bucket', 'storage.bucket_not_empty',
 *   'storage.no_such_upload', 'storage.precondition_failed', 'storage.no_such_version'.
 * Programming errors and adapter conditions: 'storage.invalid_argument' (e.g. a 'null' version
 * without replaceNull, a bad limit), 'storage.version_exists' / 'storage.upload_exists' (id
 * collision), 'storage.closed', and at open time 'storage.bad_key', 'storage.schema_too_new'.
 */

export type VersioningState = 'Unversioned' | 'Enabled' | 'Suspended';

export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';
export type ChecksumType = 'FULL_OBJECT' | 'COMPOSITE';

export interface StoredChecksum {
  algorithm: ChecksumAlgorithm;
  /** Base64 value as S3 returns it; COMPOSITE values carry the `-N` suffix. */
  value: string;
  type: ChecksumType;
}

export interface BucketRecord {
  name: string;
  region: string;
  /** Epoch milliseconds. */
  createdAt: number;
  versioning: VersioningState;
  /** Owner principal id (the account / user that created it). */
  owner: string;
  tags: Record<string, string> | null;
  /** The bucket policy document as the client sent it (validated before it is stored); absent when none. */
  policy?: string;
  /** The bucket's Block Public Access configuration; absent means every setting is on. */
  publicAccessBlock?: PublicAccessBlock;
  /** The bucket's default encryption (PutBucketEncryption); absent means SSE-S3. */
  encryption?: BucketEncryption;
}

/** Default server-side encryption of new objects in a bucket (one rule, as S3 allows). */
export interface BucketEncryption {
  algorithm: 'AES256' | 'aws:kms';
  /** KMS key id, ARN or alias for aws:kms; absent means the AWS managed key aws/s3. */
  kmsKeyId?: string;
  bucketKeyEnabled: boolean;
}

/** S3 Block Public Access settings of one bucket. */
export interface PublicAccessBlock {
  blockPublicAcls: boolean;
  ignorePublicAcls: boolean;
  blockPublicPolicy: boolean;
  restrictPublicBuckets: boolean;
}

/** Bucket fields `updateBucket` changes; `null` clears policy or public-access-block. */
export interface BucketPatch {
  versioning?: VersioningState;
  tags?: Record<string, string> | null;
  policy?: string | null;
  publicAccessBlock?: PublicAccessBlock | null;
  encryption?: BucketEncryption | null;
}

/**
 * One encrypted blob holding a contiguous run of an object's plaintext. A single PUT has one
 * segment; a completed multipart upload has one per part, in order.
 */
export interface Segment {
  blobId: string;
  /** Plaintext length in bytes. */
  size: number;
  /** Sealed data key (envelope), base64; only the envelope module can open it. */
  sealedKey: string;
  /** The AAD context the data key was sealed under (e.g. {bucket,key,version} or {upload,part}). */
  keyContext: Record<string, string>;
  /** Part ETag (quoted) and checksum, kept for partNumber GET/HEAD and GetObjectAttributes. */
  etag: string;
  checksum: StoredChecksum | null;
}

export interface ObjectVersionRecord {
  bucket: string;
  key: string;
  /** 'null' for the null version (unversioned / suspended buckets). */
  versionId: string;
  /** Store-assigned ordering (newest highest). Set by the store on insert; ignored on input. */
  seq: number;
  isDeleteMarker: boolean;
  /** Plaintext size; 0 for delete markers. */
  size: number;
  /** Quoted ETag, e.g. "\"9b2cf535f27731c974343645a3985328\"" or "\"...-3\"". */
  etag: string;
  /** Epoch milliseconds. */
  lastModified: number;
  contentType: string | null;
  /** Content-Encoding, Content-Disposition, Content-Language, Cache-Control, Expires, as given. */
  system: Record<string, string>;
  /** x-amz-meta-* without the prefix, lower-cased names. */
  userMetadata: Record<string, string>;
  tags: Record<string, string>;
  checksum: StoredChecksum | null;
  /** Number of parts for multipart objects, null for single PUT. */
  partsCount: number | null;
  segments: Segment[];
  owner: string;
}

export interface MultipartUploadRecord {
  uploadId: string;
  bucket: string;
  key: string;
  /** Epoch milliseconds. */
  initiated: number;
  contentType: string | null;
  system: Record<string, string>;
  userMetadata: Record<string, string>;
  tags: Record<string, string>;
  checksumAlgorithm: ChecksumAlgorithm | null;
  checksumType: ChecksumType | null;
  owner: string;
}

export interface PartRecord {
  uploadId: string;
  partNumber: number;
  /** Epoch milliseconds. */
  lastModified: number;
  segment: Segment;
}

/** Precondition checked atomically against the current latest version of the key. */
export interface WriteExpectation {
  /** If-None-Match: * — no current (non-delete-marker) latest version may exist. */
  absent?: boolean;
  /** If-Match — the current latest version exists, is not a delete marker, and has this quoted ETag. */
  etag?: string;
}

export interface PutVersionResult {
  /** The stored record (with seq assigned). */
  record: ObjectVersionRecord;
  /** A version this write replaced (the previous 'null' version), whose blobs may now be deleted. */
  replaced: ObjectVersionRecord | null;
}

export interface ListLatestOptions {
  prefix?: string;
  /** Return keys strictly greater than this (UTF-8 byte order). */
  after?: string;
  limit: number;
}

export interface ListVersionsOptions {
  prefix?: string;
  /** Start after this key... */
  keyMarker?: string;
  /** ...and, within keyMarker, after this version (newest-first order). */
  versionIdMarker?: string;
  limit: number;
}

export interface ListUploadsOptions {
  prefix?: string;
  keyMarker?: string;
  uploadIdMarker?: string;
  limit: number;
}

export interface MetadataStore {
  // Buckets
  createBucket(bucket: BucketRecord): Promise<void>;
  getBucket(name: string): Promise<BucketRecord | null>;
  listBuckets(): Promise<BucketRecord[]>;
  /** Fails with storage.bucket_not_empty if any version, delete marker or upload exists. */
  deleteBucket(name: string): Promise<void>;
  updateBucket(name: string, patch: BucketPatch): Promise<void>;

  // Object versions
  /**
   * Inserts a version. If `replaceNull` is true, an existing 'null' version of the key is removed
   * in the same transaction and returned as `replaced` (unversioned and suspended buckets).
   * If record.versionId is 'null' and replaceNull is false, it is an error.
   */
  putVersion(record: ObjectVersionRecord, options: { replaceNull: boolean; expect?: WriteExpectation }): Promise<PutVersionResult>;
  /** The latest version (may be a delete marker), or a given version. */
  getVersion(bucket: string, key: string, versionId?: string): Promise<ObjectVersionRecord | null>;
  /** Removes one version permanently and returns it (null if absent). */
  deleteVersion(bucket: string, key: string, versionId: string): Promise<ObjectVersionRecord | null>;
  /**
   * Replaces the tags of a version, or of the latest version when versionId is undefined.
   * Fails with storage.no_such_version if there is no such version.
   */
  setTags(bucket: string, key: string, versionId: string | undefined, tags: Record<string, string>): Promise<void>;
  /** Keys whose latest version is not a delete marker, ascending, with that latest version. */
  listLatest(bucket: string, options: ListLatestOptions): Promise<ObjectVersionRecord[]>;
  /** All versions and delete markers: keys ascending, versions newest first. */
  listVersions(bucket: string, options: ListVersionsOptions): Promise<ObjectVersionRecord[]>;

  // Multipart
  createUpload(upload: MultipartUploadRecord): Promise<void>;
  getUpload(uploadId: string): Promise<MultipartUploadRecord | null>;
  listUploads(bucket: string, options: ListUploadsOptions): Promise<MultipartUploadRecord[]>;
  /** Inserts or replaces a part; returns the replaced part so its blob can be deleted. */
  putPart(part: PartRecord): Promise<PartRecord | null>;
  /** Parts ascending by number, after `marker`. */
  listParts(uploadId: string, options: { marker?: number; limit: number }): Promise<PartRecord[]>;
  /**
   * Atomically: checks the upload exists, removes the upload and all its parts, and inserts the
   * version (same semantics as putVersion). Returns the put result plus the parts that were not
   * used by the completed object (their blobs may be deleted).
   */
  completeUpload(
    uploadId: string,
    record: ObjectVersionRecord,
    options: { replaceNull: boolean; expect?: WriteExpectation; usedParts: number[] },
  ): Promise<PutVersionResult & { unusedParts: PartRecord[] }>;
  /**
   * Removes the upload and its parts; returns the parts so their blobs can be deleted.
   * Fails with storage.no_such_upload if the upload does not exist.
   */
  abortUpload(uploadId: string): Promise<PartRecord[]>;

  // Maintenance
  /** Every blob id referenced by a version or a part (for orphan collection at start-up). */
  referencedBlobIds(): Promise<Set<string>>;
  close(): Promise<void>;
}
