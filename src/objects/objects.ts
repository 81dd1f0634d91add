/** Single-object operations: put, get/head (ranges, parts, conditions), delete, tagging. */
import type { Readable } from 'node:stream';
import type { DataKey } from '../crypto/index.js';
import { CofferError } from '../shared/index.js';
import type { ChecksumAlgorithm, ObjectVersionRecord, Segment, StoredChecksum, WriteExpectation } from '../storage/metadata/port.js';
import { type ServiceContext, newVersionId, requireBucket, requireReadableVersion, validateVersionId } from './context.js';
import { BodyIntegrity } from './integrity.js';
import { validateKey } from './naming.js';
import { concatSegments } from './sealed-blobs.js';
import { validateTagSet } from './tags.js';
import { openSegmentKeys, resolveWritePlan } from './encryption.js';
import type { WritePlan } from './segment-keys.js';
import { type KeyAccess, type SseRequest, sseSystemFields, withoutSse } from './sse.js';

export interface ObjectAttributes {
  contentType: string | null;
  system: Record<string, string>;
  userMetadata: Record<string, string>;
  tags: Record<string, string>;
}

export interface BodyInput {
  stream: Readable;
  declaredSize: number | null;
  algorithm: ChecksumAlgorithm | null;
  expectedChecksum: () => string | undefined;
  contentMd5?: string | undefined;
}

export interface PutObjectArgs extends ObjectAttributes {
  bucket: string;
  key: string;
  body: BodyInput;
  expect?: WriteExpectation | undefined;
  owner: string;
  /** Requested encryption (headers); absent: the bucket default, else SSE-S3. */
  sse?: SseRequest | null | undefined;
  /** Who writes (the KMS authorises kms:GenerateDataKey with it). */
  caller?: unknown;
}

export function validateUserMetadata(ctx: ServiceContext, meta: Record<string, string>): void {
  let total = 0;
  for (const [k, v] of Object.entries(meta)) total += Buffer.byteLength(k) + Buffer.byteLength(v);
  if (total > ctx.limits.maxUserMetadataBytes) throw new CofferError('objects.metadata_too_large');
}

/** Fails fast (before reading a body) when a precondition already cannot hold. */
export async function precheckExpectation(ctx: ServiceContext, bucket: string, key: string, expect: WriteExpectation | undefined): Promise<void> {
  if (!expect) return;
  const latest = await ctx.metadata.getVersion(bucket, key);
  const live = latest && !latest.isDeleteMarker ? latest : null;
  if (expect.absent && live) throw new CofferError('objects.precondition_failed');
  if (expect.etag !== undefined) {
    if (!live) throw new CofferError('objects.no_such_key');
    if (!etagMatches(expect.etag, live.etag)) throw new CofferError('objects.precondition_failed');
  }
}

export async function putObject(ctx: ServiceContext, args: PutObjectArgs): Promise<ObjectVersionRecord> {
  validateKey(args.key);
  validateUserMetadata(ctx, args.userMetadata);
  validateTagSet(args.tags, 10);
  const bucket = await requireBucket(ctx, args.bucket);
  await precheckExpectation(ctx, args.bucket, args.key, args.expect);
  const { plan, stored } = await resolveWritePlan(ctx, bucket, args.key, args.sse, args.caller);
  return putWithPlan(ctx, args, plan, { ...withoutSse(args.system), ...sseSystemFields(stored) }, bucket.versioning);
}

/** The body of putObject once the encryption is decided (copy uses it with its own plan). */
export async function putWithPlan(
  ctx: ServiceContext,
  args: PutObjectArgs,
  plan: WritePlan,
  system: Record<string, string>,
  versioning: 'Unversioned' | 'Enabled' | 'Suspended',
): Promise<ObjectVersionRecord> {
  const versionId = versioning === 'Enabled' ? newVersionId() : 'null';
  const integrity = new BodyIntegrity({
    algorithm: args.body.algorithm,
    requireExpected: args.body.algorithm !== null,
    expected: args.body.expectedChecksum,
    contentMd5: args.body.contentMd5,
    declaredSize: args.body.declaredSize,
    maxSize: ctx.limits.maxObjectSize,
  });
  const prepared = await ctx.keys.create(plan, { bucket: args.bucket, key: args.key, version: versionId });
  const written = await ctx.sealed.write(args.body.stream, [integrity.tap], prepared, () => {
    integrity.verify();
  });
  const result = integrity.verify();
  const etag = `"${result.md5.toString('hex')}"`;
  const segment: Segment = { ...written, size: result.size, etag, checksum: result.checksum };
  const record: ObjectVersionRecord = {
    bucket: args.bucket,
    key: args.key,
    versionId,
    seq: 0,
    isDeleteMarker: false,
    size: result.size,
    etag,
    lastModified: ctx.clock.now(),
    contentType: args.contentType,
    system,
    userMetadata: args.userMetadata,
    tags: args.tags,
    checksum: result.checksum,
    partsCount: null,
    segments: [segment],
    owner: args.owner,
  };
  return commitVersion(ctx, record, versioning !== 'Enabled', args.expect, [written.blobId]);
}

