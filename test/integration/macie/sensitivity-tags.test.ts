import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { CreateBucketCommand, GetObjectCommand, GetObjectTaggingCommand, PutBucketPolicyCommand, PutObjectCommand, PutObjectTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startCoffer, type Coffer } from '../harness.js';
import { macieTestEnv } from './env.js';

const SECRET = 'credit card: 4111 1111 1111 1111\nSSN 536-90-4399\n';

describe('sensitivity tags enforced by bucket policies', () => {
  let coffer: Coffer;
  let reader: S3Client;
  before(async () => {
    coffer = await startCoffer({ env: macieTestEnv({ COFFER_DISCOVERY_TAG_OBJECTS: 'true' }) });
    const handler = () => new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: coffer.ca }) });
    const iam = new IAMClient({ endpoint: coffer.endpoint, region: 'us-east-1', credentials: { accessKeyId: coffer.accessKeyId, secretAccessKey: coffer.secretAccessKey }, requestHandler: handler() });
    await iam.send(new CreateUserCommand({ UserName: 'reader' }));
    await iam.send(new PutUserPolicyCommand({
      UserName: 'reader', PolicyName: 'read',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObjectTagging', 's3:GetObjectTagging'], Resource: 'arn:aws:s3:::shared-docs/*' }] }),
    }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'reader' }));
    iam.destroy();
    reader = new S3Client({ endpoint: coffer.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! }, requestHandler: handler() });
    const admin = coffer.client();
    await admin.send(new CreateBucketCommand({ Bucket: 'shared-docs' }));
    // Only objects classified as holding nothing (or little) sensitive may be read; pending ones wait.
    await admin.send(new PutBucketPolicyCommand({
      Bucket: 'shared-docs',
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{
          Sid: 'OnlyClassifiedNonSensitive', Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared-docs/*',
          Condition: { StringNotEquals: { 's3:ExistingObjectTag/coffer:sensitivity': ['none', 'low'] } },
        }],
      }),
    }));
    await admin.send(new PutObjectCommand({ Bucket: 'shared-docs', Key: 'menu.txt', Body: 'soup of the day\n' }));
    await admin.send(new PutObjectCommand({ Bucket: 'shared-docs', Key: 'payroll.txt', Body: SECRET }));
  });
  after(async () => {
    reader?.destroy();
    await coffer?.dispose();
  });

  const tagOf = async (key: string) => {
    const r = await coffer.client().send(new GetObjectTaggingCommand({ Bucket: 'shared-docs', Key: key }));
    return r.TagSet?.find((t) => t.Key === 'coffer:sensitivity')?.Value;
  };
  const until = async (what: string, fn: () => Promise<boolean>) => {
    const deadline = Date.now() + 30_000;
    while (!(await fn())) {
      assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  };

  it('denies reading an object classified as sensitive, and allows a clean one once classified', async () => {
    await until('both objects classified', async () => (await tagOf('menu.txt')) === 'none' && (await tagOf('payroll.txt')) === 'high');
    const denied = await reader.send(new GetObjectCommand({ Bucket: 'shared-docs', Key: 'payroll.txt' })).catch((e: Error) => e);
    assert.ok(denied instanceof Error);
    assert.equal(denied.name, 'AccessDenied');
    const ok = await reader.send(new GetObjectCommand({ Bucket: 'shared-docs', Key: 'menu.txt' }));
    assert.equal(await ok.Body!.transformToString(), 'soup of the day\n');
  });

  it('keeps the label when a client re-tags the object to escape the policy', async () => {
    await reader.send(new PutObjectTaggingCommand({ Bucket: 'shared-docs', Key: 'payroll.txt', Tagging: { TagSet: [{ Key: 'coffer:sensitivity', Value: 'none' }] } }));
    assert.equal(await tagOf('payroll.txt'), 'high');
    const denied = await reader.send(new GetObjectCommand({ Bucket: 'shared-docs', Key: 'payroll.txt' })).catch((e: Error) => e);
    assert.equal((denied as Error).name, 'AccessDenied');
  });
});
