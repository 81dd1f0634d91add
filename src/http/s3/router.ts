/**
 * Request routing: works out bucket and key (path-style or virtual-hosted-style) and which S3
 * operation a request is, from its method, sub-resource query parameters and headers.
 */
import { CofferError } from '../../shared/index.js';
import type { S3OperationName } from './operations.js';

export interface Target {
  bucket: string | null;
  key: string | null;
  /** How the bucket was addressed. */
  style: 'path' | 'virtual';
}

/** Splits a raw (still encoded) path into bucket and key. */
export function resolveTarget(rawPath: string, host: string | undefined, baseDomain: string | null): Target {
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch (cause) {
    throw new CofferError('http.invalid_uri', { cause });
  }
  const hostname = (host ?? '').replace(/:\d+$/, '').toLowerCase();
  if (baseDomain && hostname.endsWith('.' + baseDomain)) {
    const bucket = hostname.slice(0, -(baseDomain.length + 1));
    const key = path.startsWith('/') ? path.slice(1) : path;
    return { bucket, key: key === '' ? null : key, style: 'virtual' };
  }
  const trimmed = path.startsWith('/') ? path.slice(1) : path;
  if (trimmed === '') return { bucket: null, key: null, style: 'path' };
  const slash = trimmed.indexOf('/');
  if (slash < 0) return { bucket: trimmed, key: null, style: 'path' };
  const key = trimmed.slice(slash + 1);
  return { bucket: trimmed.slice(0, slash), key: key === '' ? null : key, style: 'path' };
}

/**
 * Sub-resources S3 knows but Coffer does not implement: naming one answers 501 NotImplemented
 * rather than silently treating the request as a plain GET/PUT of the bucket or object.
 */
const UNIMPLEMENTED_SUBRESOURCES = [
  'accelerate', 'acl', 'analytics', 'attributes', 'cors', 'intelligent-tiering', 'inventory',
  'legal-hold', 'lifecycle', 'logging', 'metadataConfiguration', 'metadataTable', 'metrics', 'notification',
  'object-lock', 'ownershipControls', 'replication',
  'requestPayment', 'restore', 'retention', 'select', 'session', 'torrent', 'website', 'renameObject',
];

export function resolveOperation(method: string, query: URLSearchParams, headers: Record<string, string | string[] | undefined>, t: Target): S3OperationName {
  const has = (p: string) => query.has(p);
  for (const sub of UNIMPLEMENTED_SUBRESOURCES) if (has(sub)) return 'NotImplemented';
  // S3 Control's account-wide Block Public Access (path-style; the CLI also prefixes the host with the account id).
  if (t.bucket === 'v20180820' && t.key === 'configuration/publicAccessBlock' && headers['x-amz-account-id'] !== undefined) {
    if (method === 'PUT') return 'PutAccountPublicAccessBlock';
    if (method === 'GET') return 'GetAccountPublicAccessBlock';
    if (method === 'DELETE') return 'DeleteAccountPublicAccessBlock';
    return 'MethodNotAllowed';
  }
  if (t.bucket === null) {
    if (method === 'GET') return 'ListBuckets';
    return 'MethodNotAllowed';
  }
  if (t.key === null) {
    switch (method) {
      case 'GET':
      case 'HEAD':
        if (method === 'HEAD') return 'HeadBucket';
        if (has('location')) return 'GetBucketLocation';
        if (has('versioning')) return 'GetBucketVersioning';
        if (has('tagging')) return 'GetBucketTagging';
        if (has('policy')) return 'GetBucketPolicy';
        if (has('encryption')) return 'GetBucketEncryption';
        if (has('policyStatus')) return 'GetBucketPolicyStatus';
        if (has('publicAccessBlock')) return 'GetPublicAccessBlock';
        if (has('versions')) return 'ListObjectVersions';
        if (has('uploads')) return 'ListMultipartUploads';
        if (query.get('list-type') === '2') return 'ListObjectsV2';
        return 'ListObjects';
      case 'PUT':
        if (has('versioning')) return 'PutBucketVersioning';
        if (has('tagging')) return 'PutBucketTagging';
        if (has('policy')) return 'PutBucketPolicy';
        if (has('encryption')) return 'PutBucketEncryption';
        if (has('publicAccessBlock')) return 'PutPublicAccessBlock';
        if (has('policyStatus')) return 'MethodNotAllowed';
        return 'CreateBucket';
      case 'DELETE':
        if (has('tagging')) return 'DeleteBucketTagging';
        if (has('policy')) return 'DeleteBucketPolicy';
        if (has('encryption')) return 'DeleteBucketEncryption';
        if (has('publicAccessBlock')) return 'DeletePublicAccessBlock';
        if (has('policyStatus')) return 'MethodNotAllowed';
        return 'DeleteBucket';
      case 'POST':
        if (has('delete')) return 'DeleteObjects';
        return 'NotImplemented';
      default:
        return 'MethodNotAllowed';
    }
  }
  // Bucket-level sub-resources on an object path are not operations S3 has.
  if (has('policy') || has('policyStatus') || has('publicAccessBlock') || has('encryption')) return 'NotImplemented';
  const copySource = headers['x-amz-copy-source'] !== undefined;
  switch (method) {
    case 'GET':
      if (has('uploadId')) return 'ListParts';
      if (has('tagging')) return 'GetObjectTagging';
      return 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    case 'PUT':
      if (has('partNumber') && has('uploadId')) return copySource ? 'UploadPartCopy' : 'UploadPart';
      if (has('tagging')) return 'PutObjectTagging';
      return copySource ? 'CopyObject' : 'PutObject';
    case 'DELETE':
      if (has('uploadId')) return 'AbortMultipartUpload';
      if (has('tagging')) return 'DeleteObjectTagging';
      return 'DeleteObject';
    case 'POST':
      if (has('uploads')) return 'CreateMultipartUpload';
      if (has('uploadId')) return 'CompleteMultipartUpload';
      return 'NotImplemented';
    default:
      return 'MethodNotAllowed';
  }
}
