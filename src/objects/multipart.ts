/**
 * Multipart uploads. Each part is its own encrypted segment; completing an upload writes no
 * data, it only records the ordered parts as the segments of the new version.
 */
import { createHash } from 'node:crypto';
import { CofferError } from '../shared/index.js';
import type {
  ChecksumAlgorithm,
  ChecksumType,
  MultipartUploadRecord,
  ObjectVersionRecord,
  PartRecord,
  StoredChecksum,
  WriteExpectation,
} from '../storage/metadata/port.js';
import { combineMultipartChecksum } from './checksums/index.js';
import { type ServiceContext, newVersionId, requireBucket } from './context.js';
import { BodyIntegrity } from './integrity.js';
import { validateKey } from './naming.js';
import { type BodyInput, type ObjectAttributes, precheckExpectation, validateUserMetadata } from './objects.js';
import { validateTagSet } from './tags.js';
import { resolveWritePlan, uploadPartPlan } from './encryption.js';
import { type CustomerKey, type SseRequest, sseSystemFields, withoutSse } from './sse.js';
import type { Readable } from 'node:stream';

export async function createMultipartUpload(
  ctx: ServiceContext,
  args: ObjectAttributes & {
    bucket: string;
    key: string;
    owner: string;
    checksumAlgorithm: ChecksumAlgorithm | null;
    checksumType: ChecksumType | null;
    /** Requested encryption; every part is sealed the same way. */
    sse?: SseRequest | null | undefined;
    caller?: unknown;
  },
): Promise<MultipartUploadRecord> {
  validateKey(args.key);
  validateUserMetadata(ctx, args.userMetadata);
  validateTagSet(args.tags, 10);
  const bucket = await requireBucket(ctx, args.bucket);
  const { stored } = await resolveWritePlan(ctx, bucket, args.key, args.sse, args.caller);
  let type = args.checksumType;
  const alg = args.checksumAlgorithm;
  if (type !== null && alg === null) throw new CofferError('objects.invalid_request', { message: 'The x-amz-checksum-type header requires x-amz-checksum-algorithm.' });
  if (alg !== null) {
    type ??= alg === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE';
    if (type === 'FULL_OBJECT' && (alg === 'SHA1' || alg === 'SHA256')) {
      throw new CofferError('objects.invalid_request', { message: `The FULL_OBJECT checksum type cannot be used with the ${alg} checksum algorithm.` });
    }
    if (type === 'COMPOSITE' && alg === 'CRC64NVME') {
      throw new CofferError('objects.invalid_request', { message: 'The COMPOSITE checksum type cannot be used with the CRC64NVME checksum algorithm.' });
    }
  }
  const upload: MultipartUploadRecord = {
    uploadId: newVersionId(),
    bucket: args.bucket,
    key: args.key,
    initiated: ctx.clock.now(),
    contentType: args.contentType,
    system: { ...withoutSse(args.system), ...sseSystemFields(stored) },
    userMetadata: args.userMetadata,
    tags: args.tags,
    checksumAlgorithm: alg,
    checksumType: alg === null ? null : type,
    owner: args.owner,
  };
  await ctx.metadata.createUpload(upload);
  return upload;
}

export async function requireUpload(ctx: ServiceContext, bucket: string, key: string, uploadId: string): Promise<MultipartUploadRecord> {
  await requireBucket(ctx, bucket);
  const upload = await ctx.metadata.getUpload(uploadId);
  if (!upload || upload.bucket !== bucket || upload.key !== key) throw new CofferError('objects.no_such_upload');
  return upload;
}

export function validatePartNumber(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new CofferError('objects.invalid_part_number');
}

