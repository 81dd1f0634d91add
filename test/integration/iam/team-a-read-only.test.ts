/**
 * The issue's first Done-when flow, twice: with the AWS CLI (/usr/bin/aws iam) and with
 * @aws-sdk/client-iam, create a user and an access key, create a managed policy allowing
 * s3:GetObject on bucket/team-a/* only and attach it; then with @aws-sdk/client-s3 the user reads
 * there and gets AccessDenied elsewhere, on list, on write and on delete. Then a permissions
 * boundary (aws iam put-user-permissions-boundary) narrows a broad policy, and the account
 * password policy (aws iam update-account-password-policy) governs create-login-profile.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import https from 'node:https';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { AttachUserPolicyCommand, CreateAccessKeyCommand, CreatePolicyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { bodyText, startCoffer, type Coffer } from '../harness.js';

const AWS = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';
const TEAM_A_READ = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'ReadTeamA', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/team-a/*' }] });

describe('least privilege: a user allowed s3:GetObject on bucket/team-a/* only', () => {
  let coffer: Coffer;
  let iamSdk: IAMClient;

  /** `aws iam ...` as the admin; resolves the parsed JSON output, rejects with stderr. */
  const aws = (...args: string[]) =>
    new Promise<Record<string, any>>((resolve, reject) => {
      const child = spawn(AWS, ['--endpoint-url', coffer.endpoint, '--output', 'json', 'iam', ...args], { env: coffer.cliEnv() });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code !== 0) reject(new Error(err));
        else resolve(out.trim() ? (JSON.parse(out) as Record<string, any>) : {});
      });
    });

  const s3For = (accessKeyId: string, secretAccessKey: string) =>
    new S3Client({
      endpoint: coffer.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId, secretAccessKey },
      requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: coffer.ca }) }),
    });

  const code = (p: Promise<unknown>) =>
    p.then(
      () => 'OK',
      (e: unknown) => (e instanceof S3ServiceException ? e.name : String(e)),
    );

  /** Everything the Done-when list asks about, for one user's S3 client. */
  async function assertTeamAReadOnly(s3: S3Client): Promise<void> {
    // The first case is the denied one: outside team-a/.
    assert.equal(await code(s3.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'team-b/plan.txt' }))), 'AccessDenied', 'read elsewhere');
    assert.equal(await bodyText((await s3.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'team-a/plan.txt' }))).Body), 'plan a');
    assert.equal(await code(s3.send(new HeadObjectCommand({ Bucket: 'bucket', Key: 'team-a/plan.txt' }))), 'OK', 'HeadObject is s3:GetObject');
    assert.equal(await code(s3.send(new ListObjectsV2Command({ Bucket: 'bucket', Prefix: 'team-a/' }))), 'AccessDenied', 'list');
    assert.equal(await code(s3.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'team-a/new.txt', Body: 'x' }))), 'AccessDenied', 'write');
    assert.equal(await code(s3.send(new DeleteObjectCommand({ Bucket: 'bucket', Key: 'team-a/plan.txt' }))), 'AccessDenied', 'delete');
    assert.equal(await code(s3.send(new GetObjectCommand({ Bucket: 'other', Key: 'team-a/plan.txt' }))), 'AccessDenied', 'another bucket');
  }

  before(async () => {
    coffer = await startCoffer();
    const admin = coffer.client();
    for (const b of ['bucket', 'other']) await admin.send(new CreateBucketCommand({ Bucket: b }));
    await admin.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'team-a/plan.txt', Body: 'plan a' }));
    await admin.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'team-b/plan.txt', Body: 'plan b' }));
    await admin.send(new PutObjectCommand({ Bucket: 'other', Key: 'team-a/plan.txt', Body: 'other a' }));
    iamSdk = new IAMClient({
      endpoint: coffer.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: coffer.accessKeyId, secretAccessKey: coffer.secretAccessKey },
      requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: coffer.ca }) }),
    });
  });
  after(async () => {
    iamSdk?.destroy();
    await coffer?.dispose();
  });

  it('with the AWS CLI: create-user, create-access-key, create-policy, attach-user-policy', async () => {
    await aws('create-user', '--user-name', 'cli-reader');
    const key = (await aws('create-access-key', '--user-name', 'cli-reader')).AccessKey as { AccessKeyId: string; SecretAccessKey: string };
    const s3 = s3For(key.AccessKeyId, key.SecretAccessKey);
    try {
      // Before the policy is attached the user can do nothing.
      assert.equal(await code(s3.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'team-a/plan.txt' }))), 'AccessDenied');
      const policy = (await aws('create-policy', '--policy-name', 'TeamARead', '--policy-document', TEAM_A_READ)).Policy as { Arn: string };
      await aws('attach-user-policy', '--user-name', 'cli-reader', '--policy-arn', policy.Arn);
      assert.deepEqual((await aws('list-attached-user-policies', '--user-name', 'cli-reader')).AttachedPolicies, [{ PolicyName: 'TeamARead', PolicyArn: policy.Arn }]);
      await assertTeamAReadOnly(s3);
    } finally {
      s3.destroy();
    }
  });

  it('with @aws-sdk/client-iam: CreateUser, CreateAccessKey, CreatePolicy, AttachUserPolicy', async () => {
    await iamSdk.send(new CreateUserCommand({ UserName: 'sdk-reader', Path: '/team-a/' }));
    const key = (await iamSdk.send(new CreateAccessKeyCommand({ UserName: 'sdk-reader' }))).AccessKey!;
    const s3 = s3For(key.AccessKeyId!, key.SecretAccessKey!);
    try {
      assert.equal(await code(s3.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'team-a/plan.txt' }))), 'AccessDenied');
      const policy = (await iamSdk.send(new CreatePolicyCommand({ PolicyName: 'TeamAReadSdk', PolicyDocument: TEAM_A_READ }))).Policy!;
      await iamSdk.send(new AttachUserPolicyCommand({ UserName: 'sdk-reader', PolicyArn: policy.Arn! }));
      await assertTeamAReadOnly(s3);
    } finally {
      s3.destroy();
    }
  });

  it('narrows a broad policy to its permissions boundary, shows it in get-user, and lifts it on delete', async () => {
    await aws('create-user', '--user-name', 'bounded');
    await aws('put-user-policy', '--user-name', 'bounded', '--policy-name', 'AllS3', '--policy-document', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }));
    const boundary = (await aws('create-policy', '--policy-name', 'TeamABoundary', '--policy-document', TEAM_A_READ)).Policy as { Arn: string };
    const key = (await aws('create-access-key', '--user-name', 'bounded')).AccessKey as { AccessKeyId: string; SecretAccessKey: string };
    const s3 = s3For(key.AccessKeyId, key.SecretAccessKey);
    try {
      assert.equal(await code(s3.send(new ListObjectsV2Command({ Bucket: 'bucket' }))), 'OK');
      await aws('put-user-permissions-boundary', '--user-name', 'bounded', '--permissions-boundary', boundary.Arn);
      assert.deepEqual((await aws('get-user', '--user-name', 'bounded')).User.PermissionsBoundary, { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: boundary.Arn });
      await assertTeamAReadOnly(s3);
      await aws('delete-user-permissions-boundary', '--user-name', 'bounded');
      assert.equal((await aws('get-user', '--user-name', 'bounded')).User.PermissionsBoundary, undefined);
      assert.equal(await code(s3.send(new ListObjectsV2Command({ Bucket: 'bucket' }))), 'OK');
    } finally {
      s3.destroy();
    }
  });

  it('enforces the account password policy set with update-account-password-policy on create-login-profile', async () => {
    await assert.rejects(aws('get-account-password-policy'), /NoSuchEntity/);
    await aws('update-account-password-policy', '--minimum-password-length', '16', '--require-numbers', '--require-symbols');
    const p = (await aws('get-account-password-policy')).PasswordPolicy as Record<string, unknown>;
    assert.equal(p.MinimumPasswordLength, 16);
    assert.equal(p.RequireNumbers, true);
    assert.equal(p.RequireSymbols, true);
    await assert.rejects(aws('create-login-profile', '--user-name', 'cli-reader', '--password', 'short-1'), /PasswordPolicyViolation/);
    const created = (await aws('create-login-profile', '--user-name', 'cli-reader', '--password', 'a-much-longer-pass-42')).LoginProfile as Record<string, unknown>;
    assert.equal(created.UserName, 'cli-reader');
    await aws('delete-account-password-policy');
    await assert.rejects(aws('get-account-password-policy'), /NoSuchEntity/);
  });
});