/** Inserts a version; on failure deletes the new blobs, on success the blobs it replaced. */
export async function commitVersion(
  ctx: ServiceContext,
  record: ObjectVersionRecord,
  replaceNull: boolean,
  expect: WriteExpectation | undefined,
  newBlobs: string[],
): Promise<ObjectVersionRecord> {
  let result;
  try {
    result = await ctx.metadata.putVersion(record, expect ? { replaceNull, expect } : { replaceNull });
  } catch (err) {
    await ctx.sealed.delete(newBlobs);
    if (err instanceof CofferError && err.code === 'storage.precondition_failed') throw new CofferError('objects.precondition_failed', { cause: err });
    throw err;
  }
  if (result.replaced) await ctx.sealed.delete(result.replaced.segments.map((s) => s.blobId));
  return result.record;
}

export interface Conditions {
  ifMatch?: string | undefined;
  ifNoneMatch?: string | undefined;
  ifModifiedSince?: string | undefined;
  ifUnmodifiedSince?: string | undefined;
}

function etagMatches(header: string, etag: string): boolean {
  return header
    .split(',')
    .map((s) => s.trim())
    .some((t) => t === '*' || t === etag || `"${t}"` === etag || t.replace(/^W\//, '') === etag);
}

/**
 * RFC 7232 as S3 applies it: If-Match/If-Unmodified-Since failures give 412, If-None-Match/
 * If-Modified-Since failures 304 (for writes and copies the caller turns 304 into 412).
 * When If-Match holds, If-Unmodified-Since is ignored; when If-None-Match fails to match,
 * If-Modified-Since is ignored.
 */
export function checkConditions(rec: ObjectVersionRecord, c: Conditions): void {
  const lastModifiedSec = Math.floor(rec.lastModified / 1000) * 1000;
  if (c.ifMatch !== undefined) {
    if (!etagMatches(c.ifMatch, rec.etag)) throw new CofferError('objects.precondition_failed');
  } else if (c.ifUnmodifiedSince !== undefined) {
    const t = Date.parse(c.ifUnmodifiedSince);
    if (!Number.isNaN(t) && lastModifiedSec > t) throw new CofferError('objects.precondition_failed');
  }
  if (c.ifNoneMatch !== undefined) {
    if (etagMatches(c.ifNoneMatch, rec.etag)) throw new CofferError('objects.not_modified', { details: { etag: rec.etag, lastModified: rec.lastModified } });
  } else if (c.ifModifiedSince !== undefined) {
    const t = Date.parse(c.ifModifiedSince);
    if (!Number.isNaN(t) && lastModifiedSec <= t) throw new CofferError('objects.not_modified', { details: { etag: rec.etag, lastModified: rec.lastModified } });
  }
}

export interface ByteRange {
  start: number;
  end: number;
}

/** Parses a single `bytes=` range; anything else is ignored (whole object), as S3 does. */
export function parseRange(header: string | undefined, size: number): ByteRange | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) throw new CofferError('objects.invalid_range', { details: { size } });
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== '' && Number(m[2]) < start) return null;
  }
  if (start >= size || size === 0) throw new CofferError('objects.invalid_range', { details: { size } });
  return { start, end };
}

export interface ReadResult {
  record: ObjectVersionRecord;
  /** Present for ranged / part reads. */
  range: ByteRange | null;
  /** For partNumber reads: the part's checksum. */
  partChecksum: StoredChecksum | null;
  open(): Readable;
}

