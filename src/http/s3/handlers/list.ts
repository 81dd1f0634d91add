/** ListObjects (v1), ListObjectsV2 and ListObjectVersions. */
import { CofferError } from '../../../shared/index.js';
import type { ObjectVersionRecord } from '../../../storage/metadata/port.js';
import type { S3Context, S3Response } from '../context.js';
import { isoTime, xmlDocument } from '../xml.js';

function maxKeys(c: S3Context, name = 'max-keys'): number {
  const v = c.query.get(name);
  if (v === null) return 1000;
  if (!/^\d+$/.test(v)) throw new CofferError('http.invalid_argument', { message: `Provided ${name} not an integer or within integer range` });
  return Math.min(Number(v), 1000);
}

function encodingType(c: S3Context): 'url' | null {
  const v = c.query.get('encoding-type');
  if (v === null) return null;
  if (v !== 'url') throw new CofferError('http.unsupported_encoding');
  return 'url';
}

/** S3's encoding-type=url: every character but the unreserved ones and '/' percent-encoded. */
function enc(value: string, mode: 'url' | null): string {
  if (mode === null) return value;
  return encodeURIComponent(value).replace(/%2F/g, '/').replace(/[!'()*]/g, (ch) => '%' + ch.charCodeAt(0).toString(16).toUpperCase());
}

function owner(id: string) {
  return { ID: id, DisplayName: id };
}

function contents(rec: ObjectVersionRecord, mode: 'url' | null, withOwner: boolean) {
  return {
    Key: enc(rec.key, mode),
    LastModified: isoTime(rec.lastModified),
    ETag: rec.etag,
    ...(rec.checksum ? { ChecksumAlgorithm: rec.checksum.algorithm, ChecksumType: rec.checksum.type } : {}),
    Size: rec.size,
    StorageClass: 'STANDARD',
    ...(withOwner ? { Owner: owner(rec.owner) } : {}),
  };
}

/** The parameters every listing shares. */
function listParams(c: S3Context) {
  return {
    mode: encodingType(c),
    prefix: c.query.get('prefix') ?? '',
    delimiter: c.query.get('delimiter') || undefined,
    limit: maxKeys(c),
  };
}

/** CommonPrefixes of a page, encoded as asked. */
function commonPrefixes(entries: ReadonlyArray<{ kind: string; prefix?: string }>, mode: 'url' | null) {
  return entries.flatMap((e) => (e.kind === 'prefix' && e.prefix !== undefined ? [{ Prefix: enc(e.prefix, mode) }] : []));
}

const tokenOf = (marker: string) => Buffer.from(marker, 'utf8').toString('base64url');
function markerFromToken(token: string): string {
  if (!/^[A-Za-z0-9_-]*$/.test(token)) throw new CofferError('http.invalid_argument', { message: 'The continuation token provided is incorrect' });
  return Buffer.from(token, 'base64url').toString('utf8');
}

export async function listObjectsV2(c: S3Context): Promise<S3Response> {
  const { mode, prefix, delimiter, limit } = listParams(c);
  const token = c.query.get('continuation-token');
  const startAfter = c.query.get('start-after') ?? undefined;
  const after = token !== null ? markerFromToken(token) : startAfter;
  const page = await c.objects.listObjects({ bucket: c.bucket, prefix, delimiter, after, maxKeys: limit });
  const fetchOwner = c.query.get('fetch-owner') === 'true';
  return {
    status: 200,
    headers: { 'content-type': 'application/xml' },
    body: xmlDocument('ListBucketResult', {
      Name: c.bucket,
      Prefix: enc(prefix, mode),
      ...(delimiter !== undefined ? { Delimiter: enc(delimiter, mode) } : {}),
      MaxKeys: limit,
      ...(mode ? { EncodingType: mode } : {}),
      KeyCount: page.entries.length,
      IsTruncated: page.isTruncated,
      ...(token !== null ? { ContinuationToken: token } : {}),
      ...(page.isTruncated && page.lastMarker !== null ? { NextContinuationToken: tokenOf(page.lastMarker) } : {}),
      ...(startAfter !== undefined ? { StartAfter: enc(startAfter, mode) } : {}),
      Contents: page.entries.flatMap((e) => (e.kind === 'object' ? [contents(e.record, mode, fetchOwner)] : [])),
      CommonPrefixes: commonPrefixes(page.entries, mode),
    }),
  };
}

export async function listObjects(c: S3Context): Promise<S3Response> {
  const { mode, prefix, delimiter, limit } = listParams(c);
  const marker = c.query.get('marker') ?? '';
  const page = await c.objects.listObjects({ bucket: c.bucket, prefix, delimiter, after: marker || undefined, maxKeys: limit });
  return {
    status: 200,
    headers: { 'content-type': 'application/xml' },
    body: xmlDocument('ListBucketResult', {
      Name: c.bucket,
      Prefix: enc(prefix, mode),
      Marker: enc(marker, mode),
      ...(page.isTruncated && delimiter !== undefined && page.lastMarker !== null ? { NextMarker: enc(page.lastMarker, mode) } : {}),
      MaxKeys: limit,
      ...(delimiter !== undefined ? { Delimiter: enc(delimiter, mode) } : {}),
      ...(mode ? { EncodingType: mode } : {}),
      IsTruncated: page.isTruncated,
      Contents: page.entries.flatMap((e) => (e.kind === 'object' ? [contents(e.record, mode, true)] : [])),
      CommonPrefixes: commonPrefixes(page.entries, mode),
    }),
  };
}

export async function listObjectVersions(c: S3Context): Promise<S3Response> {
  const { mode, prefix, delimiter, limit } = listParams(c);
  const keyMarker = c.query.get('key-marker') ?? '';
  const versionIdMarker = c.query.get('version-id-marker') ?? '';
  const page = await c.objects.listObjectVersions({
    bucket: c.bucket,
    prefix,
    delimiter,
    keyMarker: keyMarker || undefined,
    versionIdMarker: versionIdMarker || undefined,
    maxKeys: limit,
  });
  const versions: unknown[] = [];
  const markers: unknown[] = [];
  for (const e of page.entries) {
    if (e.kind !== 'version') continue;
    const r = e.record;
    const common = { Key: enc(r.key, mode), VersionId: r.versionId, IsLatest: e.isLatest, LastModified: isoTime(r.lastModified), Owner: owner(r.owner) };
    if (r.isDeleteMarker) markers.push(common);
    else versions.push({ ...common, ETag: r.etag, ...(r.checksum ? { ChecksumAlgorithm: r.checksum.algorithm, ChecksumType: r.checksum.type } : {}), Size: r.size, StorageClass: 'STANDARD' });
  }
  return {
    status: 200,
    headers: { 'content-type': 'application/xml' },
    body: xmlDocument('ListVersionsResult', {
      Name: c.bucket,
      Prefix: enc(prefix, mode),
      KeyMarker: enc(keyMarker, mode),
      VersionIdMarker: versionIdMarker,
      ...(page.isTruncated && page.nextKeyMarker !== null ? { NextKeyMarker: enc(page.nextKeyMarker, mode) } : {}),
      ...(page.isTruncated && page.nextVersionIdMarker !== null ? { NextVersionIdMarker: page.nextVersionIdMarker } : {}),
      MaxKeys: limit,
      ...(delimiter !== undefined ? { Delimiter: enc(delimiter, mode) } : {}),
      ...(mode ? { EncodingType: mode } : {}),
      IsTruncated: page.isTruncated,
      Version: versions,
      DeleteMarker: markers,
      CommonPrefixes: commonPrefixes(page.entries, mode),
    }),
  };
}
