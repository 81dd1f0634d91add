/**
 * Which encryption a write uses, and opening the keys a read needs.
 *
 *   write mode = request headers (x-amz-server-side-encryption / SSE-C)
 *                ?? bucket default (PutBucketEncryption) ?? SSE-S3
 *   aws:kms    = key resolved (id, ARN, alias; none -> aws/s3), kms:GenerateDataKey authorised
 *                before the body is read; Bucket Key from the request, else the bucket default
 *   read       = every segment in range opened before the first byte is sent, so a missing or
 *                wrong SSE-C key, a denied kms:Decrypt or an unusable KMS key is an error
 *                response, never a truncated body
 */
import { CofferError } from '../shared/index.js';
import type { DataKey } from '../crypto/index.js';
import type { BucketEncryption, BucketRecord, MultipartUploadRecord, ObjectVersionRecord } from '../storage/metadata/port.js';
import type { ServiceContext } from './context.js';
import { requireBucket } from './context.js';
import type { WritePlan } from './segment-keys.js';
import { type CustomerKey, type KeyAccess, type KeyCaller, type SseRequest, type StoredSse, INTERNAL_CALLER, storedSse } from './sse.js';

export interface ResolvedWrite {
  plan: WritePlan;
  stored: StoredSse;
}

/** The write plan for a new object or upload in `bucket` under `key`. */
export async function resolveWritePlan(
  ctx: ServiceContext,
  bucket: BucketRecord,
  key: string,
  request: SseRequest | null | undefined,
  requestCaller: KeyCaller,
): Promise<ResolvedWrite> {
  const caller = requestCaller ?? INTERNAL_CALLER;
  const def = bucket.encryption;
  const r: SseRequest = request ?? (def?.algorithm === 'aws:kms' ? { mode: 'aws:kms', keyId: def.kmsKeyId, bucketKey: def.bucketKeyEnabled } : { mode: 'AES256' });
  if (r.mode === 'AES256') return { plan: { mode: 'AES256' }, stored: { mode: 'AES256' } };
  if (r.mode === 'SSE-C') return { plan: { mode: 'SSE-C', customerKey: r.customerKey }, stored: { mode: 'SSE-C', md5: r.customerKey.md5 } };
  const kms = ctx.keys.kms;
  if (!kms) throw new CofferError('sse.kms_unavailable', { message: 'SSE-KMS is not available on this server.' });
  const bucketKey = r.bucketKey ?? (def?.algorithm === 'aws:kms' ? def.bucketKeyEnabled : false);
  const keyArn = await kms.resolve(r.keyId);
  await kms.check({ keyArn, action: 'kms:GenerateDataKey', caller });
  const context = r.context && Object.keys(r.context).length > 0 ? r.context : null;
  return {
    plan: { mode: 'aws:kms', keyArn, context, bucketKey, bucket: bucket.name, key, caller },
    stored: { mode: 'aws:kms', keyArn, context, bucketKey },
  };
}

/** The plan for a part of an upload: the upload's mode; SSE-C parts must carry the upload's key. */
export function uploadPartPlan(upload: MultipartUploadRecord, customerKey: CustomerKey | undefined, requestCaller: KeyCaller): WritePlan {
  const caller = requestCaller ?? INTERNAL_CALLER;
  const sse = storedSse(upload.system);
  if (sse.mode === 'SSE-C') {
    if (!customerKey) throw new CofferError('sse.customer_key_required', { message: 'The multipart upload was initiated with SSE-C; every part must carry the same customer key.' });
    if (customerKey.md5 !== sse.md5) throw new CofferError('sse.customer_key_mismatch', { message: 'The customer key does not match the key the multipart upload was initiated with.' });
    return { mode: 'SSE-C', customerKey };
  }
  if (customerKey) throw new CofferError('sse.customer_key_not_applicable', { message: 'The multipart upload was not initiated with SSE-C.' });
  if (sse.mode === 'aws:kms') return { mode: 'aws:kms', keyArn: sse.keyArn, context: sse.context, bucketKey: sse.bucketKey, bucket: upload.bucket, key: upload.key, caller };
  return { mode: 'AES256' };
}

/**
 * Opens the data keys of the segments a read touches (indexes match record.segments). For an
 * SSE-C object the first segment is always opened, so even an empty object checks the key.
 */
export async function openSegmentKeys(
  ctx: ServiceContext,
  record: ObjectVersionRecord,
  range: { start: number; end: number } | null,
  requestAccess: KeyAccess | undefined,
  opts: { headersOnly?: boolean } = {},
): Promise<(DataKey | undefined)[]> {
  const access: KeyAccess = { ...requestAccess, caller: requestAccess?.caller ?? INTERNAL_CALLER };
  const sse = storedSse(record.system);
  if (sse.mode !== 'SSE-C' && access.customerKey) throw new CofferError('sse.customer_key_not_applicable');
  if (sse.mode === 'SSE-C' && !access.customerKey) throw new CofferError('sse.customer_key_required');
  const keys: (DataKey | undefined)[] = new Array<DataKey | undefined>(record.segments.length).fill(undefined);
  // HEAD needs no KMS permission (as S3), but an SSE-C HEAD must prove the key.
  if (opts.headersOnly) {
    if (sse.mode === 'SSE-C' && record.segments[0]) (await ctx.keys.open(record.segments[0], sse, access)).destroy();
    return keys;
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? record.size - 1;
  let offset = 0;
  for (let i = 0; i < record.segments.length; i++) {
    const seg = record.segments[i]!;
    const segStart = offset;
    const segEnd = offset + seg.size - 1;
    offset += seg.size;
    const touched = seg.size > 0 && segEnd >= start && segStart <= end;
    if (touched || (i === 0 && sse.mode === 'SSE-C')) keys[i] = await ctx.keys.open(seg, sse, access);
  }
  return keys;
}

export async function putBucketEncryption(ctx: ServiceContext, args: { bucket: string; encryption: BucketEncryption }): Promise<void> {
  await requireBucket(ctx, args.bucket);
  await ctx.metadata.updateBucket(args.bucket, { encryption: args.encryption });
}

/** The bucket's default encryption; S3 reports SSE-S3 (AES256) when none was set. */
export async function getBucketEncryption(ctx: ServiceContext, args: { bucket: string }): Promise<BucketEncryption> {
  const b = await requireBucket(ctx, args.bucket);
  return b.encryption ?? { algorithm: 'AES256', bucketKeyEnabled: false };
}

export async function deleteBucketEncryption(ctx: ServiceContext, args: { bucket: string }): Promise<void> {
  await requireBucket(ctx, args.bucket);
  await ctx.metadata.updateBucket(args.bucket, { encryption: null });
}
