/** Dependencies of the object service, wired in app/ (no singletons). */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../shared/index.js';
import { CofferError } from '../shared/index.js';
import type { BucketRecord, MetadataStore, ObjectVersionRecord } from '../storage/metadata/port.js';
import type { SealedBlobs } from './sealed-blobs.js';
import type { SegmentKeys } from './segment-keys.js';

export interface ObjectLimits {
  /** Largest single PUT / part (bytes). */
  maxObjectSize: number;
  /** Smallest non-final multipart part (bytes). */
  minPartSize: number;
  maxParts: number;
  /** Largest total of x-amz-meta-* names and values (bytes). */
  maxUserMetadataBytes: number;
}

export const DEFAULT_LIMITS: ObjectLimits = {
  maxObjectSize: 5 * 1024 ** 3,
  minPartSize: 5 * 1024 ** 2,
  maxParts: 10_000,
  maxUserMetadataBytes: 2048,
};

export interface ServiceContext {
  metadata: MetadataStore;
  sealed: SealedBlobs;
  /** Data keys of segments in every encryption mode (SSE-S3, SSE-KMS with or without Bucket Keys, SSE-C). */
  keys: SegmentKeys;
  clock: Clock;
  region: string;
  limits: ObjectLimits;
}

/**
 * Opaque, URL-safe version and upload ids (S3's are 32 characters). They never start with '-'
 * or '_': command-line tools would read `--upload-id -abc` as a missing argument.
 */
export function newVersionId(): string {
  for (;;) {
    const id = randomBytes(24).toString('base64url');
    if (/^[A-Za-z0-9]/.test(id)) return id;
  }
}

export async function requireBucket(ctx: ServiceContext, name: string): Promise<BucketRecord> {
  const bucket = await ctx.metadata.getBucket(name);
  if (!bucket) throw new CofferError('objects.no_such_bucket');
  return bucket;
}

/** The version a GET/HEAD addresses, with S3's delete-marker semantics. */
export async function requireReadableVersion(
  ctx: ServiceContext,
  bucket: string,
  key: string,
  versionId: string | undefined,
): Promise<ObjectVersionRecord> {
  await requireBucket(ctx, bucket);
  if (versionId !== undefined) validateVersionId(versionId);
  const rec = await ctx.metadata.getVersion(bucket, key, versionId);
  if (!rec) throw new CofferError(versionId === undefined ? 'objects.no_such_key' : 'objects.no_such_version');
  if (rec.isDeleteMarker) {
    // Latest is a delete marker: 404 NoSuchKey; addressed by id: 405 MethodNotAllowed.
    throw new CofferError(versionId === undefined ? 'objects.no_such_key' : 'objects.delete_marker', {
      details: { deleteMarker: true, versionId: rec.versionId },
    });
  }
  return rec;
}

export function validateVersionId(versionId: string): void {
  if (versionId === 'null') return;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(versionId)) throw new CofferError('objects.invalid_version_id');
}
