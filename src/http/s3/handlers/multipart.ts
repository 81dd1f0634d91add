/** Multipart upload handlers. */
import { CofferError } from '../../../shared/index.js';
import type { ChecksumAlgorithm } from '../../../storage/metadata/port.js';
import { type CompletePart, parseCopySource } from '../../../objects/index.js';
import { type S3Context, type S3Response, header, readControlBody } from '../context.js';
import { bodyInput, conditions, objectAttributes, parseAlgorithm, parseChecksumType, writeExpectation } from '../request-attributes.js';
import { isoTime, parseXmlBody, xmlDocument } from '../xml.js';
import { customerKeyOf, keyAccessOf, kmsCaller, sseRequestOf, sseResponseHeaders } from '../sse.js';

const xml = (root: string, body: Record<string, unknown>, headers: Record<string, string> = {}): S3Response => ({
  status: 200,
  headers: { 'content-type': 'application/xml', ...headers },
  body: xmlDocument(root, body),
});

function partNumber(c: S3Context): number {
  const v = c.query.get('partNumber') ?? '';
  if (!/^\d{1,5}$/.test(v) || Number(v) < 1 || Number(v) > 10_000) throw new CofferError('objects.invalid_part_number');
  return Number(v);
}

export async function createMultipartUpload(c: S3Context): Promise<S3Response> {
  const alg = parseAlgorithm(header(c, 'x-amz-checksum-algorithm'), 'x-amz-checksum-algorithm');
  const type = parseChecksumType(header(c, 'x-amz-checksum-type'));
  const upload = await c.objects.createMultipartUpload({
    bucket: c.bucket,
    key: c.key,
    ...objectAttributes(c),
    owner: c.owner,
    checksumAlgorithm: alg,
    checksumType: type,
    sse: sseRequestOf(c),
    caller: kmsCaller(c),
  });
  return xml(
    'InitiateMultipartUploadResult',
    { Bucket: c.bucket, Key: c.key, UploadId: upload.uploadId },
    {
      ...sseResponseHeaders(upload.system, { context: true }),
      ...(upload.checksumAlgorithm ? { 'x-amz-checksum-algorithm': upload.checksumAlgorithm, 'x-amz-checksum-type': upload.checksumType ?? 'COMPOSITE' } : {}),
    },
  );
}

export async function uploadPart(c: S3Context): Promise<S3Response> {
  const part = await c.objects.uploadPart({
    bucket: c.bucket,
    key: c.key,
    uploadId: c.query.get('uploadId')!,
    partNumber: partNumber(c),
    body: bodyInput(c),
    customerKey: customerKeyOf(c),
    caller: kmsCaller(c),
  });
  const cs = part.segment.checksum;
  return {
    status: 200,
    headers: {
      etag: part.segment.etag,
      ...sseResponseHeaders(part.uploadSystem),
      ...(cs ? { [`x-amz-checksum-${cs.algorithm.toLowerCase()}`]: cs.value } : {}),
    },
  };
}

export async function uploadPartCopy(c: S3Context): Promise<S3Response> {
  const { part, source } = await c.objects.uploadPartCopy({
    source: parseCopySource(header(c, 'x-amz-copy-source')!),
    sourceConditions: conditions(c, 'x-amz-copy-source-'),
    range: header(c, 'x-amz-copy-source-range'),
    bucket: c.bucket,
    key: c.key,
    uploadId: c.query.get('uploadId')!,
    partNumber: partNumber(c),
    customerKey: customerKeyOf(c),
    sourceCustomerKey: keyAccessOf(c, 'x-amz-copy-source-server-side-encryption-customer-').customerKey,
    caller: kmsCaller(c),
  });
  return xml(
    'CopyPartResult',
    { ETag: part.segment.etag, LastModified: isoTime(part.lastModified) },
    { ...sseResponseHeaders(part.uploadSystem), ...(source.versionId !== 'null' ? { 'x-amz-copy-source-version-id': source.versionId } : {}) },
  );
}

const CHECKSUM_FIELDS: Record<string, ChecksumAlgorithm> = {
  ChecksumCRC32: 'CRC32',
  ChecksumCRC32C: 'CRC32C',
  ChecksumCRC64NVME: 'CRC64NVME',
  ChecksumSHA1: 'SHA1',
  ChecksumSHA256: 'SHA256',
};

function parseCompleteParts(body: Buffer): CompletePart[] {
  const doc = parseXmlBody(body, 'CompleteMultipartUpload');
  const parts = doc['Part'] ?? [];
  if (!Array.isArray(parts)) throw new CofferError('http.malformed_xml');
  return (parts as Array<Record<string, unknown>>).map((p) => {
    const n = p['PartNumber'];
    const etag = p['ETag'];
    if (typeof n !== 'string' || !/^\d+$/.test(n) || typeof etag !== 'string') throw new CofferError('http.malformed_xml');
    let checksum: CompletePart['checksum'];
    for (const [field, algorithm] of Object.entries(CHECKSUM_FIELDS)) {
      const v = p[field];
      if (typeof v === 'string') checksum = { algorithm, value: v };
    }
    return { partNumber: Number(n), etag, checksum };
  });
}

