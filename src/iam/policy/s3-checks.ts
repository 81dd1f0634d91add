/**
 * S3 request -> the IAM checks it needs (IAM reference §3.9): the operation's action on the
 * bucket or object ARN, switched to the …Version action when the request names a versionId,
 * plus s3:GetObject[Version] on the copy source for CopyObject/UploadPartCopy, s3:PutObjectTagging
 * when an upload carries x-amz-tagging, and s3:BypassGovernanceRetention when asked for.
 * Every check must be allowed. DeleteObjects is authorised per key as s3:DeleteObject[Version].
 */

export interface S3CheckInput {
  /** The operation table's action, e.g. 's3:GetObject'. */
  action: string;
  resource: 'service' | 'bucket' | 'object';
  bucket: string | null;
  key: string | null;
  /** The versionId query parameter, if any. */
  versionId?: string | null;
  /** Decoded x-amz-copy-source: 'bucket/key' with an optional '?versionId=…'. */
  copySource?: string | null;
  /** x-amz-tagging present on an upload (PutObject, CopyObject, CreateMultipartUpload). */
  tagging?: boolean;
  /** x-amz-bypass-governance-retention: true. */
  bypassGovernance?: boolean;
}

export interface S3Check {
  action: string;
  /** 'arn:aws:s3:::*' for ListBuckets, 'arn:aws:s3:::bucket', or 'arn:aws:s3:::bucket/key'. */
  resource: string;
  /** The version the check reads when it is not the request's own (the copy source's ?versionId=). */
  versionId?: string;
}

const VERSIONED: Readonly<Record<string, string>> = {
  's3:GetObject': 's3:GetObjectVersion',
  's3:DeleteObject': 's3:DeleteObjectVersion',
  's3:GetObjectTagging': 's3:GetObjectVersionTagging',
  's3:PutObjectTagging': 's3:PutObjectVersionTagging',
  's3:DeleteObjectTagging': 's3:DeleteObjectVersionTagging',
  's3:GetObjectAcl': 's3:GetObjectVersionAcl',
  's3:PutObjectAcl': 's3:PutObjectVersionAcl',
  's3:GetObjectAttributes': 's3:GetObjectVersionAttributes',
};

/** The S3 ARN of a bucket, an object, or (both null) every bucket. */
export function s3Arn(bucket: string | null, key?: string | null): string {
  if (bucket === null) return 'arn:aws:s3:::*';
  return key === null || key === undefined ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`;
}

export function s3Checks(input: S3CheckInput): S3Check[] {
  const resource = input.resource === 'service' ? s3Arn(null) : input.resource === 'bucket' ? s3Arn(input.bucket) : s3Arn(input.bucket, input.key);
  const versioned = input.resource === 'object' && input.versionId != null;
  const checks: S3Check[] = [{ action: versioned ? (VERSIONED[input.action] ?? input.action) : input.action, resource }];
  if (input.copySource) {
    const q = input.copySource.indexOf('?versionId=');
    const path = (q < 0 ? input.copySource : input.copySource.slice(0, q)).replace(/^\//, '');
    const versionId = q < 0 ? undefined : input.copySource.slice(q + '?versionId='.length).split('&')[0]!;
    checks.push({ action: q < 0 ? 's3:GetObject' : 's3:GetObjectVersion', resource: `arn:aws:s3:::${path}`, ...(versionId !== undefined ? { versionId } : {}) });
  }
  if (input.tagging && input.action === 's3:PutObject') checks.push({ action: 's3:PutObjectTagging', resource });
  if (input.bypassGovernance) checks.push({ action: 's3:BypassGovernanceRetention', resource });
  return checks;
}
