/** Object handlers: put, get, head, delete (single and batch), copy, tagging. */
import { createHash, timingSafeEqual } from 'node:crypto';
import { checkVersionDelete } from '../mfa-delete.js';
import { CofferError, isCofferError } from '../../../shared/index.js';
import { createHasher } from '../../../objects/checksums/index.js';
import { toS3Error } from '../errors.js';
import type { ObjectVersionRecord, StoredChecksum } from '../../../storage/metadata/port.js';
import { parseCopySource, parseTaggingHeader, type ReadResult } from '../../../objects/index.js';
import { type S3Context, type S3Response, header, readControlBody } from '../context.js';
import { bodyInput, checksumRequest, conditions, objectAttributes, writeExpectation } from '../request-attributes.js';
import { isoTime, parseXmlBody, xmlDocument } from '../xml.js';
import { parseTagSet, tagSetXml } from './buckets.js';
import { isSseField, keyAccessOf, kmsCaller, sseRequestOf, sseResponseHeaders } from '../sse.js';
import { guardTags } from '../guard-fields.js';
import { QUARANTINE_TAG, RELEASE_QUARANTINED_ACTION } from '../../../macie/quarantine.js';

function versionHeader(rec: ObjectVersionRecord): Record<string, string> {
  return rec.versionId === 'null' ? {} : { 'x-amz-version-id': rec.versionId };
}

function checksumHeaders(checksum: StoredChecksum | null, enabled: boolean): Record<string, string> {
  if (!enabled || !checksum) return {};
  return { [`x-amz-checksum-${checksum.algorithm.toLowerCase()}`]: checksum.value, 'x-amz-checksum-type': checksum.type };
}

function writeResponseHeaders(rec: ObjectVersionRecord): Record<string, string> {
  return {
    etag: rec.etag,
    ...versionHeader(rec),
    ...(rec.checksum ? { [`x-amz-checksum-${rec.checksum.algorithm.toLowerCase()}`]: rec.checksum.value, 'x-amz-checksum-type': rec.checksum.type } : {}),
    ...sseResponseHeaders(rec.system, { context: true }),
  };
}

export async function putObject(c: S3Context): Promise<S3Response> {
  const rec = await c.objects.putObject({
    bucket: c.bucket,
    key: c.key,
    ...objectAttributes(c),
    body: bodyInput(c),
    expect: writeExpectation(c),
    owner: c.owner,
    sse: sseRequestOf(c),
    caller: kmsCaller(c),
  });
  return { status: 200, headers: writeResponseHeaders(rec) };
}

const RESPONSE_OVERRIDES: Record<string, string> = {
  'response-content-type': 'content-type',
  'response-content-language': 'content-language',
  'response-expires': 'expires',
  'response-cache-control': 'cache-control',
  'response-content-disposition': 'content-disposition',
  'response-content-encoding': 'content-encoding',
};

