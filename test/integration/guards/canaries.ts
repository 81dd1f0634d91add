/**
 * Canary secrets and personal data, and the request paths that inject them. The canary test
 * (canary.test.ts) drives every path against one real server, then searches the server's
 * stdout/stderr, the decrypted audit trail and every error response for every canary.
 *
 * To cover a new API (STS, KMS, ...): append a CanaryPath with its service name; inject every
 * canary where the API takes input, and register values the server hands out (new secrets,
 * signatures) with ctx.secret() so they are searched for too.
 */
import { createHash, createHmac } from 'node:crypto';
import type { Coffer } from '../harness.js';
import type { RawRequest, RawResponse } from './support.js';

export interface Canary {
  name: string;
  value: string;
  /**
   * Flagged by the high-precision detectors: may be injected where a value is recorded as is
   * (names, user agent, list prefixes), because the guards hide what they flag there.
   */
  flagged: boolean;
  /** Usable in an S3 bucket name (lower-case letters, digits, hyphens). */
  bucketSafe?: boolean;
}

const PEM = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun', 'VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK', '-----END RSA PRIVATE KEY-----'].join('\n');

/** Every canary. Values are distinctive, so a hit is never a coincidence. */
export const CANARIES: readonly Canary[] = [
  { name: 'payment card', value: '4111 1111 1111 1111', flagged: true },
  { name: 'payment card, digits only', value: '5500005555555559', flagged: true },
  { name: 'IBAN', value: 'DE89370400440532013000', flagged: true },
  { name: 'US SSN', value: '536-22-1234', flagged: true, bucketSafe: true },
  { name: 'French NIR', value: '185057800608491', flagged: true, bucketSafe: true },
  { name: 'AWS secret access key', value: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq4vZ3ktQB', flagged: false },
  { name: 'GitHub token', value: 'ghp_Cx9Qm2Lr7Tz4Vb1Nk8Hs3Jd6Fg0Pw5Ya2Ue7', flagged: true },
  { name: 'private key body', value: 'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun', flagged: false },
  { name: 'password', value: 'Canary-Pa55word!7qZ', flagged: false },
  { name: 'session token', value: 'FwoGZXIvYXdzECanaryTokenQ9x8W7v6U5t4S3r2Q1p0OnMlKjIhGfEdCbA9z8Y7x6W5v4U3t2S1r0QpOnMlKjIhGfEdCbA', flagged: false },
  { name: 'cookie', value: 'canary-session-7f3e9a1c2b4d6e8f', flagged: false },
];

/** The PEM block the private-key canary comes from (multi-line: bodies only). */
export const CANARY_PEM = PEM;

/** What a path gets to work with. */
export interface CanaryContext {
  coffer: Coffer;
  canaries: readonly Canary[];
  /** A raw request; responses with status >= 400 are kept for the error-response check. */
  request(r: RawRequest): Promise<RawResponse>;
  /** An IAM query action (admin credentials unless given). */
  iam(action: string, params: Record<string, string>, credentials?: RawRequest['credentials']): Promise<RawResponse>;
  /** A value the server must never record or log (a signature, a secret it handed out). */
  secret(value: string): void;
  /** The bucket every S3 path may use (created before the paths run). */
  bucket: string;
  /** A presigned GET URL (path and query) for `path`, signed with the admin credentials. */
  presign(path: string): Promise<string>;
}

export interface CanaryPath {
  /** Service the path exercises: s3, iam, sts, kms, ... */
  service: string;
  /** What is injected where, for the closing report. */
  name: string;
  run(ctx: CanaryContext): Promise<void>;
}

const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');
const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const headerSafe = (c: Canary) => !/[\r\n]/.test(c.value);

/** A SigV4 header whose signature is computed with a wrong (canary) secret: SignatureDoesNotMatch. */
function badSignatureAuthorization(accessKeyId: string, secret: string, amzDate: string, signedPayload: string): { authorization: string; signature: string } {
  const date = amzDate.slice(0, 8);
  const scope = `${date}/us-east-1/s3/aws4_request`;
  const signature = createHmac('sha256', secret).update(`${scope}\n${signedPayload}`).digest('hex');
  return { authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${scope}, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=${signature}`, signature };
}

export const CANARY_PATHS: readonly CanaryPath[] = [
  {
    service: 's3',
    name: 'request headers: custom x-canary-* headers, Cookie, User-Agent (flagged values)',
    async run(ctx) {
      const headers: Record<string, string> = {};
      ctx.canaries.filter(headerSafe).forEach((c, i) => (headers[`x-canary-${i}`] = c.value));
      headers.cookie = ctx.canaries.filter(headerSafe).map((c, i) => `c${i}=${encodeURIComponent(c.value)}`).join('; ');
      await ctx.request({ method: 'GET', path: `/${ctx.bucket}/no-such-object`, headers });
      for (const c of ctx.canaries.filter((x) => x.flagged && headerSafe(x))) await ctx.request({ method: 'GET', path: `/${ctx.bucket}`, query: { 'list-type': '2' }, headers: { 'user-agent': `canary-agent/${c.value}` } });
    },
  },
  {
    service: 's3',
    name: 'query strings: token/password/secret parameters, unknown parameters, list prefixes and markers (flagged values)',
    async run(ctx) {
      for (const c of ctx.canaries) {
        await ctx.request({ method: 'GET', path: `/${ctx.bucket}`, query: { 'list-type': '2', token: c.value, password: c.value, 'x-canary': c.value } });
        if (c.flagged) {
          await ctx.request({ method: 'GET', path: `/${ctx.bucket}`, query: { 'list-type': '2', prefix: c.value, 'start-after': c.value } });
          await ctx.request({ method: 'GET', path: `/${ctx.bucket}`, query: { 'list-type': '2', 'max-keys': c.value } });
        }
      }
    },
  },
  {
    service: 's3',
    name: 'object metadata: x-amz-meta-* values and names',
    async run(ctx) {
      for (const [i, c] of ctx.canaries.filter(headerSafe).entries()) {
        await ctx.request({ method: 'PUT', path: `/${ctx.bucket}/meta-${i}.txt`, headers: { 'x-amz-meta-note': c.value }, body: 'x' });
        await ctx.request({ method: 'PUT', path: `/${ctx.bucket}/multi-${i}.txt`, query: { uploads: '' }, headers: { 'x-amz-meta-note': c.value } });
      }
      await ctx.request({ method: 'PUT', path: `/${ctx.bucket}/meta-name.txt`, headers: { [`x-amz-meta-${ctx.canaries.find((c) => c.name === 'payment card, digits only')!.value}`]: 'x' }, body: 'x' });
    },
  },
  {
    service: 's3',
    name: 'tags: PutObjectTagging, PutBucketTagging and x-amz-tagging (keys and values), malformed tagging XML',
    async run(ctx) {
      await ctx.request({ method: 'PUT', path: `/${ctx.bucket}/tagged.txt`, body: 'x' });
      for (const c of ctx.canaries.filter(headerSafe)) {
        const xml = `<Tagging><TagSet><Tag><Key>aws_secret_access_key</Key><Value>${xmlEscape(c.value)}</Value></Tag></TagSet></Tagging>`;
        await ctx.request({ method: 'PUT', path: `/${ctx.bucket}/tagged.txt`, query: { tagging: '' }, body: xml });
        await ctx.request({ method: 'PUT', path: `/${ctx.bucket}`, query: { tagging: '' }, body: xml });
        await ctx.request({ method: 'PUT', path: `/${ctx.bucket}/tag-header.txt`, headers: { 'x-amz-tagging': `note=${encodeURIComponent(c.value)}` }, body: 'x' });
        await ctx.request({ method: 'PUT', path: `/${ctx.bucket}/tagged.txt`, query: { tagging: '' }, body: `<Tagging><TagSet><Tag><Key>${xmlEscape(c.value)}</Key>` });
      }
    },
  },
  {
    service: 's3',
    name: 'names: object key names (PUT, GET, HEAD, DELETE, CopyObject source and target) and bucket names',
    async run(ctx) {
      for (const c of ctx.canaries.filter((x) => x.flagged)) {
        const key = `/${ctx.bucket}/people/${encodeURIComponent(c.value)}.txt`;
        await ctx.request({ method: 'PUT', path: key, body: 'x' });
        await ctx.request({ method: 'GET', path: key });
        await ctx.request({ method: 'HEAD', path: key });
        await ctx.request({ method: 'DELETE', path: key });
        await ctx.request({ method: 'PUT', path: `/${ctx.bucket}/copy.txt`, headers: { 'x-amz-copy-source': `${ctx.bucket}/people/${encodeURIComponent(c.value)}.txt` } });
        if (c.bucketSafe) {
          await ctx.request({ method: 'PUT', path: `/${c.value}-payroll` });
          await ctx.request({ method: 'GET', path: `/${c.value}-payroll`, query: { 'list-type': '2' } });
        }
      }
    },
  },
  {
    service: 's3',
    name: 'bodies: object data, malformed XML control bodies (DeleteObjects, CompleteMultipartUpload, versioning)',
    async run(ctx) {
      const all = ctx.canaries.map((c) => c.value).join('\n') + '\n' + CANARY_PEM;
      await ctx.request({ method: 'PUT', path: `/${ctx.bucket}/body.txt`, body: all });
      await ctx.request({ method: 'POST', path: `/${ctx.bucket}`, query: { delete: '' }, headers: { 'content-md5': '' }, body: `<Delete><Object><Key>${xmlEscape(all)}` });
      await ctx.request({ method: 'POST', path: `/${ctx.bucket}/mp.txt`, query: { uploadId: ctx.canaries[0]!.value }, body: `<CompleteMultipartUpload>${xmlEscape(all)}</CompleteMultipartUpload>` });
      await ctx.request({ method: 'PUT', path: `/${ctx.bucket}`, query: { versioning: '' }, body: `<VersioningConfiguration><Status>${xmlEscape(all)}</Status></VersioningConfiguration>` });
    },
  },
  {
    service: 's3',
    name: 'bad signatures: signed with a wrong (canary) secret key, malformed Authorization headers carrying canaries',
    async run(ctx) {
      for (const c of ctx.canaries.filter(headerSafe)) {
        const r = await ctx.request({ method: 'GET', path: `/${ctx.bucket}`, credentials: { accessKeyId: ctx.coffer.accessKeyId, secretAccessKey: c.value } });
        const sig = /Signature=([0-9a-f]{64})/.exec(String(r.requestHeaders?.authorization ?? ''))?.[1];
        if (sig) ctx.secret(sig);
        await ctx.request({ method: 'GET', path: `/${ctx.bucket}`, unsigned: true, headers: { authorization: `Bearer ${c.value}` } });
        const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
        const bad = badSignatureAuthorization(ctx.coffer.accessKeyId, c.value, amzDate, sha256Hex(c.value));
        ctx.secret(bad.signature);
        await ctx.request({ method: 'GET', path: `/${ctx.bucket}`, unsigned: true, headers: { authorization: bad.authorization, 'x-amz-date': amzDate, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'x-amz-security-token': c.value } });
      }
    },
  },
  {
    service: 's3',
    name: 'presigned URLs: valid (signature registered), wrong signature, X-Amz-Security-Token and X-Amz-Credential carrying canaries',
    async run(ctx) {
      const ok = await ctx.presign(`/${ctx.bucket}/body.txt`);
      ctx.secret(new URL(ok, 'https://x').searchParams.get('X-Amz-Signature')!);
      await ctx.request({ method: 'GET', path: ok, unsigned: true });
      for (const c of ctx.canaries) {
        const u = new URL(ok, 'https://x');
        u.searchParams.set('X-Amz-Security-Token', c.value);
        await ctx.request({ method: 'GET', path: u.pathname + u.search, unsigned: true });
        u.searchParams.set('X-Amz-Signature', sha256Hex(c.value));
        ctx.secret(sha256Hex(c.value));
        await ctx.request({ method: 'GET', path: u.pathname + u.search, unsigned: true });
        u.searchParams.set('X-Amz-Credential', `${c.value}/20260101/us-east-1/s3/aws4_request`);
        await ctx.request({ method: 'GET', path: u.pathname + u.search, unsigned: true });
      }
    },
  },
  {
    service: 's3',
    name: 'SSE-C key headers (customer key and copy-source customer key)',
    async run(ctx) {
      for (const c of ctx.canaries.filter(headerSafe)) {
        const key = Buffer.alloc(32, c.value).toString('base64');
        ctx.secret(key);
        const md5 = createHash('md5').update(Buffer.from(key, 'base64')).digest('base64');
        await ctx.request({ method: 'PUT', path: `/${ctx.bucket}/ssec.txt`, headers: { 'x-amz-server-side-encryption-customer-algorithm': 'AES256', 'x-amz-server-side-encryption-customer-key': key, 'x-amz-server-side-encryption-customer-key-md5': md5 }, body: 'x' });
        await ctx.request({ method: 'GET', path: `/${ctx.bucket}/ssec.txt`, headers: { 'x-amz-server-side-encryption-customer-algorithm': 'AES256', 'x-amz-server-side-encryption-customer-key': c.value, 'x-amz-server-side-encryption-customer-key-md5': md5 } });
      }
    },
  },
  {
    service: 'iam',
    name: 'IAM names, paths, descriptions and tags (CreateUser, CreateGroup, CreateRole, TagUser), lookups by such names (GetUser)',
    async run(ctx) {
      await ctx.iam('CreateUser', { UserName: 'canary-user' });
      for (const c of ctx.canaries.filter((x) => x.flagged)) {
        // Names allow [\w+=,.@-]: the value joined to a word by a hyphen ("user-4111…"). A value
        // glued to letters ("u4111…") is not read as a number by the detectors (documented).
        const userName = `user-${c.value.replace(/ /g, '')}`.replace(/[^\w+=,.@-]/g, '');
        await ctx.iam('CreateUser', { UserName: userName });
        await ctx.iam('CreateUser', { UserName: 'canary-user-2', Path: `/${c.value.replace(/ /g, '').replace(/[^\x21-\x7e]/g, '')}/` });
        await ctx.iam('CreateGroup', { GroupName: `group-${c.value.replace(/ /g, '')}`.replace(/[^\w+=,.@-]/g, '') });
        await ctx.iam('CreateRole', { RoleName: 'canary-role', Description: `owner ${c.value}`, AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) });
        await ctx.iam('TagUser', { UserName: 'canary-user', 'Tags.member.1.Key': 'note', 'Tags.member.1.Value': c.value });
        await ctx.iam('GetUser', { UserName: userName });
      }
    },
  },
  {
    service: 'iam',
    name: 'IAM secrets: passwords (accepted and refused by the password policy), new access keys, MFA seeds and wrong MFA codes, bad signatures',
    async run(ctx) {
      await ctx.iam('CreateUser', { UserName: 'canary-login' });
      const password = ctx.canaries.find((c) => c.name === 'password')!.value;
      await ctx.iam('CreateLoginProfile', { UserName: 'canary-login', Password: password });
      await ctx.iam('UpdateAccountPasswordPolicy', { MinimumPasswordLength: '40' });
      await ctx.iam('UpdateLoginProfile', { UserName: 'canary-login', Password: `${password}-refused` });
      ctx.secret(`${password}-refused`);
      await ctx.iam('CreateLoginProfile', { UserName: 'canary-user', Password: `${password}-short` });
      ctx.secret(`${password}-short`);
      const key = await ctx.iam('CreateAccessKey', { UserName: 'canary-login' });
      const secret = /<SecretAccessKey>([^<]+)</.exec(key.body)?.[1];
      if (secret) ctx.secret(secret);
      const mfa = await ctx.iam('CreateVirtualMFADevice', { VirtualMFADeviceName: 'canary-mfa' });
      for (const el of ['Base32StringSeed', 'QRCodePNG']) {
        const v = new RegExp(`<${el}>([^<]+)<`).exec(mfa.body)?.[1];
        if (v) ctx.secret(v);
      }
      const serial = /<SerialNumber>([^<]+)</.exec(mfa.body)?.[1] ?? 'arn:aws:iam::000000000000:mfa/canary-mfa';
      await ctx.iam('EnableMFADevice', { UserName: 'canary-login', SerialNumber: serial, AuthenticationCode1: '918273', AuthenticationCode2: '564738' });
      for (const c of ctx.canaries.filter(headerSafe)) await ctx.iam('ListUsers', {}, { accessKeyId: ctx.coffer.accessKeyId, secretAccessKey: c.value });
    },
  },
  {
    service: 'sts',
    name: 'STS: GetSessionToken with a wrong MFA code, AssumeRole with flagged session names, issued session credentials and tokens',
    async run(ctx) {
      const sts = (params: Record<string, string>, credentials?: RawRequest['credentials']) =>
        ctx.request({ method: 'POST', path: '/', service: 'sts', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: new URLSearchParams({ Version: '2011-06-15', ...params }).toString(), ...(credentials ? { credentials } : {}) });
      await sts({ Action: 'GetSessionToken', SerialNumber: `arn:aws:iam::000000000000:mfa/canary-mfa`, TokenCode: CANARY_CODES[0]! });
      const session = await sts({ Action: 'GetSessionToken' });
      for (const el of ['SecretAccessKey', 'SessionToken']) {
        const v = new RegExp(`<${el}>([^<]+)<`).exec(session.body)?.[1];
        if (v) ctx.secret(v);
      }
      const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] });
      await ctx.iam('CreateRole', { RoleName: 'canary-assume', AssumeRolePolicyDocument: trust });
      for (const c of ctx.canaries.filter((x) => x.flagged)) {
        await sts({ Action: 'AssumeRole', RoleArn: `arn:aws:iam::000000000000:role/canary-assume`, RoleSessionName: `s-${c.value.replace(/ /g, '')}`.replace(/[^\w+=,.@-]/g, '').slice(0, 64) });
        await sts({ Action: 'GetCallerIdentity' }, { accessKeyId: ctx.coffer.accessKeyId, secretAccessKey: c.value });
      }
    },
  },
  {
    service: 'kms',
    name: 'KMS: key descriptions and tags with flagged data, aliases, Encrypt plaintexts and encryption contexts, Decrypt of garbage, bad signatures',
    async run(ctx) {
      const kms = (op: string, input: unknown, credentials?: RawRequest['credentials']) =>
        ctx.request({ method: 'POST', path: '/', service: 'kms', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `TrentService.${op}` }, body: JSON.stringify(input), ...(credentials ? { credentials } : {}) });
      const created = await kms('CreateKey', { Description: 'canary key' });
      const keyId = (JSON.parse(created.body || '{}') as { KeyMetadata?: { KeyId?: string } }).KeyMetadata?.KeyId ?? 'no-key';
      for (const c of ctx.canaries) {
        if (c.flagged) {
          await kms('CreateKey', { Description: `owner ${c.value}`, Tags: [{ TagKey: 'note', TagValue: c.value }] });
          await kms('CreateAlias', { AliasName: `alias/a-${c.value.replace(/[^A-Za-z0-9/_-]/g, '')}`, TargetKeyId: keyId });
        }
        const enc = await kms('Encrypt', { KeyId: keyId, Plaintext: Buffer.from(c.value).toString('base64'), EncryptionContext: c.flagged ? { owner: c.value } : { purpose: 'canary' } });
        const blob = (JSON.parse(enc.body || '{}') as { CiphertextBlob?: string }).CiphertextBlob;
        if (blob) {
          const dec = await kms('Decrypt', { CiphertextBlob: blob, EncryptionContext: c.flagged ? { owner: c.value } : { purpose: 'canary' } });
          const plain = (JSON.parse(dec.body || '{}') as { Plaintext?: string }).Plaintext;
          if (plain) ctx.secret(plain);
          ctx.secret(Buffer.from(c.value).toString('base64'));
        }
        await kms('Decrypt', { CiphertextBlob: Buffer.from(`garbage ${c.value}`).toString('base64') });
        await kms('ListKeys', {}, { accessKeyId: ctx.coffer.accessKeyId, secretAccessKey: c.value });
      }
    },
  },
];

/** MFA codes the IAM path sends: searched as whole numbers only (6 digits occur by chance in hex ids). */
export const CANARY_CODES: readonly string[] = ['918273', '564738'];
