/**
 * Builds a Macie-shaped sensitive-data finding from one object's scan result. Only types, counts
 * and locations go in: the engine's masked values and keyed hashes are dropped, as Macie stores
 * no matched value in a finding.
 */
import { randomBytes } from 'node:crypto';
import type { Detection, Occurrences, ObjectFindings } from '../discovery/index.js';
import type { ObjectResult } from '../discovery/cli/index.js';
import type { SkippedPart } from '../discovery/index.js';

/** The object version a finding is about. */
export interface FindingObject {
  bucket: string;
  key: string;
  versionId: string;
  etag: string;
  size: number;
  lastModified: number;
  tags: Record<string, string>;
  bucketCreatedAt?: number | undefined;
  bucketOwner?: string | undefined;
}

export interface FindingOrigin {
  originType: 'AUTOMATED_SENSITIVE_DATA_DISCOVERY' | 'SENSITIVE_DATA_DISCOVERY_JOB';
  jobId?: string | undefined;
  jobArn?: string | undefined;
}

/** A stored finding: the row fields plus the Macie JSON document. */
export interface FindingRecord {
  id: string;
  bucket: string;
  key: string;
  versionId: string;
  type: string;
  severity: 'Low' | 'Medium' | 'High';
  severityScore: number;
  originType: FindingOrigin['originType'];
  jobId: string | null;
  createdAt: number;
  /** The Macie `Finding` document. */
  body: Record<string, unknown>;
}

const SENSITIVE_CATEGORY: Record<string, string> = {
  Personal: 'PERSONAL_INFORMATION',
  Financial: 'FINANCIAL_INFORMATION',
  Credentials: 'CREDENTIALS',
  CustomIdentifier: 'CUSTOM_IDENTIFIER',
};

const MIME: Record<string, string> = {
  text: 'text/plain', csv: 'text/csv', tsv: 'text/tab-separated-values', json: 'application/json', jsonl: 'application/x-ndjson',
  gzip: 'application/gzip', zip: 'application/zip', tar: 'application/x-tar', pdf: 'application/pdf', eml: 'message/rfc822',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  parquet: 'application/parquet', avro: 'application/avro',
};

/** Macie's ClassificationResultStatus reason for our skip reasons. */
const SKIP_REASON: Record<SkippedPart['reason'], string> = {
  UNSUPPORTED_FILE_TYPE: 'UNSUPPORTED_FILE_TYPE_EXCEPTION',
  ENCRYPTED_FILE: 'INVALID_ENCRYPTION',
  CORRUPT_FILE: 'MALFORMED_FILE',
  SIZE_LIMIT_EXCEEDED: 'FILE_EXCEEDS_SIZE_LIMIT',
  ARCHIVE_DEPTH_EXCEEDED: 'ARCHIVE_NESTING_LEVEL_OVER_LIMIT',
  ARCHIVE_BOMB: 'OOXML_UNCOMPRESSED_RATIO_EXCEEDS_LIMIT',
  TOO_MANY_ENTRIES: 'ARCHIVE_TOTAL_DOCUMENTS_PROCESSED_OVER_LIMIT',
  INVALID_ENCODING: 'UNABLE_TO_PARSE_FILE',
  TIMEOUT: 'TIME_CUT_OFF_REACHED',
};

/** Macie's status reason for a scan result (first skipped part), or undefined. */
export function statusReason(r: Pick<ObjectResult, 'status' | 'skipped'>): string | undefined {
  if (r.status === 'ERROR') return 'UNABLE_TO_PARSE_FILE';
  const first = r.skipped[0];
  return first ? SKIP_REASON[first.reason] : undefined;
}

/** Occurrences with locations only (no masked value, hash or confidence). */
export function locationsOnly(o: Occurrences): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (o.lineRanges) out.lineRanges = o.lineRanges.map((r) => ({ start: r.start, end: r.end, startColumn: r.startColumn }));
  if (o.offsetRanges) out.offsetRanges = o.offsetRanges.map((r) => ({ start: r.start, end: r.end, ...(r.startColumn !== undefined ? { startColumn: r.startColumn } : {}) }));
  if (o.pages) {
    out.pages = o.pages.map((p) => ({
      pageNumber: p.pageNumber,
      ...(p.lineRange ? { lineRange: { start: p.lineRange.start, end: p.lineRange.end, startColumn: p.lineRange.startColumn } } : {}),
      ...(p.offsetRange ? { offsetRange: { start: p.offsetRange.start, end: p.offsetRange.end } } : {}),
    }));
  }
  if (o.cells) out.cells = o.cells.map((c) => ({ row: c.row, column: c.column, columnName: c.columnName, cellReference: c.cellReference }));
  if (o.records) out.records = o.records.map((r) => ({ recordIndex: r.recordIndex, jsonPath: r.jsonPath }));
  return out;
}

