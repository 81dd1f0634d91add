/**
 * CopyObject and UploadPartCopy. Data is decrypted from the source and re-encrypted under a
 * fresh data key bound to the destination, so no two objects ever share a key or a blob.
 */
import { CofferError, isCofferError } from '../shared/index.js';
import type { ObjectVersionRecord, PartRecord, WriteExpectation } from '../storage/metadata/port.js';
import { type ServiceContext, requireBucket, requireReadableVersion } from './context.js';
import { type ByteRange, type Conditions, type ObjectAttributes, checkConditions, openRange, putObject } from './objects.js';
import { uploadPart } from './multipart.js';
import { openSegmentKeys } from './encryption.js';
import type { CustomerKey, SseRequest } from './sse.js';

export interface CopySource {
  bucket: string;
  key: string;
  versionId?: string | undefined;
}

/** Parses `x-amz-copy-source: /bucket/key?versionId=...` (URL-encoded). */
export function parseCopySource(header: string): CopySource {
  let value = header;
  let versionId: string | undefined;
  const q = value.indexOf('?');
  if (q >= 0) {
    const params = new URLSearchParams(value.slice(q + 1));
    versionId = params.get('versionId') ?? undefined;
    value = value.slice(0, q);
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch (cause) {
    throw new CofferError('objects.invalid_copy_source', { cause });
  }
  if (decoded.startsWith('/')) decoded = decoded.slice(1);
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) throw new CofferError('objects.invalid_copy_source');
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1), versionId };
}

/** x-amz-copy-source-if-*: every failure (including the "not modified" kind) is 412. */
function checkCopyConditions(rec: ObjectVersionRecord, c: Conditions): void {
  try {
    checkConditions(rec, c);
  } catch (err) {
    if (isCofferError(err, 'objects.not_modified')) throw new CofferError('objects.precondition_failed', { cause: err });
    throw err;
  }
}

async function readSource(ctx: ServiceContext, source: CopySource): Promise<ObjectVersionRecord> {
  try {
    return await requireReadableVersion(ctx, source.bucket, source.key, source.versionId);
  } catch (err) {
    // A delete marker addressed as a copy source is simply "not found" for the caller.
    if (isCofferError(err, 'objects.delete_marker')) throw new CofferError('objects.invalid_request', { message: 'The source of a copy request may not specifically refer to a delete marker by version id.' });
    throw err;
  }
}

export async function copyObject(
  ctx: ServiceContext,
  args: {
    source: CopySource;
    sourceConditions: Conditions;
    bucket: string;
    key: string;
    /** Present when the metadata directive is REPLACE. */
    replaceMetadata: ObjectAttributes | null;
    /** Present when the tagging directive is REPLACE. */
    replaceTags: Record<string, string> | null;
    expect?: WriteExpectation | undefined;
    owner: string;
    /** Encryption of the copy (headers); absent: the destination bucket's default, as S3. */
    sse?: SseRequest | null | undefined;
    /** x-amz-copy-source-server-side-encryption-customer-key of an SSE-C source. */
    sourceCustomerKey?: CustomerKey | undefined;
    caller?: unknown;
  },
): Promise<{ record: ObjectVersionRecord; source: ObjectVersionRecord }> {
  const src = await readSource(ctx, args.source);
  checkCopyConditions(src, args.sourceConditions);
  await requireBucket(ctx, args.bucket);
  // Copying an object onto itself is allowed only when it changes metadata or encryption.
  if (src.bucket === args.bucket && src.key === args.key && args.source.versionId === undefined && args.replaceMetadata === null && !args.sse) {
    throw new CofferError('objects.invalid_copy_request');
  }
  const fullRange = src.size === 0 ? null : { start: 0, end: src.size - 1 };
  const keys = await openSegmentKeys(ctx, src, fullRange, { caller: args.caller, customerKey: args.sourceCustomerKey });
  const attrs: ObjectAttributes = args.replaceMetadata ?? {
    contentType: src.contentType,
    system: src.system,
    userMetadata: src.userMetadata,
    tags: src.tags,
  };
  const tags = args.replaceTags ?? src.tags;
  // Keep the source's checksum algorithm when it had a full-object one; otherwise the default.
  const algorithm = src.checksum && src.checksum.type === 'FULL_OBJECT' ? src.checksum.algorithm : null;
  const record = await putObject(ctx, {
    bucket: args.bucket,
    key: args.key,
    ...attrs,
    tags,
    expect: args.expect,
    owner: args.owner,
    sse: args.sse,
    caller: args.caller,
    body: {
      stream: openRange(ctx, src, fullRange, keys),
      declaredSize: src.size,
      algorithm,
      expectedChecksum: () => (algorithm !== null ? src.checksum?.value : undefined),
    },
  });
  return { record, source: src };
}

export function parseCopySourceRange(header: string | undefined, size: number): ByteRange | null {
  if (header === undefined) return null;
  const m = /^bytes=(\d+)-(\d+)$/.exec(header.trim());
  if (!m) throw new CofferError('objects.invalid_argument', { message: 'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy' });
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (end < start || end >= size) throw new CofferError('objects.invalid_range', { message: `The x-amz-copy-source-range value is not satisfiable for an object of ${size} bytes.`, details: { size } });
  return { start, end };
}

export async function uploadPartCopy(
  ctx: ServiceContext,
  args: {
    source: CopySource;
    sourceConditions: Conditions;
    range: string | undefined;
    bucket: string;
    key: string;
    uploadId: string;
    partNumber: number;
    /** SSE-C key of the destination upload, and of the source. */
    customerKey?: CustomerKey | undefined;
    sourceCustomerKey?: CustomerKey | undefined;
    caller?: unknown;
  },
): Promise<{ part: PartRecord & { uploadSystem: Record<string, string> }; source: ObjectVersionRecord }> {
  const src = await readSource(ctx, args.source);
  checkCopyConditions(src, args.sourceConditions);
  const range = parseCopySourceRange(args.range, src.size) ?? (src.size === 0 ? null : { start: 0, end: src.size - 1 });
  const size = range ? range.end - range.start + 1 : 0;
  const keys = await openSegmentKeys(ctx, src, range, { caller: args.caller, customerKey: args.sourceCustomerKey });
  const part = await uploadPart(ctx, {
    bucket: args.bucket,
    key: args.key,
    uploadId: args.uploadId,
    partNumber: args.partNumber,
    customerKey: args.customerKey,
    caller: args.caller,
    body: { stream: openRange(ctx, src, range, keys), declaredSize: size, algorithm: null, expectedChecksum: () => undefined },
  });
  return { part, source: src };
}
