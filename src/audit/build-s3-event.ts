/**
 * Maps one S3 request to a CloudTrail event. requestParameters come from an allow-list of
 * query parameters and headers: anything not listed (Authorization, X-Amz-Signature,
 * X-Amz-Credential, X-Amz-Security-Token, SSE-C keys, ...) never reaches the event.
 */
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../shared/index.js';
import { EVENT_VERSION, policyDecisionOf, tlsDetailsOf, type AuditEvent, type EventResource, type UserIdentity } from './event.js';

/** S3 object-level operations: CloudTrail data events. Everything else is a management event. */
const DATA_EVENTS = new Set([
  'AbortMultipartUpload', 'CompleteMultipartUpload', 'CreateMultipartUpload', 'CopyObject', 'DeleteObject',
  'DeleteObjects', 'GetObject', 'GetObjectAcl', 'GetObjectAttributes', 'GetObjectTagging', 'GetObjectRetention',
  'GetObjectLegalHold', 'HeadObject', 'ListParts', 'PostObject', 'PutObject', 'PutObjectAcl', 'PutObjectTagging',
  'PutObjectRetention', 'PutObjectLegalHold', 'DeleteObjectTagging', 'RestoreObject', 'UploadPart', 'UploadPartCopy',
  'ListObjects', 'ListObjectsV2', 'ListObjectVersions', 'ListMultipartUploads', 'HeadBucket', 'SelectObjectContent',
]);

/** Query parameters that may be recorded (values are not secret). */
const QUERY_ALLOW = new Set([
  'versionId', 'uploadId', 'partNumber', 'prefix', 'delimiter', 'max-keys', 'marker', 'continuation-token',
  'start-after', 'list-type', 'encoding-type', 'fetch-owner', 'key-marker', 'version-id-marker', 'upload-id-marker',
  'max-uploads', 'max-parts', 'part-number-marker', 'response-content-type', 'response-content-disposition',
  // Subresources (value-less flags).
  'acl', 'tagging', 'versioning', 'versions', 'uploads', 'delete', 'policy', 'policyStatus', 'location', 'lifecycle',
  'cors', 'encryption', 'object-lock', 'retention', 'legal-hold', 'attributes', 'publicAccessBlock', 'ownershipControls',
  'notification', 'logging', 'website', 'replication', 'requestPayment', 'accelerate', 'restore', 'select', 'select-type',
]);

/** Request headers that may be recorded, as CloudTrail names them. */
const HEADER_ALLOW = new Set([
  'x-amz-acl', 'x-amz-storage-class', 'x-amz-server-side-encryption', 'x-amz-server-side-encryption-aws-kms-key-id',
  'x-amz-server-side-encryption-bucket-key-enabled', 'x-amz-server-side-encryption-customer-algorithm',
  'x-amz-server-side-encryption-customer-key-MD5', 'x-amz-copy-source', 'x-amz-copy-source-version-id',
  'x-amz-copy-source-server-side-encryption-customer-algorithm', 'x-amz-copy-source-server-side-encryption-customer-key-MD5',
  'x-amz-metadata-directive', 'x-amz-tagging-directive', 'x-amz-object-lock-mode', 'x-amz-object-lock-retain-until-date',
  'x-amz-object-lock-legal-hold', 'x-amz-bypass-governance-retention', 'x-amz-expected-bucket-owner', 'x-amz-checksum-algorithm',
  'x-amz-sdk-checksum-algorithm', 'x-amz-request-payer', 'x-amz-object-ownership', 'x-amz-bucket-object-lock-enabled',
  'content-type', 'content-length', 'content-md5', 'range', 'if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since',
]);
const HEADER_CASE = new Map([...HEADER_ALLOW].map((h) => [h.toLowerCase(), h]));

export interface S3RequestInfo {
  /** S3 operation, used as eventName (e.g. 'PutObject'). */
  operation: string;
  /** Authenticated principal; null or absent for anonymous or failed authentication. */
  principal?: UserIdentity | null;
  /** Access key id the request claimed (also recorded when authentication failed). */
  accessKeyId?: string;
  sourceIp: string;
  userAgent?: string;
  tls?: { version?: string; cipher?: string };
  host?: string;
  bucket?: string;
  key?: string;
  /** Raw query parameters; only allow-listed names are recorded. */
  query?: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Raw request headers; only allow-listed names are recorded. */
  headers?: Readonly<Record<string, string | readonly string[] | undefined>>;
  responseElements?: Record<string, unknown> | null;
  errorCode?: string;
  errorMessage?: string;
  requestId: string;
  /** Extended request id (x-amz-id-2). */
  hostId?: string;
  readOnly: boolean;
  /** Defaults to the bucket and object ARNs derived from bucket/key. */
  resources?: EventResource[];
  /** The policy decision: which statements allowed or denied. */
  decision?: { decision: string; matched: readonly { policyId: string; sid?: string | undefined; effect: string }[] };
  authenticationMethod?: 'AuthHeader' | 'QueryString' | 'PostPolicy';
  signatureVersion?: 'SigV4' | 'SigV2';
  bytesTransferredIn?: number;
  bytesTransferredOut?: number;
  eventId?: string;
}