const extensionOf = (key: string): string => {
  const base = key.slice(key.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1) : '';
};

const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([key, value]) => ({ key, value }));

/** Finding id: 32 lower-case hex digits, as Macie's. */
export function newFindingId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * The finding for one scanned object, or null when nothing was found.
 * `customArns` maps custom identifier names (the detector ids) to their ARNs.
 */
export function buildFinding(
  result: Pick<ObjectResult, 'status' | 'skipped' | 'format' | 'bytesScanned' | 'findings'>,
  object: FindingObject,
  ctx: { accountId: string; region: string; now: number; origin: FindingOrigin; customArns: ReadonlyMap<string, string> },
): FindingRecord | null {
  const f: ObjectFindings = result.findings;
  if (f.detections.length === 0 || f.type === null || f.severity === null) return null;
  const managed = f.detections.filter((d) => d.category !== 'CustomIdentifier');
  const custom = f.detections.filter((d) => d.category === 'CustomIdentifier');
  const byCategory = new Map<string, Detection[]>();
  for (const d of managed) byCategory.set(d.category, [...(byCategory.get(d.category) ?? []), d]);
  const sensitiveData = [...byCategory].map(([category, ds]) => ({
    category: SENSITIVE_CATEGORY[category] ?? category,
    detections: ds.map((d) => ({ type: d.type, count: d.count, occurrences: locationsOnly(d.occurrences) })),
    totalCount: ds.reduce((n, d) => n + d.count, 0),
  }));
  const id = newFindingId();
  const created = new Date(ctx.now).toISOString();
  const bucketArn = `arn:aws:s3:::${object.bucket}`;
  const reason = statusReason(result);
  const severity = f.severity;
  const body: Record<string, unknown> = {
    accountId: ctx.accountId,
    archived: false,
    category: 'CLASSIFICATION',
    classificationDetails: {
      ...(ctx.origin.jobArn ? { jobArn: ctx.origin.jobArn } : {}),
      ...(ctx.origin.jobId ? { jobId: ctx.origin.jobId } : {}),
      originType: ctx.origin.originType,
      result: {
        additionalOccurrences: f.additionalOccurrences,
        customDataIdentifiers: {
          detections: custom.map((d) => ({ arn: ctx.customArns.get(d.type) ?? '', name: d.type, count: d.count, occurrences: locationsOnly(d.occurrences) })),
          totalCount: custom.reduce((n, d) => n + d.count, 0),
        },
        mimeType: MIME[result.format ?? ''] ?? 'application/octet-stream',
        sensitiveData,
        sizeClassified: result.bytesScanned,
        status: { code: result.status === 'ERROR' ? 'PARTIAL' : result.status, ...(reason ? { reason } : {}) },
      },
    },
    count: 1,
    createdAt: created,
    description: `The object contains ${f.detections.map((d) => d.type).join(', ')}.`.slice(0, 512),
    id,
    partition: 'aws',
    region: ctx.region,
    resourcesAffected: {
      s3Bucket: {
        arn: bucketArn,
        name: object.bucket,
        ...(object.bucketCreatedAt !== undefined ? { createdAt: new Date(object.bucketCreatedAt).toISOString() } : {}),
        ...(object.bucketOwner !== undefined ? { owner: { id: object.bucketOwner } } : {}),
        defaultServerSideEncryption: { encryptionType: 'AES256' },
        allowsUnencryptedObjectUploads: 'FALSE',
      },
      s3Object: {
        bucketArn,
        eTag: object.etag.replace(/"/g, ''),
        extension: extensionOf(object.key),
        key: object.key,
        lastModified: new Date(object.lastModified).toISOString(),
        path: `${object.bucket}/${object.key}`,
        publicAccess: false,
        serverSideEncryption: { encryptionType: 'AES256' },
        size: object.size,
        storageClass: 'STANDARD',
        tags: tagList(object.tags),
        versionId: object.versionId,
      },
    },
    sample: false,
    schemaVersion: '1.0',
    severity: { description: severity.description, score: severity.score },
    title: `The S3 object contains ${f.category === 'Multiple' ? 'multiple types of sensitive information' : `${(SENSITIVE_CATEGORY[f.category ?? ''] ?? 'sensitive').toLowerCase().replace(/_/g, ' ')}`}.`,
    type: f.type,
    updatedAt: created,
  };
  return {
    id,
    bucket: object.bucket,
    key: object.key,
    versionId: object.versionId,
    type: f.type,
    severity: severity.description,
    severityScore: severity.score,
    originType: ctx.origin.originType,
    jobId: ctx.origin.jobId ?? null,
    createdAt: ctx.now,
    body,
  };
}
