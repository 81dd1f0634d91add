/**
 * The S3 operation table: every operation declared once with its IAM action, the resource it
 * acts on and its handler. The router picks a row; authorisation reads the row before any
 * handler runs. Operations Coffer does not implement resolve to `NotImplemented` (501).
 */
import { CofferError } from '../../shared/index.js';
import type { S3Handler } from './context.js';
import * as b from './handlers/buckets.js';
import * as o from './handlers/objects.js';
import * as l from './handlers/list.js';
import * as m from './handlers/multipart.js';
import * as p from './handlers/bucket-policy.js';
import * as enc from './handlers/bucket-encryption.js';
import * as a from './handlers/account-public-access-block.js';

export type ResourceKind = 'service' | 'bucket' | 'object';

export interface S3Operation {
  /** IAM action evaluated for this operation (s3:...). */
  action: string;
  resource: ResourceKind;
  /** True when the operation only reads (CloudTrail readOnly). */
  readOnly: boolean;
  /** True when the request body is object data (streamed), false for bounded control bodies. */
  streamingBody: boolean;
  handler: S3Handler;
}

const notImplemented: S3Handler = async () => {
  throw new CofferError('http.not_implemented');
};
const methodNotAllowed: S3Handler = async () => {
  throw new CofferError('http.method_not_allowed');
};

const op = (action: string, resource: ResourceKind, readOnly: boolean, handler: S3Handler, streamingBody = false): S3Operation => ({
  action,
  resource,
  readOnly,
  streamingBody,
  handler,
});

export const S3_OPERATIONS = {
  ListBuckets: op('s3:ListAllMyBuckets', 'service', true, b.listBuckets),
  CreateBucket: op('s3:CreateBucket', 'bucket', false, b.createBucket),
  HeadBucket: op('s3:ListBucket', 'bucket', true, b.headBucket),
  DeleteBucket: op('s3:DeleteBucket', 'bucket', false, b.deleteBucket),
  GetBucketLocation: op('s3:GetBucketLocation', 'bucket', true, b.getBucketLocation),
  GetBucketVersioning: op('s3:GetBucketVersioning', 'bucket', true, b.getBucketVersioning),
  PutBucketVersioning: op('s3:PutBucketVersioning', 'bucket', false, b.putBucketVersioning),
  GetBucketTagging: op('s3:GetBucketTagging', 'bucket', true, b.getBucketTagging),
  PutBucketTagging: op('s3:PutBucketTagging', 'bucket', false, b.putBucketTagging),
  DeleteBucketTagging: op('s3:PutBucketTagging', 'bucket', false, b.deleteBucketTagging),
  PutBucketPolicy: op('s3:PutBucketPolicy', 'bucket', false, p.putBucketPolicy),
  GetBucketPolicy: op('s3:GetBucketPolicy', 'bucket', true, p.getBucketPolicy),
  DeleteBucketPolicy: op('s3:DeleteBucketPolicy', 'bucket', false, p.deleteBucketPolicy),
  GetBucketPolicyStatus: op('s3:GetBucketPolicyStatus', 'bucket', true, p.getBucketPolicyStatus),
  PutPublicAccessBlock: op('s3:PutBucketPublicAccessBlock', 'bucket', false, p.putPublicAccessBlock),
  GetPublicAccessBlock: op('s3:GetBucketPublicAccessBlock', 'bucket', true, p.getPublicAccessBlock),
  DeletePublicAccessBlock: op('s3:PutBucketPublicAccessBlock', 'bucket', false, p.deletePublicAccessBlock),
  // S3 Control (account-wide): PUT|GET|DELETE /v20180820/configuration/publicAccessBlock.
  PutAccountPublicAccessBlock: op('s3:PutAccountPublicAccessBlock', 'service', false, a.putAccountPublicAccessBlock),
  GetAccountPublicAccessBlock: op('s3:GetAccountPublicAccessBlock', 'service', true, a.getAccountPublicAccessBlock),
  DeleteAccountPublicAccessBlock: op('s3:PutAccountPublicAccessBlock', 'service', false, a.deleteAccountPublicAccessBlock),
  PutBucketEncryption: op('s3:PutEncryptionConfiguration', 'bucket', false, enc.putBucketEncryption),
  GetBucketEncryption: op('s3:GetEncryptionConfiguration', 'bucket', true, enc.getBucketEncryption),
  DeleteBucketEncryption: op('s3:PutEncryptionConfiguration', 'bucket', false, enc.deleteBucketEncryption),
  ListObjects: op('s3:ListBucket', 'bucket', true, l.listObjects),
  ListObjectsV2: op('s3:ListBucket', 'bucket', true, l.listObjectsV2),
  ListObjectVersions: op('s3:ListBucketVersions', 'bucket', true, l.listObjectVersions),
  ListMultipartUploads: op('s3:ListBucketMultipartUploads', 'bucket', true, m.listMultipartUploads),
  DeleteObjects: op('s3:DeleteObject', 'bucket', false, o.deleteObjects),
  PutObject: op('s3:PutObject', 'object', false, o.putObject, true),
  GetObject: op('s3:GetObject', 'object', true, o.getObject),
  HeadObject: op('s3:GetObject', 'object', true, o.headObject),
  DeleteObject: op('s3:DeleteObject', 'object', false, o.deleteObject),
  CopyObject: op('s3:PutObject', 'object', false, o.copyObject),
  GetObjectTagging: op('s3:GetObjectTagging', 'object', true, o.getObjectTagging),
  PutObjectTagging: op('s3:PutObjectTagging', 'object', false, o.putObjectTagging),
  DeleteObjectTagging: op('s3:DeleteObjectTagging', 'object', false, o.deleteObjectTagging),
  CreateMultipartUpload: op('s3:PutObject', 'object', false, m.createMultipartUpload),
  UploadPart: op('s3:PutObject', 'object', false, m.uploadPart, true),
  UploadPartCopy: op('s3:PutObject', 'object', false, m.uploadPartCopy),
  CompleteMultipartUpload: op('s3:PutObject', 'object', false, m.completeMultipartUpload),
  AbortMultipartUpload: op('s3:AbortMultipartUpload', 'object', false, m.abortMultipartUpload),
  ListParts: op('s3:ListMultipartUploadParts', 'object', true, m.listParts),
  NotImplemented: op('s3:Unknown', 'service', false, notImplemented),
  MethodNotAllowed: op('s3:Unknown', 'service', false, methodNotAllowed),
} as const satisfies Record<string, S3Operation>;

export type S3OperationName = keyof typeof S3_OPERATIONS;