export interface BuildEventContext {
  accountId: string;
  region: string;
  clock?: Clock;
}

const first = (v: string | readonly string[] | undefined): string | undefined => (typeof v === 'string' ? v : v?.[0]);

/** Builds the CloudTrail record of an S3 request (secrets are never copied; see redact.ts too). */
export function buildS3Event(info: S3RequestInfo, ctx: BuildEventContext): AuditEvent {
  const params: Record<string, unknown> = {};
  if (info.bucket !== undefined) params.bucketName = info.bucket;
  if (info.host !== undefined) params.Host = info.host;
  // DeleteObjects: like CloudTrail, never the key names of the deleted objects.
  if (info.key !== undefined && info.operation !== 'DeleteObjects') params.key = info.key;
  for (const [k, v] of Object.entries(info.query ?? {})) {
    if (QUERY_ALLOW.has(k) && v !== undefined) params[k] = first(v) ?? '';
  }
  for (const [k, v] of Object.entries(info.headers ?? {})) {
    const name = HEADER_CASE.get(k.toLowerCase());
    if (name !== undefined && v !== undefined) params[name] = first(v) ?? '';
  }
  const identity: UserIdentity = info.principal
    ? { ...info.principal, ...(info.accessKeyId !== undefined ? { accessKeyId: info.accessKeyId } : {}) }
    : { type: 'Unknown', ...(info.accessKeyId !== undefined ? { accessKeyId: info.accessKeyId } : {}) };
  const data = DATA_EVENTS.has(info.operation);
  const additional: Record<string, unknown> = {};
  if (info.signatureVersion) additional.SignatureVersion = info.signatureVersion;
  if (info.tls?.cipher) additional.CipherSuite = info.tls.cipher;
  if (info.authenticationMethod) additional.AuthenticationMethod = info.authenticationMethod;
  if (info.bytesTransferredIn !== undefined) additional.bytesTransferredIn = info.bytesTransferredIn;
  if (info.bytesTransferredOut !== undefined) additional.bytesTransferredOut = info.bytesTransferredOut;
  if (info.hostId !== undefined) additional['x-amz-id-2'] = info.hostId;
  if (info.decision) additional.policyDecision = policyDecisionOf(info.decision);
  const tlsDetails = tlsDetailsOf(info.tls, info.host);
  return {
    eventVersion: EVENT_VERSION,
    userIdentity: identity,
    eventTime: new Date((ctx.clock ?? systemClock).now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: 's3.amazonaws.com',
    eventName: info.operation,
    awsRegion: ctx.region,
    sourceIPAddress: info.sourceIp,
    ...(info.userAgent !== undefined ? { userAgent: info.userAgent.slice(0, 1024) } : {}),
    ...(info.errorCode !== undefined ? { errorCode: info.errorCode.slice(0, 1024) } : {}),
    ...(info.errorMessage !== undefined ? { errorMessage: info.errorMessage.slice(0, 1024) } : {}),
    requestParameters: Object.keys(params).length > 0 ? params : null,
    responseElements: info.responseElements ?? null,
    ...(Object.keys(additional).length > 0 ? { additionalEventData: additional } : {}),
    requestID: info.requestId,
    eventID: info.eventId ?? randomUUID(),
    readOnly: info.readOnly,
    resources: info.resources ?? defaultResources(info, ctx.accountId),
    eventType: 'AwsApiCall',
    managementEvent: !data,
    recipientAccountId: ctx.accountId,
    eventCategory: data ? 'Data' : 'Management',
    ...(tlsDetails ? { tlsDetails } : {}),
  };
}

function defaultResources(info: S3RequestInfo, accountId: string): EventResource[] {
  const out: EventResource[] = [];
  if (info.bucket !== undefined && info.key !== undefined && info.operation !== 'DeleteObjects') {
    out.push({ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${info.bucket}/${info.key}` });
  }
  if (info.bucket !== undefined) out.push({ accountId, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${info.bucket}` });
  return out;
}
