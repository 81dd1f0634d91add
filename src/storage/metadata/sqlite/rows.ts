/**
 * Mapping between SQLite rows and the port's records, and the byte-order key helpers.
 */
import type {
  BucketRecord,
  MultipartUploadRecord,
  ObjectVersionRecord,
  PartRecord,
  PublicAccessBlock,
  BucketEncryption,
  VersioningState,
  ChecksumAlgorithm,
  ChecksumType,
} from '../port.js';

export interface BucketRow {
  name: string;
  region: string;
  created_at: number;
  versioning: string;
  owner: string;
  tags: string | null;
  policy: string | null;
  public_access_block: string | null;
  encryption: string | null;
}

export interface VersionRow {
  seq: number;
  bucket: string;
  key: Buffer;
  version_id: string;
  is_latest: number;
  is_delete_marker: number;
  size: number;
  etag: string;
  last_modified: number;
  content_type: string | null;
  system: string;
  user_metadata: string;
  tags: string;
  checksum: string | null;
  parts_count: number | null;
  segments: string;
  owner: string;
}

export interface UploadRow {
  seq: number;
  upload_id: string;
  bucket: string;
  key: Buffer;
  initiated: number;
  content_type: string | null;
  system: string;
  user_metadata: string;
  tags: string;
  checksum_algorithm: string | null;
  checksum_type: string | null;
  owner: string;
}

export interface PartRow {
  upload_id: string;
  part_number: number;
  last_modified: number;
  segment: string;
}

/** A key as stored: its UTF-8 bytes, so BLOB comparison is S3's binary order. */
export function keyBytes(key: string): Buffer {
  return Buffer.from(key, 'utf8');
}

/**
 * Smallest byte string greater than every string starting with `prefix`, or null when there is
 * none (empty prefix). UTF-8 never contains 0xFF, so bumping the last byte cannot overflow.
 */
export function prefixEnd(prefix: Buffer): Buffer | null {
  if (prefix.length === 0) return null;
  const end = Buffer.from(prefix);
  end[end.length - 1] = end[end.length - 1]! + 1;
  return end;
}

export function bucketFromRow(r: BucketRow): BucketRecord {
  return {
    name: r.name,
    region: r.region,
    createdAt: r.created_at,
    versioning: r.versioning as VersioningState,
    owner: r.owner,
    tags: r.tags === null ? null : (JSON.parse(r.tags) as Record<string, string>),
    ...(r.policy !== null ? { policy: r.policy } : {}),
    ...(r.public_access_block !== null ? { publicAccessBlock: JSON.parse(r.public_access_block) as PublicAccessBlock } : {}),
    ...(r.encryption !== null ? { encryption: JSON.parse(r.encryption) as BucketEncryption } : {}),
  };
}

export function versionFromRow(r: VersionRow): ObjectVersionRecord {
  return {
    bucket: r.bucket,
    key: r.key.toString('utf8'),
    versionId: r.version_id,
    seq: r.seq,
    isDeleteMarker: r.is_delete_marker === 1,
    size: r.size,
    etag: r.etag,
    lastModified: r.last_modified,
    contentType: r.content_type,
    system: JSON.parse(r.system),
    userMetadata: JSON.parse(r.user_metadata),
    tags: JSON.parse(r.tags),
    checksum: r.checksum === null ? null : JSON.parse(r.checksum),
    partsCount: r.parts_count,
    segments: JSON.parse(r.segments),
    owner: r.owner,
  };
}

/** Named parameters for inserting a version (seq is assigned by SQLite). */
export function versionParams(v: ObjectVersionRecord): Record<string, unknown> {
  return {
    bucket: v.bucket,
    key: keyBytes(v.key),
    version_id: v.versionId,
    is_delete_marker: v.isDeleteMarker ? 1 : 0,
    size: v.size,
    etag: v.etag,
    last_modified: v.lastModified,
    content_type: v.contentType,
    system: JSON.stringify(v.system),
    user_metadata: JSON.stringify(v.userMetadata),
    tags: JSON.stringify(v.tags),
    checksum: v.checksum === null ? null : JSON.stringify(v.checksum),
    parts_count: v.partsCount,
    segments: JSON.stringify(v.segments),
    owner: v.owner,
  };
}

export function uploadFromRow(r: UploadRow): MultipartUploadRecord {
  return {
    uploadId: r.upload_id,
    bucket: r.bucket,
    key: r.key.toString('utf8'),
    initiated: r.initiated,
    contentType: r.content_type,
    system: JSON.parse(r.system),
    userMetadata: JSON.parse(r.user_metadata),
    tags: JSON.parse(r.tags),
    checksumAlgorithm: r.checksum_algorithm as ChecksumAlgorithm | null,
    checksumType: r.checksum_type as ChecksumType | null,
    owner: r.owner,
  };
}

export function uploadParams(u: MultipartUploadRecord): Record<string, unknown> {
  return {
    upload_id: u.uploadId,
    bucket: u.bucket,
    key: keyBytes(u.key),
    initiated: u.initiated,
    content_type: u.contentType,
    system: JSON.stringify(u.system),
    user_metadata: JSON.stringify(u.userMetadata),
    tags: JSON.stringify(u.tags),
    checksum_algorithm: u.checksumAlgorithm,
    checksum_type: u.checksumType,
    owner: u.owner,
  };
}

export function partFromRow(r: PartRow): PartRecord {
  return {
    uploadId: r.upload_id,
    partNumber: r.part_number,
    lastModified: r.last_modified,
    segment: JSON.parse(r.segment),
  };
}
