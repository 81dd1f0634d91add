import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import https from 'node:https';
import { CreateBucketCommand, GetObjectCommand, ListBucketsCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { bodyText, startCoffer, type Coffer } from '../harness.js';

const AWS = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';

describe('IAM users and policies enforced on S3 requests', () => {
  let coffer: Coffer;
  const iam = (...args: string[]) => {
    const r = spawnSync(AWS, ['--endpoint-url', coffer.endpoint, '--ca-bundle', coffer.caCertFile, '--output', 'json', 'iam', ...args], { env: coffer.cliEnv(), encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, `aws iam ${args.join(' ')}\n${r.stderr}`);
    return r.stdout ? (JSON.parse(r.stdout) as Record<string, unknown>) : {};
  };
  const clientFor = (accessKeyId: string, secretAccessKey: string) =>
    new S3Client({
      endpoint: coffer.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId, secretAccessKey },
      requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: coffer.ca }) }),
    });
  before(async () => {
    coffer = await startCoffer();
    const admin = coffer.client();
    await admin.send(new CreateBucketCommand({ Bucket: 'team-data' }));
    await admin.send(new PutObjectCommand({ Bucket: 'team-data', Key: 'reports/q1.txt', Body: 'q1' }));
    await admin.send(new PutObjectCommand({ Bucket: 'team-data', Key: 'secret/keys.txt', Body: 'no' }));
  });
  after(async () => coffer.dispose());

  it('denies a new user everything until a policy allows it, then allows exactly that', async () => {
    iam('create-user', '--user-name', 'alice');
    const key = iam('create-access-key', '--user-name', 'alice') as { AccessKey: { AccessKeyId: string; SecretAccessKey: string } };
    const alice = clientFor(key.AccessKey.AccessKeyId, key.AccessKey.SecretAccessKey);
    const denied = await alice.send(new GetObjectCommand({ Bucket: 'team-data', Key: 'reports/q1.txt' })).catch((e: S3ServiceException) => e);
    assert.ok(denied instanceof S3ServiceException);
    assert.equal(denied.name, 'AccessDenied');
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::team-data/reports/*' },
        { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      ],
    };
    iam('put-user-policy', '--user-name', 'alice', '--policy-name', 'read-reports', '--policy-document', JSON.stringify(policy));
    // Policies apply on the next request.
    let got = '';
    for (let i = 0; i < 20 && got === ''; i++) {
      got = await alice
        .send(new GetObjectCommand({ Bucket: 'team-data', Key: 'reports/q1.txt' }))
        .then((r) => bodyText(r.Body))
        .catch(() => '');
      if (got === '') await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(got, 'q1');
    const other = await alice.send(new GetObjectCommand({ Bucket: 'team-data', Key: 'secret/keys.txt' })).catch((e: S3ServiceException) => e);
    assert.equal((other as S3ServiceException).name, 'AccessDenied');
    const write = await alice.send(new PutObjectCommand({ Bucket: 'team-data', Key: 'reports/q2.txt', Body: 'x' })).catch((e: S3ServiceException) => e);
    assert.equal((write as S3ServiceException).name, 'AccessDenied');
    const list = await alice.send(new ListBucketsCommand({})).catch((e: S3ServiceException) => e);
    assert.equal((list as S3ServiceException).name, 'AccessDenied');
    alice.destroy();
  });

  it('refuses a policy with an unknown condition operator when it is saved', () => {
    const r = spawnSync(
      AWS,
      ['--endpoint-url', coffer.endpoint, '--ca-bundle', coffer.caCertFile, 'iam', 'put-user-policy', '--user-name', 'alice', '--policy-name', 'bad', '--policy-document', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringLikeish: { 's3:prefix': 'a' } } }] })],
      { env: coffer.cliEnv(), encoding: 'utf8', timeout: 120_000 },
    );
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /MalformedPolicyDocument/);
  });

  it('disables a key with update-access-key', async () => {
    iam('create-user', '--user-name', 'bob');
    const key = iam('create-access-key', '--user-name', 'bob') as { AccessKey: { AccessKeyId: string; SecretAccessKey: string } };
    iam('update-access-key', '--user-name', 'bob', '--access-key-id', key.AccessKey.AccessKeyId, '--status', 'Inactive');
    const bob = clientFor(key.AccessKey.AccessKeyId, key.AccessKey.SecretAccessKey);
    const r = await bob.send(new ListBucketsCommand({})).catch((e: S3ServiceException) => e);
    assert.equal((r as S3ServiceException).name, 'InvalidAccessKeyId');
    bob.destroy();
  });
});