function objectHeaders(c: S3Context, r: ReadResult): Record<string, string | number> {
  const rec = r.record;
  const h: Record<string, string | number> = {
    'last-modified': new Date(rec.lastModified).toUTCString(),
    etag: rec.etag,
    'accept-ranges': 'bytes',
    'content-type': rec.contentType ?? 'binary/octet-stream',
    ...sseResponseHeaders(rec.system),
    ...versionHeader(rec),
  };
  for (const [k, v] of Object.entries(rec.system)) if (k !== 'storage-class' && !isSseField(k)) h[k] = v;
  for (const [k, v] of Object.entries(rec.userMetadata)) h[`x-amz-meta-${k}`] = v;
  const tagCount = Object.keys(rec.tags).length;
  if (tagCount > 0) h['x-amz-tagging-count'] = tagCount;
  if (rec.partsCount !== null && c.query.has('partNumber')) h['x-amz-mp-parts-count'] = rec.partsCount;
  for (const [param, name] of Object.entries(RESPONSE_OVERRIDES)) {
    const v = c.query.get(param);
    if (v !== null) h[name] = v;
  }
  const checksumMode = header(c, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED';
  // A checksum describes what it covers: the part for partNumber reads, the whole object
  // otherwise, and nothing for byte ranges (clients would fail to validate a partial body).
  if (r.partChecksum) Object.assign(h, checksumHeaders(r.partChecksum, checksumMode));
  else if (r.range === null) Object.assign(h, checksumHeaders(rec.checksum, checksumMode));
  if (r.range) {
    h['content-range'] = `bytes ${r.range.start}-${r.range.end}/${rec.size}`;
    h['content-length'] = r.range.end - r.range.start + 1;
  } else {
    h['content-length'] = rec.size;
  }
  return h;
}

async function read(c: S3Context, headersOnly = false): Promise<ReadResult> {
  const partNumber = c.query.get('partNumber');
  const versionId = c.query.get('versionId') ?? undefined;
  return c.objects.getObject({
    bucket: c.bucket,
    key: c.key,
    versionId,
    range: header(c, 'range'),
    partNumber: partNumber === null ? undefined : Number(partNumber),
    conditions: conditions(c),
    access: keyAccessOf(c),
    headersOnly,
  });
}

export async function getObject(c: S3Context): Promise<S3Response> {
  const r = await read(c);
  return { status: r.range ? 206 : 200, headers: objectHeaders(c, r), body: r.open() };
}

export async function headObject(c: S3Context): Promise<S3Response> {
  const r = await read(c, true);
  return { status: r.range ? 206 : 200, headers: objectHeaders(c, r) };
}

export async function deleteObject(c: S3Context): Promise<S3Response> {
  if (c.query.get('versionId') !== null) await checkVersionDelete(c);
  const result = await c.objects.deleteObject({ bucket: c.bucket, key: c.key, versionId: c.query.get('versionId') ?? undefined, owner: c.owner });
  const h: Record<string, string> = {};
  if (result.deleteMarker) h['x-amz-delete-marker'] = 'true';
  if (result.versionId !== null && result.versionId !== 'null') h['x-amz-version-id'] = result.versionId;
  return { status: 204, headers: h };
}

export async function deleteObjects(c: S3Context): Promise<S3Response> {
  // DeleteObjects requires an integrity check: Content-MD5 or any x-amz-checksum-* (2025 SDKs send CRC32).
  const hasChecksum = header(c, 'content-md5') !== undefined || Object.keys(c.headers).some((h) => h.startsWith('x-amz-checksum-') && h !== 'x-amz-checksum-type') || header(c, 'x-amz-trailer') !== undefined;
  if (!hasChecksum) throw new CofferError('checksum.missing');
  const raw = await readControlBody(c, { bulk: true });
  verifyControlChecksum(c, raw);
  const doc = parseXmlBody(raw, 'Delete');
  const quiet = String(doc['Quiet'] ?? 'false').toLowerCase() === 'true';
  const list = doc['Object'];
  if (!Array.isArray(list) || list.length === 0) throw new CofferError('http.malformed_xml');
  if (list.length > 1000) throw new CofferError('http.malformed_xml', { message: 'A DeleteObjects request may name at most 1000 keys.' });
  if ((list as Array<Record<string, unknown>>).some((item) => item['VersionId'] !== undefined)) await checkVersionDelete(c);
  const deleted: Array<Record<string, unknown>> = [];
  const errors: Array<Record<string, unknown>> = [];
  for (const item of list as Array<Record<string, unknown>>) {
    const key = item['Key'];
    const versionId = typeof item['VersionId'] === 'string' ? item['VersionId'] : undefined;
    if (typeof key !== 'string' || key === '') throw new CofferError('http.malformed_xml');
    try {
      const r = await c.objects.deleteObject({ bucket: c.bucket, key, versionId, owner: c.owner });
      if (!quiet) {
        deleted.push({
          Key: key,
          ...(versionId !== undefined ? { VersionId: versionId } : {}),
          ...(r.deleteMarker ? { DeleteMarker: 'true' } : {}),
          ...(r.deleteMarker && versionId === undefined && r.versionId ? { DeleteMarkerVersionId: r.versionId } : {}),
        });
      }
    } catch (err) {
      if (isCofferError(err, 'objects.no_such_bucket')) throw err;
      const e = toS3Error(err);
      errors.push({ Key: key, ...(versionId !== undefined ? { VersionId: versionId } : {}), Code: e.code, Message: e.message });
    }
  }
  return {
    status: 200,
    headers: { 'content-type': 'application/xml' },
    body: xmlDocument('DeleteResult', { Deleted: deleted, Error: errors }),
  };
}

/** Verifies Content-MD5 / x-amz-checksum-* of a buffered control body. */
function verifyControlChecksum(c: S3Context, raw: Buffer): void {
  const md5 = header(c, 'content-md5');
  if (md5 !== undefined) {
    const want = Buffer.from(md5, 'base64');
    const got = createHash('md5').update(raw).digest();
    if (want.length !== 16) throw new CofferError('checksum.invalid_digest');
    if (!timingSafeEqual(want, got)) throw new CofferError('checksum.bad_digest', { message: 'The Content-MD5 you specified did not match what we received.' });
  }
  const req = checksumRequest(c);
  const expected = req.expected();
  if (req.algorithm && expected !== undefined) {
    const h = createHasher(req.algorithm);
    h.update(raw);
    const got = h.digest();
    const want = Buffer.from(expected, 'base64');
    if (want.length !== got.length || !timingSafeEqual(want, got)) throw new CofferError('checksum.bad_digest');
  }
}

export async function copyObject(c: S3Context): Promise<S3Response> {
  const source = parseCopySource(header(c, 'x-amz-copy-source')!);
  const directive = (header(c, 'x-amz-metadata-directive') ?? 'COPY').toUpperCase();
  const tagDirective = (header(c, 'x-amz-tagging-directive') ?? 'COPY').toUpperCase();
  if (!['COPY', 'REPLACE'].includes(directive) || !['COPY', 'REPLACE'].includes(tagDirective)) {
    throw new CofferError('objects.invalid_argument', { message: 'Unknown metadata or tagging directive.' });
  }
  const { record, source: src } = await c.objects.copyObject({
    source,
    sourceConditions: conditions(c, 'x-amz-copy-source-'),
    bucket: c.bucket,
    key: c.key,
    replaceMetadata: directive === 'REPLACE' ? objectAttributes(c, { tags: false }) : null,
    replaceTags: tagDirective === 'REPLACE' ? parseTaggingHeader(header(c, 'x-amz-tagging')) : null,
    expect: writeExpectation(c),
    owner: c.owner,
    sse: sseRequestOf(c),
    sourceCustomerKey: keyAccessOf(c, 'x-amz-copy-source-server-side-encryption-customer-').customerKey,
    caller: kmsCaller(c),
  });
  return {
    status: 200,
    headers: {
      'content-type': 'application/xml',
      ...versionHeader(record),
      ...(src.versionId !== 'null' ? { 'x-amz-copy-source-version-id': src.versionId } : {}),
      ...sseResponseHeaders(record.system, { context: true }),
    },
    body: xmlDocument('CopyObjectResult', {
      ETag: record.etag,
      LastModified: isoTime(record.lastModified),
      ...(record.checksum ? { [`Checksum${record.checksum.algorithm}`]: record.checksum.value, ChecksumType: record.checksum.type } : {}),
    }),
  };
}

export async function getObjectTagging(c: S3Context): Promise<S3Response> {
  const rec = await c.objects.getObjectTagging({ bucket: c.bucket, key: c.key, versionId: c.query.get('versionId') ?? undefined });
  const r = tagSetXml(rec.tags);
  return { ...r, headers: { ...r.headers, ...versionHeader(rec) } };
}

export async function putObjectTagging(c: S3Context): Promise<S3Response> {
  const tags = parseTagSet(await readControlBody(c));
  if (Object.hasOwn(tags, QUARANTINE_TAG)) return releaseQuarantine(c, tags);
  guardTags(c.guard, tags);
  const rec = await c.objects.putObjectTagging({ bucket: c.bucket, key: c.key, versionId: c.query.get('versionId') ?? undefined, tags });
  return { status: 200, headers: versionHeader(rec) };
}

/**
 * PutObjectTagging with coffer:quarantine=released (alone): an administrator releases a version
 * quarantined by discovery. Needs coffer:ReleaseQuarantinedObject (and, with the default mfa
 * setting, an MFA session); the other tags stay as they are.
 */
async function releaseQuarantine(c: S3Context, tags: Record<string, string>): Promise<S3Response> {
  if (Object.keys(tags).length !== 1 || tags[QUARANTINE_TAG] !== 'released') {
    throw new CofferError('objects.invalid_tag', {
      message: `The ${QUARANTINE_TAG} tag belongs to the system. To release a quarantined object version, send a tag set with only ${QUARANTINE_TAG}=released; the object's other tags are kept.`,
    });
  }
  if (!c.quarantine || !c.authorizeAction) throw new CofferError('auth.access_denied', { message: `Access Denied: releasing a quarantined object needs ${RELEASE_QUARANTINED_ACTION}.` });
  await c.authorizeAction(RELEASE_QUARANTINED_ACTION);
  const r = await c.quarantine.release(c.bucket, c.key, c.query.get('versionId') ?? undefined);
  if (r === null) throw new CofferError(c.query.get('versionId') ? 'objects.no_such_version' : 'objects.no_such_key');
  return { status: 200, headers: versionHeader(r.record) };
}

export async function deleteObjectTagging(c: S3Context): Promise<S3Response> {
  const rec = await c.objects.putObjectTagging({ bucket: c.bucket, key: c.key, versionId: c.query.get('versionId') ?? undefined, tags: {} });
  return { status: 204, headers: versionHeader(rec) };
}
