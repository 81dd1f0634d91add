import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetBucketEncryptionCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type S3ServiceException,
} from '@aws-sdk/client-s3';
import { CreateAliasCommand, CreateKeyCommand, DisableKeyCommand, EnableKeyCommand, KMSClient, RotateKeyOnDemandCommand } from '@aws-sdk/client-kms';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { bodyText, startCoffer, type Coffer } from '../harness.js';

const AWS = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';
const status = (e: unknown) => (e as S3ServiceException).$metadata?.httpStatusCode;
const codeOf = (e: unknown) => (e as S3ServiceException).name;
/** The SDK types SSE-C keys as strings but sends raw bytes as they are (and computes their MD5). */
const asKey = (b: Buffer) => b as unknown as string;

describe('server-side encryption: SSE-KMS, SSE-C, bucket default encryption', () => {
  let coffer: Coffer;
  let s3: S3Client;
  let kms: KMSClient;
  let iam: IAMClient;
  let keyArn: string;
  let keyId: string;
  before(async () => {
    coffer = await startCoffer();
    s3 = coffer.client();
    const requestHandler = new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: coffer.ca }) });
    const credentials = { accessKeyId: coffer.accessKeyId, secretAccessKey: coffer.secretAccessKey };
    kms = new KMSClient({ endpoint: coffer.endpoint, region: 'us-east-1', credentials, requestHandler });
    iam = new IAMClient({ endpoint: coffer.endpoint, region: 'us-east-1', credentials, requestHandler });
    const k = (await kms.send(new CreateKeyCommand({ Description: 'objects' }))).KeyMetadata!;
    keyArn = k.Arn!;
    keyId = k.KeyId!;
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/objects', TargetKeyId: keyId }));
    await s3.send(new CreateBucketCommand({ Bucket: 'sse' }));
  });
  after(async () => coffer.dispose());

  it('denies reading an SSE-KMS object to a caller with s3:GetObject but no kms:Decrypt on its key', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'sse', Key: 'guarded', Body: 'kms data', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'alias/objects' }));
    await iam.send(new CreateUserCommand({ UserName: 'reader' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'reader', PolicyName: 's3', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'reader' }))).AccessKey!;
    const reader = new S3Client({
      endpoint: coffer.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! },
      requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: coffer.ca }) }),
    });
    await assert.rejects(reader.send(new GetObjectCommand({ Bucket: 'sse', Key: 'guarded' })), (e) => codeOf(e) === 'AccessDenied' && status(e) === 403);
    await assert.rejects(reader.send(new PutObjectCommand({ Bucket: 'sse', Key: 'by-reader', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyId })), (e) => codeOf(e) === 'AccessDenied');
    await iam.send(new PutUserPolicyCommand({ UserName: 'reader', PolicyName: 'kms', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn }] }) }));
    assert.equal(await bodyText((await reader.send(new GetObjectCommand({ Bucket: 'sse', Key: 'guarded' }))).Body), 'kms data');
    reader.destroy();
  });

  it('stores an SSE-KMS object under the chosen key (id, ARN or alias) with context and returns the headers S3 returns', async () => {
    const context = Buffer.from(JSON.stringify({ project: 'coffer' })).toString('base64');
    const put = await s3.send(new PutObjectCommand({ Bucket: 'sse', Key: 'kms.txt', Body: 'hello kms', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'alias/objects', SSEKMSEncryptionContext: context }));
    assert.equal(put.ServerSideEncryption, 'aws:kms');
    assert.equal(put.SSEKMSKeyId, keyArn);
    assert.equal(put.SSEKMSEncryptionContext, context);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'sse', Key: 'kms.txt' }));
    assert.equal(got.ServerSideEncryption, 'aws:kms');
    assert.equal(got.SSEKMSKeyId, keyArn);
    assert.equal(await bodyText(got.Body), 'hello kms');
    const byArn = await s3.send(new PutObjectCommand({ Bucket: 'sse', Key: 'arn.txt', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyArn, BucketKeyEnabled: true }));
    assert.equal(byArn.BucketKeyEnabled, true);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'sse', Key: 'arn.txt' }));
    assert.equal(head.ServerSideEncryption, 'aws:kms');
    assert.equal(head.BucketKeyEnabled, true);
    // No key named: the AWS managed key aws/s3.
    const managed = await s3.send(new PutObjectCommand({ Bucket: 'sse', Key: 'managed.txt', Body: 'm', ServerSideEncryption: 'aws:kms' }));
    assert.match(managed.SSEKMSKeyId!, /^arn:aws:kms:[^:]+:\d{12}:key\//);
    assert.notEqual(managed.SSEKMSKeyId, keyArn);
    await assert.rejects(s3.send(new PutObjectCommand({ Bucket: 'sse', Key: 'nokey', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'alias/missing' })), (e) => status(e) === 400 && codeOf(e) === 'KMS.NotFoundException');
    const plain = await s3.send(new PutObjectCommand({ Bucket: 'sse', Key: 'plain.txt', Body: 'p' }));
    assert.equal(plain.ServerSideEncryption, 'AES256');
  });

  it('requires the SSE-C key on every GET and HEAD: none fails 400, a wrong key 403, the right key succeeds', async () => {
    const key = randomBytes(32);
    const wrong = randomBytes(32);
    const put = await s3.send(new PutObjectCommand({ Bucket: 'sse', Key: 'ssec.bin', Body: 'customer data', SSECustomerAlgorithm: 'AES256', SSECustomerKey: asKey(key) }));
    assert.equal(put.SSECustomerAlgorithm, 'AES256');
    assert.equal(put.SSECustomerKeyMD5, createHash('md5').update(key).digest('base64'));
    await assert.rejects(s3.send(new GetObjectCommand({ Bucket: 'sse', Key: 'ssec.bin' })), (e) => status(e) === 400 && codeOf(e) === 'InvalidRequest');
    await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: 'sse', Key: 'ssec.bin' })), (e) => status(e) === 400);
    await assert.rejects(s3.send(new GetObjectCommand({ Bucket: 'sse', Key: 'ssec.bin', SSECustomerAlgorithm: 'AES256', SSECustomerKey: asKey(wrong) })), (e) => status(e) === 403 && codeOf(e) === 'AccessDenied');
    await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: 'sse', Key: 'ssec.bin', SSECustomerAlgorithm: 'AES256', SSECustomerKey: asKey(wrong) })), (e) => status(e) === 403);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'sse', Key: 'ssec.bin', SSECustomerAlgorithm: 'AES256', SSECustomerKey: asKey(key) }));
    assert.equal(await bodyText(got.Body), 'customer data');
    assert.equal(got.SSECustomerKeyMD5, put.SSECustomerKeyMD5);
    assert.equal(got.ServerSideEncryption, undefined);
    const ranged = await s3.send(new GetObjectCommand({ Bucket: 'sse', Key: 'ssec.bin', Range: 'bytes=0-7', SSECustomerAlgorithm: 'AES256', SSECustomerKey: asKey(key) }));
    assert.equal(await bodyText(ranged.Body), 'customer');
    // The key is never stored: nothing in the data directory holds it.
    const { stdout } = spawnSync('grep', ['-rlF', '--', key.toString('base64'), coffer.dataDir], { encoding: 'utf8' });
    assert.equal(stdout, '');
    // SSE-C parameters on an object that is not SSE-C are refused.
    await assert.rejects(s3.send(new GetObjectCommand({ Bucket: 'sse', Key: 'plain.txt', SSECustomerAlgorithm: 'AES256', SSECustomerKey: asKey(key) })), (e) => status(e) === 400);
  });

  it('copies between every mode (SSE-C -> SSE-KMS -> SSE-C -> SSE-S3) and multipart-uploads with SSE-KMS and SSE-C', async () => {
    const k1 = randomBytes(32);
    const k2 = randomBytes(32);
    await s3.send(new PutObjectCommand({ Bucket: 'sse', Key: 'c0', Body: 'copied around', SSECustomerAlgorithm: 'AES256', SSECustomerKey: asKey(k1) }));
    await assert.rejects(s3.send(new CopyObjectCommand({ Bucket: 'sse', Key: 'c1', CopySource: 'sse/c0', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyId })), (e) => status(e) === 400);
    const c1 = await s3.send(new CopyObjectCommand({ Bucket: 'sse', Key: 'c1', CopySource: 'sse/c0', CopySourceSSECustomerAlgorithm: 'AES256', CopySourceSSECustomerKey: asKey(k1), ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyId }));
    assert.equal(c1.ServerSideEncryption, 'aws:kms');
    const c2 = await s3.send(new CopyObjectCommand({ Bucket: 'sse', Key: 'c2', CopySource: 'sse/c1', SSECustomerAlgorithm: 'AES256', SSECustomerKey: asKey(k2) }));
    assert.equal(c2.SSECustomerAlgorithm, 'AES256');
    const c3 = await s3.send(new CopyObjectCommand({ Bucket: 'sse', Key: 'c3', CopySource: 'sse/c2', CopySourceSSECustomerAlgorithm: 'AES256', CopySourceSSECustomerKey: asKey(k2) }));
    assert.equal(c3.ServerSideEncryption, 'AES256');
    assert.equal(await bodyText((await s3.send(new GetObjectCommand({ Bucket: 'sse', Key: 'c3' }))).Body), 'copied around');

    const part1 = randomBytes(5 * 1024 * 1024);
    const part2 = randomBytes(1000);
    for (const mode of ['kms', 'ssec'] as const) {
      const sse = mode === 'kms' ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: 'alias/objects' } : { SSECustomerAlgorithm: 'AES256', SSECustomerKey: asKey(k1) };
      const partSse = mode === 'kms' ? {} : { SSECustomerAlgorithm: 'AES256', SSECustomerKey: asKey(k1) };
      const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'sse', Key: `mp-${mode}`, ...sse }));
      if (mode === 'kms') assert.equal(up.ServerSideEncryption, 'aws:kms');
      if (mode === 'ssec') await assert.rejects(s3.send(new UploadPartCommand({ Bucket: 'sse', Key: `mp-${mode}`, UploadId: up.UploadId, PartNumber: 1, Body: part1 })), (e) => status(e) === 400);
      const p1 = await s3.send(new UploadPartCommand({ Bucket: 'sse', Key: `mp-${mode}`, UploadId: up.UploadId, PartNumber: 1, Body: part1, ...partSse }));
      const p2 = await s3.send(new UploadPartCommand({ Bucket: 'sse', Key: `mp-${mode}`, UploadId: up.UploadId, PartNumber: 2, Body: part2, ...partSse }));
      await s3.send(new CompleteMultipartUploadCommand({ Bucket: 'sse', Key: `mp-${mode}`, UploadId: up.UploadId, ...partSse, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.ETag }] } }));
      const got = await s3.send(new GetObjectCommand({ Bucket: 'sse', Key: `mp-${mode}`, ...partSse }));
      const body = Buffer.from(await got.Body!.transformToByteArray());
      assert.ok(body.equals(Buffer.concat([part1, part2])), `${mode} multipart round trip`);
      if (mode === 'ssec') await assert.rejects(s3.send(new GetObjectCommand({ Bucket: 'sse', Key: `mp-${mode}` })), (e) => status(e) === 400);
    }
  });

  it('applies the bucket default encryption (aws:kms with a Bucket Key) to plain PUTs, and a bucket policy requiring aws:kms rejects a plain PUT', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'sse-default' }));
    const before = await s3.send(new GetBucketEncryptionCommand({ Bucket: 'sse-default' }));
    assert.equal(before.ServerSideEncryptionConfiguration!.Rules![0]!.ApplyServerSideEncryptionByDefault!.SSEAlgorithm, 'AES256');
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: 'sse-default',
        ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/objects' }, BucketKeyEnabled: true }] },
      }),
    );
    const conf = await s3.send(new GetBucketEncryptionCommand({ Bucket: 'sse-default' }));
    assert.equal(conf.ServerSideEncryptionConfiguration!.Rules![0]!.ApplyServerSideEncryptionByDefault!.KMSMasterKeyID, 'alias/objects');
    assert.equal(conf.ServerSideEncryptionConfiguration!.Rules![0]!.BucketKeyEnabled, true);
    const put = await s3.send(new PutObjectCommand({ Bucket: 'sse-default', Key: 'a', Body: 'defaulted' }));
    assert.equal(put.ServerSideEncryption, 'aws:kms');
    assert.equal(put.SSEKMSKeyId, keyArn);
    assert.equal(put.BucketKeyEnabled, true);
    assert.equal(await bodyText((await s3.send(new GetObjectCommand({ Bucket: 'sse-default', Key: 'a' }))).Body), 'defaulted');

    await s3.send(new CreateBucketCommand({ Bucket: 'sse-required' }));
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: 'sse-required',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Sid: 'RequireKms', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::sse-required/*', Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } } }],
        }),
      }),
    );
    await assert.rejects(s3.send(new PutObjectCommand({ Bucket: 'sse-required', Key: 'plain', Body: 'x' })), (e) => codeOf(e) === 'AccessDenied' && status(e) === 403);
    await assert.rejects(s3.send(new PutObjectCommand({ Bucket: 'sse-required', Key: 'aes', Body: 'x', ServerSideEncryption: 'AES256' })), (e) => codeOf(e) === 'AccessDenied');
    const ok = await s3.send(new PutObjectCommand({ Bucket: 'sse-required', Key: 'kms', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyId }));
    assert.equal(ok.ServerSideEncryption, 'aws:kms');
  });

  it('keeps objects readable across key rotation, and a disabled key blocks reads and writes until it is enabled again', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'sse', Key: 'rot-old', Body: 'old material', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyId }));
    await s3.send(new PutObjectCommand({ Bucket: 'sse', Key: 'rot-bk', Body: 'bucket key', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyId, BucketKeyEnabled: true }));
    await kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    await s3.send(new PutObjectCommand({ Bucket: 'sse', Key: 'rot-new', Body: 'new material', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyId }));
    assert.equal(await bodyText((await s3.send(new GetObjectCommand({ Bucket: 'sse', Key: 'rot-old' }))).Body), 'old material');
    assert.equal(await bodyText((await s3.send(new GetObjectCommand({ Bucket: 'sse', Key: 'rot-new' }))).Body), 'new material');

    await kms.send(new DisableKeyCommand({ KeyId: keyId }));
    for (const k of ['rot-old', 'rot-bk']) {
      await assert.rejects(s3.send(new GetObjectCommand({ Bucket: 'sse', Key: k })), (e) => status(e) === 400 && codeOf(e) === 'KMS.DisabledException', k);
    }
    await assert.rejects(s3.send(new PutObjectCommand({ Bucket: 'sse', Key: 'rot-x', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyId, BucketKeyEnabled: true })), (e) => codeOf(e) === 'KMS.DisabledException');
    await kms.send(new EnableKeyCommand({ KeyId: keyId }));
    assert.equal(await bodyText((await s3.send(new GetObjectCommand({ Bucket: 'sse', Key: 'rot-bk' }))).Body), 'bucket key');
  });

  it('works with aws s3api (AWS CLI v2): put-object with SSE-KMS and a chosen key, and SSE-C get with and without the key', async () => {
    const work = join(coffer.dataDir, '..', 'sse-cli');
    await mkdir(work, { recursive: true });
    const run = (...args: string[]) => spawnSync(AWS, ['--endpoint-url', coffer.endpoint, '--output', 'json', ...args], { env: coffer.cliEnv(), encoding: 'utf8', timeout: 60_000 });
    await writeFile(join(work, 'in.txt'), 'cli body');
    const key = randomBytes(32);
    await writeFile(join(work, 'key.bin'), key);
    const put = run('s3api', 'put-object', '--bucket', 'sse', '--key', 'cli-kms', '--body', join(work, 'in.txt'), '--server-side-encryption', 'aws:kms', '--ssekms-key-id', 'alias/objects');
    assert.equal(put.status, 0, put.stderr);
    assert.equal((JSON.parse(put.stdout) as { SSEKMSKeyId: string }).SSEKMSKeyId, keyArn);
    const ssec = ['--sse-customer-algorithm', 'AES256', '--sse-customer-key', `fileb://${join(work, 'key.bin')}`];
    assert.equal(run('s3api', 'put-object', '--bucket', 'sse', '--key', 'cli-ssec', '--body', join(work, 'in.txt'), ...ssec).status, 0);
    const without = run('s3api', 'get-object', '--bucket', 'sse', '--key', 'cli-ssec', join(work, 'out0'));
    assert.notEqual(without.status, 0);
    const got = run('s3api', 'get-object', '--bucket', 'sse', '--key', 'cli-ssec', ...ssec, join(work, 'out1'));
    assert.equal(got.status, 0, got.stderr);
    assert.equal(await readFile(join(work, 'out1'), 'utf8'), 'cli body');
  });
});