/** Stores one part (from a request body or a copy source stream). */
export async function uploadPart(
  ctx: ServiceContext,
  args: {
    bucket: string;
    key: string;
    uploadId: string;
    partNumber: number;
    body: BodyInput;
    /** The SSE-C key of an SSE-C upload (each part carries it). */
    customerKey?: CustomerKey | undefined;
    caller?: unknown;
  },
): Promise<PartRecord & { uploadSystem: Record<string, string> }> {
  validatePartNumber(args.partNumber);
  const upload = await requireUpload(ctx, args.bucket, args.key, args.uploadId);
  const plan = uploadPartPlan(upload, args.customerKey, args.caller);
  if (args.body.algorithm !== null && upload.checksumAlgorithm !== null && args.body.algorithm !== upload.checksumAlgorithm) {
    throw new CofferError('objects.invalid_request', {
      message: `Checksum Type mismatch occurred, expected checksum Type: ${upload.checksumAlgorithm.toLowerCase()}, actual checksum Type: ${args.body.algorithm.toLowerCase()}`,
    });
  }
  const algorithm = args.body.algorithm ?? upload.checksumAlgorithm;
  const integrity = new BodyIntegrity({
    algorithm,
    requireExpected: args.body.algorithm !== null,
    expected: args.body.expectedChecksum,
    contentMd5: args.body.contentMd5,
    declaredSize: args.body.declaredSize,
    maxSize: ctx.limits.maxObjectSize,
  });
  // The upload's checksum algorithm is computed even when this request carries no value.
  const verify = () => integrity.verify();
  const prepared = await ctx.keys.create(plan, { upload: args.uploadId, part: String(args.partNumber) });
  const written = await ctx.sealed.write(args.body.stream, [integrity.tap], prepared, () => {
    verify();
  });
  const result = verify();
  const part: PartRecord = {
    uploadId: args.uploadId,
    partNumber: args.partNumber,
    lastModified: ctx.clock.now(),
    segment: { ...written, size: result.size, etag: `"${result.md5.toString('hex')}"`, checksum: result.checksum },
  };
  let replaced: PartRecord | null;
  try {
    replaced = await ctx.metadata.putPart(part);
  } catch (err) {
    await ctx.sealed.delete([written.blobId]);
    throw err;
  }
  if (replaced) await ctx.sealed.delete([replaced.segment.blobId]);
  // The upload's system fields carry its encryption mode, for the response headers.
  return { ...part, uploadSystem: upload.system };
}

export async function abortMultipartUpload(ctx: ServiceContext, args: { bucket: string; key: string; uploadId: string }): Promise<void> {
  await requireUpload(ctx, args.bucket, args.key, args.uploadId);
  const parts = await ctx.metadata.abortUpload(args.uploadId);
  await ctx.sealed.delete(parts.map((p) => p.segment.blobId));
}

export interface CompletePart {
  partNumber: number;
  etag: string;
  checksum?: { algorithm: ChecksumAlgorithm; value: string } | undefined;
}

export async function completeMultipartUpload(
  ctx: ServiceContext,
  args: {
    bucket: string;
    key: string;
    uploadId: string;
    parts: CompletePart[];
    expect?: WriteExpectation | undefined;
    /** Whole-object checksum the client asserts (x-amz-checksum-* header on Complete). */
    expectedChecksum?: { algorithm: ChecksumAlgorithm; value: string } | undefined;
    expectedType?: ChecksumType | undefined;
    owner: string;
  },
): Promise<ObjectVersionRecord> {
  const upload = await requireUpload(ctx, args.bucket, args.key, args.uploadId);
  const bucket = await requireBucket(ctx, args.bucket);
  await precheckExpectation(ctx, args.bucket, args.key, args.expect);
  if (args.parts.length === 0) throw new CofferError('http.malformed_xml', { message: 'The XML you provided was not well-formed or did not validate against our published schema: at least one Part is required.' });
  const stored = new Map<number, PartRecord>();
  let marker: number | undefined;
  for (;;) {
    const page = await ctx.metadata.listParts(args.uploadId, { ...(marker !== undefined ? { marker } : {}), limit: 1000 });
    for (const p of page) stored.set(p.partNumber, p);
    if (page.length < 1000) break;
    marker = page[page.length - 1]!.partNumber;
  }
  const chosen: PartRecord[] = [];
  let prev = 0;
  for (const req of args.parts) {
    if (req.partNumber <= prev) throw new CofferError('objects.invalid_part_order');
    prev = req.partNumber;
    const part = stored.get(req.partNumber);
    const etag = req.etag.startsWith('"') ? req.etag : `"${req.etag}"`;
    if (!part || part.segment.etag !== etag) throw new CofferError('objects.invalid_part');
    if (req.checksum && part.segment.checksum) {
      if (req.checksum.algorithm !== part.segment.checksum.algorithm || req.checksum.value !== part.segment.checksum.value) {
        throw new CofferError('objects.invalid_part', { message: `The ${req.checksum.algorithm} checksum of part ${req.partNumber} does not match.` });
      }
    }
    chosen.push(part);
  }
  if (chosen.length > ctx.limits.maxParts) throw new CofferError('objects.invalid_argument', { message: `A multipart upload has at most ${ctx.limits.maxParts} parts.` });
  for (let i = 0; i < chosen.length - 1; i++) {
    if (chosen[i]!.segment.size < ctx.limits.minPartSize) throw new CofferError('objects.entity_too_small');
  }
  const md5s = Buffer.concat(chosen.map((p) => Buffer.from(p.segment.etag.slice(1, -1), 'hex')));
  const etag = `"${createHash('md5').update(md5s).digest('hex')}-${chosen.length}"`;
  const checksum = completeChecksum(upload, chosen, args.expectedChecksum, args.expectedType);
  const versionId = bucket.versioning === 'Enabled' ? newVersionId() : 'null';
  const size = chosen.reduce((n, p) => n + p.segment.size, 0);
  const record: ObjectVersionRecord = {
    bucket: args.bucket,
    key: args.key,
    versionId,
    seq: 0,
    isDeleteMarker: false,
    size,
    etag,
    lastModified: ctx.clock.now(),
    contentType: upload.contentType,
    system: upload.system,
    userMetadata: upload.userMetadata,
    tags: upload.tags,
    checksum,
    partsCount: chosen.length,
    segments: chosen.map((p) => p.segment),
    owner: args.owner,
  };
  let result;
  try {
    result = await ctx.metadata.completeUpload(args.uploadId, record, {
      replaceNull: bucket.versioning !== 'Enabled',
      ...(args.expect ? { expect: args.expect } : {}),
      usedParts: chosen.map((p) => p.partNumber),
    });
  } catch (err) {
    if (err instanceof CofferError && err.code === 'storage.precondition_failed') throw new CofferError('objects.precondition_failed', { cause: err });
    if (err instanceof CofferError && err.code === 'storage.no_such_upload') throw new CofferError('objects.no_such_upload', { cause: err });
    throw err;
  }
  const garbage = [...result.unusedParts.map((p) => p.segment.blobId), ...(result.replaced?.segments.map((s) => s.blobId) ?? [])];
  await ctx.sealed.delete(garbage);
  return result.record;
}

