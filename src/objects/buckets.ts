/** Bucket operations: create, delete, list, location, versioning, tagging, policy, public access block. */
import { CofferError, isCofferError } from '../shared/index.js';
import type { BucketRecord, PublicAccessBlock, VersioningState } from '../storage/metadata/port.js';
import { type ServiceContext, requireBucket } from './context.js';
import { validateBucketName } from './naming.js';
import { validateTagSet } from './tags.js';

export async function createBucket(
  ctx: ServiceContext,
  args: { name: string; locationConstraint?: string | undefined; owner: string },
): Promise<BucketRecord> {
  validateBucketName(args.name);
  // us-east-1 is the default location and must not be named explicitly (as S3).
  const region = args.locationConstraint || 'us-east-1';
  if (args.locationConstraint !== undefined && args.locationConstraint !== '' && args.locationConstraint !== ctx.region) {
    throw new CofferError('objects.invalid_location_constraint', {
      message: `The specified location-constraint is not valid: this endpoint serves region ${ctx.region}.`,
    });
  }
  const record: BucketRecord = {
    name: args.name,
    region: region === 'us-east-1' ? ctx.region : region,
    createdAt: ctx.clock.now(),
    versioning: 'Unversioned',
    owner: args.owner,
    tags: null,
  };
  try {
    await ctx.metadata.createBucket(record);
  } catch (err) {
    if (isCofferError(err, 'storage.bucket_exists')) {
      const existing = await ctx.metadata.getBucket(args.name);
      if (existing && existing.owner !== args.owner) throw new CofferError('objects.bucket_exists_other_region', { cause: err });
    }
    throw err;
  }
  return record;
}

export async function deleteBucket(ctx: ServiceContext, name: string): Promise<void> {
  await requireBucket(ctx, name);
  await ctx.metadata.deleteBucket(name);
}

export async function headBucket(ctx: ServiceContext, name: string): Promise<BucketRecord> {
  return requireBucket(ctx, name);
}

export async function listBuckets(ctx: ServiceContext): Promise<BucketRecord[]> {
  const all = await ctx.metadata.listBuckets();
  return all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function putBucketVersioning(ctx: ServiceContext, name: string, status: string | undefined): Promise<void> {
  const bucket = await requireBucket(ctx, name);
  if (status !== 'Enabled' && status !== 'Suspended') {
    if (status === undefined) return; // an empty configuration changes nothing
    throw new CofferError('objects.illegal_versioning', { message: 'The Versioning element must be Enabled or Suspended.' });
  }
  // Once enabled, a bucket can only be suspended, never returned to unversioned.
  const next: VersioningState = status;
  if (bucket.versioning !== next) await ctx.metadata.updateBucket(name, { versioning: next });
}

export async function putBucketTagging(ctx: ServiceContext, name: string, tags: Record<string, string>): Promise<void> {
  await requireBucket(ctx, name);
  validateTagSet(tags, 50);
  await ctx.metadata.updateBucket(name, { tags });
}

export async function getBucketTagging(ctx: ServiceContext, name: string): Promise<Record<string, string>> {
  const bucket = await requireBucket(ctx, name);
  if (!bucket.tags) throw new CofferError('objects.no_such_tag_set');
  return bucket.tags;
}

export async function deleteBucketTagging(ctx: ServiceContext, name: string): Promise<void> {
  await requireBucket(ctx, name);
  await ctx.metadata.updateBucket(name, { tags: null });
}

/** Stores a bucket policy document; the caller (HTTP layer) has validated it. */
export async function putBucketPolicy(ctx: ServiceContext, name: string, policy: string): Promise<void> {
  await requireBucket(ctx, name);
  await ctx.metadata.updateBucket(name, { policy });
}

/** The stored bucket policy document, or null when the bucket has none. */
export async function getBucketPolicy(ctx: ServiceContext, name: string): Promise<string | null> {
  const bucket = await requireBucket(ctx, name);
  return bucket.policy ?? null;
}

export async function deleteBucketPolicy(ctx: ServiceContext, name: string): Promise<void> {
  await requireBucket(ctx, name);
  await ctx.metadata.updateBucket(name, { policy: null });
}

/** Every Block Public Access setting on: what a bucket without a configuration behaves as. */
export const BLOCK_ALL_PUBLIC_ACCESS: PublicAccessBlock = Object.freeze({
  blockPublicAcls: true,
  ignorePublicAcls: true,
  blockPublicPolicy: true,
  restrictPublicBuckets: true,
});

export async function putPublicAccessBlock(ctx: ServiceContext, name: string, config: PublicAccessBlock): Promise<void> {
  await requireBucket(ctx, name);
  await ctx.metadata.updateBucket(name, { publicAccessBlock: { ...config } });
}

/** The stored configuration, or null when none was put (the bucket then behaves as all-true). */
export async function getPublicAccessBlock(ctx: ServiceContext, name: string): Promise<PublicAccessBlock | null> {
  const bucket = await requireBucket(ctx, name);
  return bucket.publicAccessBlock ?? null;
}

export async function deletePublicAccessBlock(ctx: ServiceContext, name: string): Promise<void> {
  await requireBucket(ctx, name);
  await ctx.metadata.updateBucket(name, { publicAccessBlock: null });
}
