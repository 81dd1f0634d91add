import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectCommand,
  DeletePublicAccessBlockCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { readAuditEvents } from '../../../src/audit/index.js';
import { loadMasterKeyFile } from '../../../src/crypto/index.js';
import { bodyText, startCoffer, type Coffer } from '../harness.js';

const failure = (p: Promise<unknown>): Promise<S3ServiceException> =>
  p.then(
    () => assert.fail('the request succeeded'),
    (e: unknown) => {
      assert.ok(e instanceof S3ServiceException, String(e));
      return e;
    },
  );

const policy = (...Statement: Record<string, unknown>[]) => JSON.stringify({ Version: '2012-10-17', Statement });

describe('bucket policies and Block Public Access', () => {
  let coffer: Coffer;
  let admin: S3Client;
  let bob: S3Client;
  let bobArn = '';

  before(async () => {
    coffer = await startCoffer();
    admin = coffer.client();
    await admin.send(new CreateBucketCommand({ Bucket: 'shared' }));
    await admin.send(new PutObjectCommand({ Bucket: 'shared', Key: 'reports/q1.txt', Body: 'q1' }));
    const iam = new IAMClient({
      endpoint: coffer.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: coffer.accessKeyId, secretAccessKey: coffer.secretAccessKey },
      requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: coffer.ca }) }),
    });
    const user = await iam.send(new CreateUserCommand({ UserName: 'bob' }));
    bobArn = user.User!.Arn!;
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'bob' }));
    iam.destroy();
    bob = new S3Client({
      endpoint: coffer.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! },
      requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: coffer.ca }) }),
    });
  });
  after(async () => {
    bob?.destroy();
    await coffer?.dispose();
  });

  it('stores, returns and deletes a bucket policy, and answers NoSuchBucketPolicy when there is none', async () => {
    assert.equal((await failure(admin.send(new GetBucketPolicyCommand({ Bucket: 'shared' })))).name, 'NoSuchBucketPolicy');
    const doc = policy({ Sid: 'ReadReports', Effect: 'Allow', Principal: { AWS: bobArn }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared/reports/*' });
    await admin.send(new PutBucketPolicyCommand({ Bucket: 'shared', Policy: doc }));
    assert.deepEqual(JSON.parse((await admin.send(new GetBucketPolicyCommand({ Bucket: 'shared' }))).Policy!), JSON.parse(doc));
    const status = await admin.send(new GetBucketPolicyStatusCommand({ Bucket: 'shared' }));
    assert.equal(status.PolicyStatus?.IsPublic, false);
    await admin.send(new DeleteBucketPolicyCommand({ Bucket: 'shared' }));
    assert.equal((await failure(admin.send(new GetBucketPolicyCommand({ Bucket: 'shared' })))).name, 'NoSuchBucketPolicy');
  });

  it('refuses a malformed policy with MalformedPolicy and the reason', async () => {
    const e = await failure(admin.send(new PutBucketPolicyCommand({ Bucket: 'shared', Policy: policy({ Effect: 'Allow', Principal: { AWS: bobArn }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared/*', Condition: { StringLikeish: { 's3:prefix': 'a' } } }) })));
    assert.equal(e.name, 'MalformedPolicy');
    assert.equal(e.$metadata.httpStatusCode, 400);
    assert.match(e.message, /StringLikeish/);
    assert.equal((await failure(admin.send(new PutBucketPolicyCommand({ Bucket: 'shared', Policy: '{not json' })))).name, 'MalformedPolicy');
    const elsewhere = await failure(admin.send(new PutBucketPolicyCommand({ Bucket: 'shared', Policy: policy({ Effect: 'Allow', Principal: { AWS: bobArn }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::other/*' }) })));
    assert.equal(elsewhere.name, 'MalformedPolicy');
    assert.match(elsewhere.message, /invalid resource/);
  });

  it('lets an IAM user without identity policies read what the bucket policy grants it, and nothing else', async () => {
    assert.equal((await failure(bob.send(new GetObjectCommand({ Bucket: 'shared', Key: 'reports/q1.txt' })))).name, 'AccessDenied');
    await admin.send(new PutBucketPolicyCommand({
      Bucket: 'shared',
      Policy: policy({ Sid: 'BobReadsReports', Effect: 'Allow', Principal: { AWS: bobArn }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared/reports/*' }),
    }));
    const got = await bob.send(new GetObjectCommand({ Bucket: 'shared', Key: 'reports/q1.txt' }));
    assert.equal(await bodyText(got.Body), 'q1');
    assert.equal((await failure(bob.send(new PutObjectCommand({ Bucket: 'shared', Key: 'reports/q2.txt', Body: 'x' })))).name, 'AccessDenied');
  });

  it('lets an explicit Deny in the bucket policy beat the admin identity Allow', async () => {
    await admin.send(new PutBucketPolicyCommand({
      Bucket: 'shared',
      Policy: policy(
        { Sid: 'BobReadsReports', Effect: 'Allow', Principal: { AWS: bobArn }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared/reports/*' },
        { Sid: 'NoWritesToReports', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::shared/reports/*' },
      ),
    }));
    const e = await failure(admin.send(new PutObjectCommand({ Bucket: 'shared', Key: 'reports/q3.txt', Body: 'x' })));
    assert.equal(e.name, 'AccessDenied');
    // Outside the denied prefix the admin's own policy still allows the write.
    await admin.send(new PutObjectCommand({ Bucket: 'shared', Key: 'drafts/q3.txt', Body: 'x' }));
  });

  it('refuses a public policy while BlockPublicPolicy is on for the bucket or the account, which it is by default', async () => {
    const pab = await admin.send(new GetPublicAccessBlockCommand({ Bucket: 'shared' }));
    assert.deepEqual(pab.PublicAccessBlockConfiguration, { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    const everyone = policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared/*' });
    const e = await failure(admin.send(new PutBucketPolicyCommand({ Bucket: 'shared', Policy: everyone })));
    assert.equal(e.name, 'AccessDenied');
    assert.match(e.message, /BlockPublicPolicy/);
    // Restricted to a network, "*" is not public and is accepted.
    const fromLoopback = policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared/*', Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } } });
    await admin.send(new PutBucketPolicyCommand({ Bucket: 'shared', Policy: fromLoopback }));
    // With BlockPublicPolicy off for the bucket, the account-wide setting (on by default) still
    // refuses it; public-access.test.ts turns both off.
    await admin.send(new PutPublicAccessBlockCommand({
      Bucket: 'shared',
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: true },
    }));
    assert.equal((await admin.send(new GetPublicAccessBlockCommand({ Bucket: 'shared' }))).PublicAccessBlockConfiguration?.BlockPublicPolicy, false);
    const stillBlocked = await failure(admin.send(new PutBucketPolicyCommand({ Bucket: 'shared', Policy: everyone })));
    assert.equal(stillBlocked.name, 'AccessDenied');
    assert.match(stillBlocked.message, /account/);
    // The stored policy is the loopback-pinned one: not public, so (as in AWS) it lets anonymous
    // callers from 127.0.0.0/8 read even with every Block Public Access setting on.
    const anonymous = await new Promise<number>((resolve, reject) => {
      https.get({ host: 'localhost', port: coffer.port, path: '/shared/reports/q1.txt', ca: coffer.ca }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    assert.equal(anonymous, 200);
    await admin.send(new DeletePublicAccessBlockCommand({ Bucket: 'shared' }));
    assert.equal((await admin.send(new GetPublicAccessBlockCommand({ Bucket: 'shared' }))).PublicAccessBlockConfiguration?.BlockPublicPolicy, true);
    assert.equal((await failure(admin.send(new PutBucketPolicyCommand({ Bucket: 'shared', Policy: everyone })))).name, 'AccessDenied');
    await admin.send(new DeleteBucketPolicyCommand({ Bucket: 'shared' }));
  });

  it('records the policy decision of allowed and denied requests in the audit trail', async () => {
    await admin.send(new PutBucketPolicyCommand({
      Bucket: 'shared',
      Policy: policy(
        { Sid: 'BobReadsReports', Effect: 'Allow', Principal: { AWS: bobArn }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared/reports/*' },
        { Sid: 'NoDeletes', Effect: 'Deny', Principal: '*', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::shared/*' },
      ),
    }));
    await bob.send(new GetObjectCommand({ Bucket: 'shared', Key: 'reports/q1.txt' })).then((r) => bodyText(r.Body));
    await failure(bob.send(new GetObjectCommand({ Bucket: 'shared', Key: 'drafts/q3.txt' })));
    await failure(admin.send(new DeleteObjectCommand({ Bucket: 'shared', Key: 'reports/q1.txt' })));
    bob.destroy();
    await coffer.stop();
    const { key } = await loadMasterKeyFile(join(coffer.dataDir, 'master.key'));
    type Decision = { decision: string; matchedStatements: { policyId: string; sid?: string; effect: string }[] };
    const events: { name: string; user: string | undefined; key: string | undefined; error: string | undefined; decision: Decision | undefined }[] = [];
    for await (const e of readAuditEvents(join(coffer.dataDir, 'audit'), key)) {
      const ev = e.event as unknown as {
        eventName: string;
        errorCode?: string;
        userIdentity?: { userName?: string };
        requestParameters?: { key?: string };
        additionalEventData?: { policyDecision?: Decision };
      };
      events.push({ name: ev.eventName, user: ev.userIdentity?.userName, key: ev.requestParameters?.key, error: ev.errorCode, decision: ev.additionalEventData?.policyDecision });
    }
    const bobGets = events.filter((e) => e.name === 'GetObject' && e.user === 'bob');
    const allowed = bobGets.filter((e) => e.error === undefined && e.key === 'reports/q1.txt').at(-1);
    assert.ok(allowed?.decision, JSON.stringify(bobGets));
    assert.equal(allowed.decision.decision, 'Allow');
    assert.deepEqual(allowed.decision.matchedStatements, [{ policyId: 'arn:aws:s3:::shared', sid: 'BobReadsReports', effect: 'Allow' }]);
    const implicit = bobGets.find((e) => e.key === 'drafts/q3.txt');
    assert.equal(implicit?.error, 'AccessDenied');
    assert.deepEqual(implicit?.decision, { decision: 'ImplicitDeny', matchedStatements: [] });
    const deleted = events.find((e) => e.name === 'DeleteObject' && e.key === 'reports/q1.txt');
    assert.equal(deleted?.error, 'AccessDenied');
    assert.equal(deleted?.decision?.decision, 'ExplicitDeny');
    assert.ok(deleted?.decision?.matchedStatements.some((m) => m.sid === 'NoDeletes' && m.effect === 'Deny'), JSON.stringify(deleted));
  });
});

describe('a bucket policy requiring secure transport', () => {
  it('refuses the admin over plain HTTP on that bucket while another bucket keeps working', async () => {
    const coffer = await startCoffer({ extraArgs: ['--insecure-http'] });
    try {
      assert.match(coffer.endpoint, /^http:/);
      const admin = coffer.client();
      await admin.send(new CreateBucketCommand({ Bucket: 'tls-only' }));
      await admin.send(new CreateBucketCommand({ Bucket: 'open' }));
      await admin.send(new PutObjectCommand({ Bucket: 'tls-only', Key: 'a.txt', Body: 'a' }));
      await admin.send(new PutBucketPolicyCommand({
        Bucket: 'tls-only',
        Policy: policy({
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: ['arn:aws:s3:::tls-only', 'arn:aws:s3:::tls-only/*'],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      }));
      assert.equal((await failure(admin.send(new GetObjectCommand({ Bucket: 'tls-only', Key: 'a.txt' })))).name, 'AccessDenied');
      assert.equal((await failure(admin.send(new PutObjectCommand({ Bucket: 'tls-only', Key: 'b.txt', Body: 'b' })))).name, 'AccessDenied');
      await admin.send(new PutObjectCommand({ Bucket: 'open', Key: 'b.txt', Body: 'b' }));
      assert.equal(await bodyText((await admin.send(new GetObjectCommand({ Bucket: 'open', Key: 'b.txt' }))).Body), 'b');
    } finally {
      await coffer.dispose();
    }
  });
});
