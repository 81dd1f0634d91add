/**
 * Builders for the condition keys of a request, so every caller fills them the same way
 * (IAM reference §3.6–3.8). Pure: the caller passes the time, addresses and headers.
 */
import type { ContextValue, PrincipalInfo } from './types.js';

export interface GlobalKeyInput {
  /** null for anonymous requests. */
  principal: PrincipalInfo | null;
  /** IAM user name (aws:username); only for IAM users and their GetSessionToken sessions. */
  userName?: string;
  /** aws:userid: AIDA… for users, AROA…:session for role sessions, the account id for root. */
  userId?: string;
  /** Tags of the user or role (and session tags): aws:PrincipalTag/<key>. */
  principalTags?: Readonly<Record<string, string>>;
  secureTransport: boolean;
  /** Client address (IPv4-mapped IPv6 is accepted). */
  sourceIp: string;
  /** Request time, ms since the epoch. */
  nowMs: number;
  userAgent?: string;
  region: string;
  /** For temporary credentials only: whether the session was created with MFA, and when. Absent for long-term keys. */
  mfa?: { present: boolean; authTimeMs?: number };
  /** Session creation time, for temporary credentials. */
  tokenIssueTimeMs?: number;
  /** Tags sent with the request (aws:RequestTag/<key>, aws:TagKeys). */
  requestTags?: Readonly<Record<string, string>>;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The aws:* keys for one request. */
export function globalConditionKeys(i: GlobalKeyInput): Record<string, ContextValue> {
  const k: Record<string, ContextValue> = {
    'aws:SecureTransport': i.secureTransport ? 'true' : 'false',
    'aws:SourceIp': i.sourceIp.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, ''),
    'aws:CurrentTime': iso(i.nowMs),
    'aws:EpochTime': String(Math.floor(i.nowMs / 1000)),
    'aws:RequestedRegion': i.region,
    'aws:PrincipalType': i.principal === null ? 'Anonymous' : i.principal.type,
    'aws:userid': i.principal === null ? 'anonymous' : i.userId,
  };
  if (i.userAgent !== undefined) k['aws:UserAgent'] = i.userAgent;
  if (i.principal !== null) {
    k['aws:PrincipalArn'] = i.principal.arn;
    k['aws:PrincipalAccount'] = i.principal.accountId;
    k['aws:ResourceAccount'] = i.principal.accountId;
    if (i.userName !== undefined && i.principal.type === 'User') k['aws:username'] = i.userName;
    for (const [tk, tv] of Object.entries(i.principalTags ?? {})) k[`aws:PrincipalTag/${tk}`] = tv;
  }
  if (i.mfa) {
    k['aws:MultiFactorAuthPresent'] = i.mfa.present ? 'true' : 'false';
    if (i.mfa.present && i.mfa.authTimeMs !== undefined) k['aws:MultiFactorAuthAge'] = String(Math.max(0, Math.floor((i.nowMs - i.mfa.authTimeMs) / 1000)));
  }
  if (i.tokenIssueTimeMs !== undefined) k['aws:TokenIssueTime'] = iso(i.tokenIssueTimeMs);
  if (i.requestTags) {
    for (const [tk, tv] of Object.entries(i.requestTags)) k[`aws:RequestTag/${tk}`] = tv;
    k['aws:TagKeys'] = Object.keys(i.requestTags);
  }
  return k;
}

export interface S3KeyInput {
  /** Query parameters of the request. */
  query: URLSearchParams;
  /** Request headers, lower-case names. */
  header: (name: string) => string | undefined;
  /** How the request was authenticated; null for anonymous requests. */
  authMethod: 'header' | 'presigned' | 'post-policy' | null;
  /** The IAM action being authorised: decides the list keys (s3:max-keys defaults to 1000). */
  action: string;
  /** TLS protocol version as negotiated ('TLSv1.3'), if TLS. */
  tlsProtocol?: string | null;
  /** Tags of the stored object version, for object reads and tagging operations. */
  existingObjectTags?: Readonly<Record<string, string>>;
  /** Tags in x-amz-tagging or the Tagging body. */
  requestObjectTags?: Readonly<Record<string, string>>;
}

/** The s3:* keys for one S3 request. */
export function s3ConditionKeys(i: S3KeyInput): Record<string, ContextValue> {
  const k: Record<string, ContextValue> = {};
  const a = i.action.toLowerCase();
  if (a === 's3:listbucket' || a === 's3:listbucketversions') {
    const prefix = i.query.get('prefix');
    if (prefix !== null) k['s3:prefix'] = prefix;
    const delimiter = i.query.get('delimiter');
    if (delimiter !== null) k['s3:delimiter'] = delimiter;
    k['s3:max-keys'] = i.query.get('max-keys') ?? '1000';
  }
  const versionId = i.query.get('versionId');
  if (versionId !== null) k['s3:VersionId'] = versionId;
  const headerKeys: [string, string][] = [
    ['x-amz-server-side-encryption', 's3:x-amz-server-side-encryption'],
    ['x-amz-server-side-encryption-aws-kms-key-id', 's3:x-amz-server-side-encryption-aws-kms-key-id'],
    ['x-amz-server-side-encryption-customer-algorithm', 's3:x-amz-server-side-encryption-customer-algorithm'],
    ['x-amz-copy-source', 's3:x-amz-copy-source'],
    ['x-amz-metadata-directive', 's3:x-amz-metadata-directive'],
    ['x-amz-storage-class', 's3:x-amz-storage-class'],
    ['x-amz-acl', 's3:x-amz-acl'],
  ];
  for (const [h, key] of headerKeys) {
    const v = i.header(h);
    if (v !== undefined) k[key] = key === 's3:x-amz-copy-source' ? safeDecode(v.replace(/^\//, '')) : v;
  }
  if (i.authMethod !== null) {
    k['s3:signatureversion'] = 'AWS4-HMAC-SHA256';
    k['s3:authType'] = i.authMethod === 'header' ? 'REST-HEADER' : i.authMethod === 'presigned' ? 'REST-QUERY-STRING' : 'POST';
    if (i.authMethod === 'header') {
      const sha = i.header('x-amz-content-sha256');
      if (sha !== undefined) k['s3:x-amz-content-sha256'] = sha;
    }
  }
  const tls = /^TLSv(\d(?:\.\d)?)$/.exec(i.tlsProtocol ?? '');
  if (tls) k['s3:TlsVersion'] = (tls[1] as string).includes('.') ? (tls[1] as string) : `${tls[1]}.0`;
  for (const [tk, tv] of Object.entries(i.existingObjectTags ?? {})) k[`s3:ExistingObjectTag/${tk}`] = tv;
  if (i.requestObjectTags) {
    for (const [tk, tv] of Object.entries(i.requestObjectTags)) k[`s3:RequestObjectTag/${tk}`] = tv;
    k['s3:RequestObjectTagKeys'] = Object.keys(i.requestObjectTags);
  }
  return k;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