function completeChecksum(
  upload: MultipartUploadRecord,
  parts: PartRecord[],
  expected: { algorithm: ChecksumAlgorithm; value: string } | undefined,
  expectedType: ChecksumType | undefined,
): StoredChecksum | null {
  const alg = upload.checksumAlgorithm;
  if (alg === null) {
    // No algorithm chosen at creation: S3 stores no composite checksum. When every part carries
    // the same full-object-capable CRC (the SDK default), S3 reports a FULL_OBJECT CRC.
    const first = parts[0]?.segment.checksum?.algorithm;
    if (first && ['CRC32', 'CRC32C', 'CRC64NVME'].includes(first) && parts.every((p) => p.segment.checksum?.algorithm === first)) {
      const value = combineMultipartChecksum(first, 'FULL_OBJECT', parts.map((p) => ({ checksum: p.segment.checksum!.value, size: p.segment.size })));
      return { algorithm: first, type: 'FULL_OBJECT', value };
    }
    return null;
  }
  const type = upload.checksumType ?? 'COMPOSITE';
  if (expectedType !== undefined && expectedType !== type) {
    throw new CofferError('objects.invalid_request', { message: `The upload was created using the ${type} checksum mode. The complete request must use the same checksum mode.` });
  }
  for (const p of parts) {
    if (!p.segment.checksum || p.segment.checksum.algorithm !== alg) {
      throw new CofferError('objects.invalid_request', { message: `The upload was created using a ${alg.toLowerCase()} checksum. Part ${p.partNumber} has no ${alg.toLowerCase()} checksum.` });
    }
  }
  const value = combineMultipartChecksum(alg, type, parts.map((p) => ({ checksum: p.segment.checksum!.value, size: p.segment.size })));
  if (expected) {
    const bare = value.replace(/-\d+$/, '');
    const given = expected.value.replace(/-\d+$/, '');
    if (expected.algorithm !== alg || given !== bare) throw new CofferError('checksum.bad_digest', { message: `The ${alg} you specified for the multipart upload did not match the calculated checksum.` });
  }
  return { algorithm: alg, type, value };
}

export async function listParts(
  ctx: ServiceContext,
  args: { bucket: string; key: string; uploadId: string; marker?: number | undefined; maxParts: number },
): Promise<{ upload: MultipartUploadRecord; parts: PartRecord[]; isTruncated: boolean }> {
  const upload = await requireUpload(ctx, args.bucket, args.key, args.uploadId);
  const page = await ctx.metadata.listParts(args.uploadId, { ...(args.marker !== undefined ? { marker: args.marker } : {}), limit: args.maxParts + 1 });
  return { upload, parts: page.slice(0, args.maxParts), isTruncated: page.length > args.maxParts };
}

export async function listMultipartUploads(
  ctx: ServiceContext,
  args: { bucket: string; prefix?: string | undefined; keyMarker?: string | undefined; uploadIdMarker?: string | undefined; maxUploads: number },
): Promise<{ uploads: MultipartUploadRecord[]; isTruncated: boolean }> {
  await requireBucket(ctx, args.bucket);
  const page = await ctx.metadata.listUploads(args.bucket, {
    ...(args.prefix ? { prefix: args.prefix } : {}),
    ...(args.keyMarker !== undefined ? { keyMarker: args.keyMarker } : {}),
    ...(args.uploadIdMarker !== undefined ? { uploadIdMarker: args.uploadIdMarker } : {}),
    limit: args.maxUploads + 1,
  });
  return { uploads: page.slice(0, args.maxUploads), isTruncated: page.length > args.maxUploads };
}

export type { Readable };