export async function completeMultipartUpload(c: S3Context): Promise<S3Response> {
  const parts = parseCompleteParts(await readControlBody(c, { bulk: true }));
  let expectedChecksum: { algorithm: ChecksumAlgorithm; value: string } | undefined;
  for (const [field, algorithm] of Object.entries(CHECKSUM_FIELDS)) {
    const v = header(c, `x-amz-${field.replace('Checksum', 'checksum-').toLowerCase()}`);
    if (v !== undefined) expectedChecksum = { algorithm, value: v };
  }
  const type = parseChecksumType(header(c, 'x-amz-checksum-type'));
  const rec = await c.objects.completeMultipartUpload({
    bucket: c.bucket,
    key: c.key,
    uploadId: c.query.get('uploadId')!,
    parts,
    expect: writeExpectation(c),
    expectedChecksum,
    expectedType: type ?? undefined,
    owner: c.owner,
  });
  return xml(
    'CompleteMultipartUploadResult',
    {
      Location: `/${c.bucket}/${encodeURIComponent(c.key).replace(/%2F/g, '/')}`,
      Bucket: c.bucket,
      Key: c.key,
      ETag: rec.etag,
      ...(rec.checksum ? { [`Checksum${rec.checksum.algorithm}`]: rec.checksum.value, ChecksumType: rec.checksum.type } : {}),
    },
    { ...sseResponseHeaders(rec.system), ...(rec.versionId !== 'null' ? { 'x-amz-version-id': rec.versionId } : {}) },
  );
}

export async function abortMultipartUpload(c: S3Context): Promise<S3Response> {
  await c.objects.abortMultipartUpload({ bucket: c.bucket, key: c.key, uploadId: c.query.get('uploadId')! });
  return { status: 204 };
}

function intParam(c: S3Context, name: string, def: number, max: number): number {
  const v = c.query.get(name);
  if (v === null || v === '') return def;
  if (!/^\d+$/.test(v)) throw new CofferError('http.invalid_argument', { message: `Provided ${name} not an integer or within integer range` });
  return Math.min(Number(v), max);
}

export async function listParts(c: S3Context): Promise<S3Response> {
  const marker = intParam(c, 'part-number-marker', 0, 10_000);
  const maxParts = intParam(c, 'max-parts', 1000, 1000);
  const r = await c.objects.listParts({ bucket: c.bucket, key: c.key, uploadId: c.query.get('uploadId')!, marker: marker || undefined, maxParts });
  const last = r.parts[r.parts.length - 1];
  return xml('ListPartsResult', {
    Bucket: c.bucket,
    Key: c.key,
    UploadId: r.upload.uploadId,
    Initiator: { ID: r.upload.owner, DisplayName: r.upload.owner },
    Owner: { ID: r.upload.owner, DisplayName: r.upload.owner },
    StorageClass: 'STANDARD',
    PartNumberMarker: marker,
    ...(last ? { NextPartNumberMarker: last.partNumber } : {}),
    MaxParts: maxParts,
    IsTruncated: r.isTruncated,
    ...(r.upload.checksumAlgorithm ? { ChecksumAlgorithm: r.upload.checksumAlgorithm, ChecksumType: r.upload.checksumType } : {}),
    Part: r.parts.map((p) => ({
      PartNumber: p.partNumber,
      LastModified: isoTime(p.lastModified),
      ETag: p.segment.etag,
      Size: p.segment.size,
      ...(p.segment.checksum ? { [`Checksum${p.segment.checksum.algorithm}`]: p.segment.checksum.value } : {}),
    })),
  });
}

export async function listMultipartUploads(c: S3Context): Promise<S3Response> {
  const maxUploads = intParam(c, 'max-uploads', 1000, 1000);
  const prefix = c.query.get('prefix') ?? '';
  const keyMarker = c.query.get('key-marker') ?? '';
  const uploadIdMarker = c.query.get('upload-id-marker') ?? '';
  const r = await c.objects.listMultipartUploads({ bucket: c.bucket, prefix, keyMarker: keyMarker || undefined, uploadIdMarker: uploadIdMarker || undefined, maxUploads });
  const last = r.uploads[r.uploads.length - 1];
  return xml('ListMultipartUploadsResult', {
    Bucket: c.bucket,
    KeyMarker: keyMarker,
    UploadIdMarker: uploadIdMarker,
    ...(r.isTruncated && last ? { NextKeyMarker: last.key, NextUploadIdMarker: last.uploadId } : {}),
    Prefix: prefix,
    MaxUploads: maxUploads,
    IsTruncated: r.isTruncated,
    Upload: r.uploads.map((u) => ({
      Key: u.key,
      UploadId: u.uploadId,
      Initiator: { ID: u.owner, DisplayName: u.owner },
      Owner: { ID: u.owner, DisplayName: u.owner },
      StorageClass: 'STANDARD',
      Initiated: isoTime(u.initiated),
      ...(u.checksumAlgorithm ? { ChecksumAlgorithm: u.checksumAlgorithm, ChecksumType: u.checksumType } : {}),
    })),
  });
}
