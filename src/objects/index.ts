/**
 * The object service: buckets, objects, versions, multipart uploads and tags, on the metadata
 * and blob ports, with every byte encrypted through the envelope. Created once in app/.
 */
import type { Clock } from '../shared/index.js';
import type { Envelope } from '../crypto/index.js';
import type { BlobStore } from '../storage/blobs/port.js';
import type { MetadataStore } from '../storage/metadata/port.js';
import * as encryption from './encryption.js';
import { createSegmentKeys } from './segment-keys.js';
import type { KmsDataKeys } from './sse.js';
import * as buckets from './buckets.js';
import * as objects from './objects.js';
import * as list from './list.js';
import * as multipart from './multipart.js';
import * as copy from './copy.js';
import { DEFAULT_LIMITS, type ObjectLimits, type ServiceContext } from './context.js';
import { createSealedBlobs } from './sealed-blobs.js';

export type { ObjectLimits } from './context.js';
export type { BodyInput, Conditions, ObjectAttributes, ReadResult, DeleteResult } from './objects.js';
export type { CompletePart } from './multipart.js';
export type { CopySource } from './copy.js';
export type { ListEntry, PrefixEntry, ListPage, VersionsPage } from './list.js';
export { parseCopySource } from './copy.js';
export { parseTaggingHeader, validateTagSet } from './tags.js';
export { validateBucketName, validateKey } from './naming.js';
/** The Block Public Access settings a bucket without a configuration behaves as (all on). */
export { BLOCK_ALL_PUBLIC_ACCESS } from './buckets.js';
export type { PublicAccessBlock } from '../storage/metadata/port.js';
/** Encryption modes: requests (SseRequest), SSE-C keys, read access, the KMS port and stored-mode helpers. */
export { type SseRequest, type CustomerKey, type KeyAccess, type KeyCaller, type KmsDataKeys, type StoredSse, storedSse, recordSse, INTERNAL_CALLER } from './sse.js';
export type { BucketEncryption } from '../storage/metadata/port.js';

export function createObjectService(deps: {
  metadata: MetadataStore;
  blobs: BlobStore;
  envelope: Envelope;
  /** The KMS for SSE-KMS (src/kms s3 adapter); without it SSE-KMS requests fail with sse.kms_unavailable. */
  kms?: KmsDataKeys | null;
  clock: Clock;
  region: string;
  limits?: Partial<ObjectLimits>;
  /** Benchmarks only (sealed-blobs.ts): bodies stored unencrypted to attribute the cost of encryption. */
  benchmarkOnlyPlaintextBodies?: boolean;
}) {
  const ctx: ServiceContext = {
    metadata: deps.metadata,
    sealed: createSealedBlobs({ blobs: deps.blobs, benchmarkOnlyPlaintext: deps.benchmarkOnlyPlaintextBodies === true }),
    keys: createSegmentKeys({ envelope: deps.envelope, kms: deps.kms ?? null, clock: deps.clock }),
    clock: deps.clock,
    region: deps.region,
    limits: { ...DEFAULT_LIMITS, ...deps.limits },
  };
  const bind =
    <A extends unknown[], R>(fn: (c: ServiceContext, ...a: A) => R) =>
    (...a: A): R =>
      fn(ctx, ...a);
  return {
    limits: ctx.limits,
    createBucket: bind(buckets.createBucket),
    deleteBucket: bind(buckets.deleteBucket),
    headBucket: bind(buckets.headBucket),
    listBuckets: bind(buckets.listBuckets),
    putBucketVersioning: bind(buckets.putBucketVersioning),
    putBucketTagging: bind(buckets.putBucketTagging),
    getBucketTagging: bind(buckets.getBucketTagging),
    deleteBucketTagging: bind(buckets.deleteBucketTagging),
    putBucketPolicy: bind(buckets.putBucketPolicy),
    getBucketPolicy: bind(buckets.getBucketPolicy),
    deleteBucketPolicy: bind(buckets.deleteBucketPolicy),
    putPublicAccessBlock: bind(buckets.putPublicAccessBlock),
    getPublicAccessBlock: bind(buckets.getPublicAccessBlock),
    deletePublicAccessBlock: bind(buckets.deletePublicAccessBlock),
    putObject: bind(objects.putObject),
    getObject: bind(objects.getObject),
    deleteObject: bind(objects.deleteObject),
    getObjectTagging: bind(objects.getObjectTagging),
    putObjectTagging: bind(objects.putObjectTagging),
    listObjects: bind(list.listObjects),
    listObjectVersions: bind(list.listObjectVersions),
    createMultipartUpload: bind(multipart.createMultipartUpload),
    uploadPart: bind(multipart.uploadPart),
    completeMultipartUpload: bind(multipart.completeMultipartUpload),
    abortMultipartUpload: bind(multipart.abortMultipartUpload),
    listParts: bind(multipart.listParts),
    listMultipartUploads: bind(multipart.listMultipartUploads),
    putBucketEncryption: bind(encryption.putBucketEncryption),
    getBucketEncryption: bind(encryption.getBucketEncryption),
    deleteBucketEncryption: bind(encryption.deleteBucketEncryption),
    copyObject: bind(copy.copyObject),
    uploadPartCopy: bind(copy.uploadPartCopy),
  };
}

export type ObjectService = ReturnType<typeof createObjectService>;
