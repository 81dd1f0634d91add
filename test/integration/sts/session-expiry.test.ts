/**
 * Session tokens on every request, with the server's clock moved forward: an in-process server
 * (startCoffer's `clock`) and SDK clients whose systemClockOffset follows it, so SigV4 skew
 * stays small while a 900-second session expires. Also: the token in a presigned URL, and
 * revoking older sessions with an aws:TokenIssueTime deny (AWS's "revoke active sessions").
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { CreateBucketCommand, GetObjectCommand, ListBucketsCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { GetCallerIdentityCommand, GetSessionTokenCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { DeleteUserPolicyCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { loadConfig } from '../../../src/config/index.js';
import { startCoffer, type RunningCoffer } from '../../../src/app/start.js';
import { spawnSync } from 'node:child_process';
import { cleanEnv, cofferArgs, initDataDir, ROOT, type Credentials } from '../harness.js';

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

describe('session tokens, expiry and revocation', () => {
  let root: string;
  let dataDir: string;
  let creds: Credentials;
  let server: RunningCoffer;
  let ca: string;
  let offset = 0;
  const clock = { now: () => Date.now() + offset };
  const handler = () => new NodeHttpHandler({ httpsAgent: new https.Agent({ ca }) });
  const endpoint = () => `https://localhost:${server.port}`;
  const s3 = (c: Creds) => new S3Client({ endpoint: endpoint(), region: 'us-east-1', forcePathStyle: true, credentials: c, requestHandler: handler(), systemClockOffset: offset });
  const sts = (c: Creds) => new STSClient({ endpoint: endpoint(), region: 'us-east-1', credentials: c, requestHandler: handler(), systemClockOffset: offset });
  const fetchUrl = (url: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      https.get(url, { ca }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      }).on('error', reject);
    });
  const session = async (durationSeconds?: number): Promise<Creds> => {
    const c = (await sts(creds).send(new GetSessionTokenCommand(durationSeconds ? { DurationSeconds: durationSeconds } : {}))).Credentials!;
    return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
  };

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'coffer-sts-expiry-'));
    dataDir = join(root, 'data');
    creds = await initDataDir(dataDir);
    ca = await readFile(creds.caCertFile, 'utf8');
    const config = loadConfig({ env: {}, overrides: { dataDir, listen: '127.0.0.1:0', mfa: 'optional' }, cwd: root });
    server = await startCoffer(config, { clock, logger: pino({ level: 'silent' }) });
    await s3(creds).send(new CreateBucketCommand({ Bucket: 'expiry-test' }));
    await s3(creds).send(new PutObjectCommand({ Bucket: 'expiry-test', Key: 'k', Body: 'v' }));
  });
  after(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  it('rejects a session token once the session has expired, on S3 and STS, in headers and presigned URLs', async () => {
    const c = await session(900);
    assert.ok((await s3(c).send(new ListBucketsCommand({}))).Buckets?.length);
    const url = await getSignedUrl(s3(c), new GetObjectCommand({ Bucket: 'expiry-test', Key: 'k' }), { expiresIn: 3600 });
    assert.match(url, /X-Amz-Security-Token=/);
    assert.deepEqual(await fetchUrl(url), { status: 200, body: 'v' });
    // The token is checked: without it, or with another one, the key is refused.
    const noToken = await s3({ accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey }).send(new ListBucketsCommand({})).catch((e: unknown) => e);
    assert.ok(noToken instanceof S3ServiceException && noToken.name === 'InvalidToken', String(noToken));
    const badUrl = url.replace(/X-Amz-Security-Token=[^&]+/, `X-Amz-Security-Token=${encodeURIComponent((await session()).sessionToken!)}`);
    const bad = await fetchUrl(badUrl);
    assert.equal(bad.status, 400, bad.body);
    assert.match(bad.body, /InvalidToken/);

    offset = 901_000;
    const expired = await s3(c).send(new ListBucketsCommand({})).catch((e: unknown) => e);
    assert.ok(expired instanceof S3ServiceException && expired.name === 'ExpiredToken', String(expired));
    const expiredSts = await sts(c).send(new GetCallerIdentityCommand({})).catch((e: unknown) => e);
    assert.ok(expiredSts instanceof STSServiceException && expiredSts.name === 'ExpiredToken', String(expiredSts));
    const presignedLate = await getSignedUrl(s3(c), new GetObjectCommand({ Bucket: 'expiry-test', Key: 'k' }), { expiresIn: 60, signingDate: new Date(clock.now()) });
    const late = await fetchUrl(presignedLate);
    assert.equal(late.status, 400, late.body);
    assert.match(late.body, /ExpiredToken/);
    // Long-term keys are unaffected.
    assert.ok((await s3(creds).send(new ListBucketsCommand({}))).Buckets?.length);
  });

  it('revokes older sessions with an aws:TokenIssueTime deny, leaving newer sessions and long-term keys working', async () => {
    const old = await session();
    assert.ok(await s3(old).send(new ListBucketsCommand({})));
    offset += 2000;
    const cutoff = new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    offset += 2000;
    const iam = new IAMClient({ endpoint: endpoint(), region: 'us-east-1', credentials: creds, requestHandler: handler(), systemClockOffset: offset });
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'admin',
        PolicyName: 'RevokeOlderSessions',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': cutoff } } }] }),
      }),
    );
    const denied = await s3(old).send(new ListBucketsCommand({})).catch((e: unknown) => e);
    assert.ok(denied instanceof S3ServiceException && denied.name === 'AccessDenied', String(denied));
    const fresh = await session();
    assert.ok(await s3(fresh).send(new ListBucketsCommand({})));
    assert.ok(await s3(creds).send(new ListBucketsCommand({})));
  });

  it('revokes every earlier session of a user with coffer iam revoke-sessions while the server runs', async () => {
    offset = 0;
    const iam = new IAMClient({ endpoint: endpoint(), region: 'us-east-1', credentials: creds, requestHandler: handler() });
    await iam.send(new DeleteUserPolicyCommand({ UserName: 'admin', PolicyName: 'RevokeOlderSessions' }));
    const before = await session();
    assert.ok((await s3(before).send(new ListBucketsCommand({}))).Buckets?.length);
    await new Promise((r) => setTimeout(r, 5));
    const r = spawnSync(process.execPath, cofferArgs('iam', 'revoke-sessions', '--user', 'admin', '--data-dir', dataDir), { cwd: ROOT, env: cleanEnv(), encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /revoked the sessions of user admin/);
    const revoked = await s3(before).send(new ListBucketsCommand({})).catch((e: unknown) => e);
    assert.ok(revoked instanceof S3ServiceException && revoked.name === 'InvalidToken', String(revoked));
    await new Promise((r) => setTimeout(r, 5));
    const after = await session();
    assert.ok((await s3(after).send(new ListBucketsCommand({}))).Buckets?.length);
    const unknown = spawnSync(process.execPath, cofferArgs('iam', 'revoke-sessions', '--user', 'nobody', '--data-dir', dataDir), { cwd: ROOT, env: cleanEnv(), encoding: 'utf8', timeout: 60_000 });
    assert.notEqual(unknown.status, 0);
  });
});