export async function getObject(
  ctx: ServiceContext,
  args: {
    bucket: string;
    key: string;
    versionId?: string | undefined;
    range?: string | undefined;
    partNumber?: number | undefined;
    conditions: Conditions;
    /** The caller and SSE-C key; keys are opened before the result is returned. */
    access?: KeyAccess | undefined;
    /** HEAD: check an SSE-C key but open nothing else. */
    headersOnly?: boolean | undefined;
  },
): Promise<ReadResult> {
  const record = await requireReadableVersion(ctx, args.bucket, args.key, args.versionId);
  checkConditions(record, args.conditions);
  let range: ByteRange | null = null;
  let partChecksum: StoredChecksum | null = null;
  if (args.partNumber !== undefined) {
    const n = args.partNumber;
    if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new CofferError('objects.invalid_part_number');
    if (record.partsCount === null) {
      if (n !== 1) throw new CofferError('objects.invalid_part', { message: 'The requested partnumber is not satisfiable' });
    } else {
      const seg = record.segments[n - 1];
      if (!seg) throw new CofferError('objects.invalid_range', { message: 'The requested partnumber is not satisfiable', details: { size: record.size } });
      let start = 0;
      for (let i = 0; i < n - 1; i++) start += record.segments[i]!.size;
      range = seg.size === 0 ? null : { start, end: start + seg.size - 1 };
      partChecksum = seg.checksum;
    }
  } else {
    range = parseRange(args.range, record.size);
  }
  const keys = await openSegmentKeys(ctx, record, range, args.access, { headersOnly: args.headersOnly ?? false });
  return { record, range, partChecksum, open: () => openRange(ctx, record, range, keys) };
}

/** Streams plaintext bytes of a version, decrypting only the chunks that the range needs. */
export function openRange(ctx: ServiceContext, record: ObjectVersionRecord, range: ByteRange | null, keys: readonly (DataKey | undefined)[]): Readable {
  const start = range?.start ?? 0;
  const end = range?.end ?? record.size - 1;
  const openers: Array<() => Readable> = [];
  let offset = 0;
  for (const [i, seg] of record.segments.entries()) {
    const segStart = offset;
    const segEnd = offset + seg.size - 1;
    offset += seg.size;
    if (seg.size === 0 || segEnd < start || segStart > end) continue;
    const from = Math.max(start, segStart) - segStart;
    const to = Math.min(end, segEnd) - segStart;
    const key = keys[i];
    if (!key) throw new CofferError('objects.key_not_opened', { message: 'a segment key was not opened before the read' });
    openers.push(() => ctx.sealed.read(seg, from, to, key));
  }
  return concatSegments(openers);
}

export interface DeleteResult {
  versionId: string | null;
  deleteMarker: boolean;
}

export async function deleteObject(ctx: ServiceContext, args: { bucket: string; key: string; versionId?: string | undefined; owner: string }): Promise<DeleteResult> {
  const bucket = await requireBucket(ctx, args.bucket);
  if (args.versionId !== undefined) {
    validateVersionId(args.versionId);
    const removed = await ctx.metadata.deleteVersion(args.bucket, args.key, args.versionId);
    if (removed) await ctx.sealed.delete(removed.segments.map((s) => s.blobId));
    return { versionId: args.versionId, deleteMarker: removed?.isDeleteMarker ?? false };
  }
  if (bucket.versioning === 'Unversioned') {
    const removed = await ctx.metadata.deleteVersion(args.bucket, args.key, 'null');
    if (removed) await ctx.sealed.delete(removed.segments.map((s) => s.blobId));
    return { versionId: null, deleteMarker: false };
  }
  const versionId = bucket.versioning === 'Enabled' ? newVersionId() : 'null';
  const marker: ObjectVersionRecord = {
    bucket: args.bucket,
    key: args.key,
    versionId,
    seq: 0,
    isDeleteMarker: true,
    size: 0,
    etag: '',
    lastModified: ctx.clock.now(),
    contentType: null,
    system: {},
    userMetadata: {},
    tags: {},
    checksum: null,
    partsCount: null,
    segments: [],
    owner: args.owner,
  };
  await commitVersion(ctx, marker, bucket.versioning === 'Suspended', undefined, []);
  return { versionId, deleteMarker: true };
}

export async function getObjectTagging(ctx: ServiceContext, args: { bucket: string; key: string; versionId?: string | undefined }): Promise<ObjectVersionRecord> {
  return requireReadableVersion(ctx, args.bucket, args.key, args.versionId);
}

export async function putObjectTagging(
  ctx: ServiceContext,
  args: { bucket: string; key: string; versionId?: string | undefined; tags: Record<string, string> },
): Promise<ObjectVersionRecord> {
  validateTagSet(args.tags, 10);
  const rec = await requireReadableVersion(ctx, args.bucket, args.key, args.versionId);
  await ctx.metadata.setTags(args.bucket, args.key, rec.versionId, args.tags);
  return rec;
}
