/**
 * Crypto-shredding: an in-process server whose KMS runs on its own adjustable clock (startCoffer's
 * `kmsClock` option), so a key's 7-day deletion window can pass without skewing SigV4.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, type S3ServiceException } from '@aws-sdk/client-s3';
import { CancelKeyDeletionCommand, CreateKeyCommand, DescribeKeyCommand, EnableKeyCommand, KMSClient, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import pino from 'pino';
import { loadConfig } from '../../../src/config/index.js';
import { startCoffer, type RunningCoffer } from '../../../src/app/start.js';
import { bodyText, initDataDir, type Credentials } from '../harness.js';

const DAY = 86_400_000;
const status = (e: unknown) => (e as S3ServiceException).$metadata?.httpStatusCode;
const codeOf = (e: unknown) => (e as S3ServiceException).name;

describe('crypto-shredding through KMS key deletion', () => {
  let root: string;
  let dataDir: string;
  let creds: Credentials;
  let server: RunningCoffer;
  let offset = 0;
  const kmsClock = { now: () => Date.now() + offset };
  let s3: S3Client;
  let kms: KMSClient;
  const start = async () => {
    const config = loadConfig({ env: {}, overrides: { dataDir, listen: '127.0.0.1:0', mfa: 'optional' }, cwd: root });
    server = await startCoffer(config, { kmsClock, logger: pino({ level: 'silent' }) });
    const ca = await readFile(creds.caCertFile, 'utf8');
    const requestHandler = new NodeHttpHandler({ httpsAgent: new https.Agent({ ca }) });
    const endpoint = `https://localhost:${server.port}`;
    const credentials = { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey };
    s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials, requestHandler });
    kms = new KMSClient({ endpoint, region: 'us-east-1', credentials, requestHandler });
  };
  const stop = async () => {
    s3.destroy();
    kms.destroy();
    await server.close();
  };
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'coffer-shred-'));
    dataDir = join(root, 'data');
    creds = await initDataDir(dataDir);
    await start();
    await s3.send(new CreateBucketCommand({ Bucket: 'shred' }));
  });
  after(async () => {
    await stop();
    await rm(root, { recursive: true, force: true });
  });

  it('makes objects sealed under a key unreadable once its scheduled deletion completes, with a clear error instead of data', async () => {
    const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const survivor = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    await s3.send(new PutObjectCommand({ Bucket: 'shred', Key: 'doomed', Body: 'to be shredded', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyId }));
    await s3.send(new PutObjectCommand({ Bucket: 'shred', Key: 'doomed-bk', Body: 'bucket key too', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyId, BucketKeyEnabled: true }));
    await s3.send(new PutObjectCommand({ Bucket: 'shred', Key: 'kept', Body: 'still here', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: survivor }));

    // Pending deletion: unusable, but the owner can still change their mind.
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    await assert.rejects(s3.send(new GetObjectCommand({ Bucket: 'shred', Key: 'doomed' })), (e) => status(e) === 400 && codeOf(e) === 'KMS.KMSInvalidStateException');
    await kms.send(new CancelKeyDeletionCommand({ KeyId: keyId }));
    await kms.send(new EnableKeyCommand({ KeyId: keyId }));
    assert.equal(await bodyText((await s3.send(new GetObjectCommand({ Bucket: 'shred', Key: 'doomed-bk' }))).Body), 'bucket key too');

    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    offset = 7 * DAY + 1000;
    for (const key of ['doomed', 'doomed-bk']) {
      await assert.rejects(s3.send(new GetObjectCommand({ Bucket: 'shred', Key: key })), (e) => status(e) === 400 && codeOf(e) === 'KMS.KMSInvalidStateException', key);
    }
    await assert.rejects(kms.send(new DescribeKeyCommand({ KeyId: keyId })), (e: Error) => e.name === 'NotFoundException');
    await assert.rejects(s3.send(new PutObjectCommand({ Bucket: 'shred', Key: 'new', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyId })), (e) => status(e) === 400);
    // Metadata stays readable (as on S3); other keys' objects are untouched.
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: 'shred', Key: 'doomed' }))).ServerSideEncryption, 'aws:kms');
    assert.equal(await bodyText((await s3.send(new GetObjectCommand({ Bucket: 'shred', Key: 'kept' }))).Body), 'still here');

    // The deletion is permanent: the key material is gone from disk, so a restarted server cannot read it either.
    await stop();
    offset = 0;
    await start();
    await assert.rejects(s3.send(new GetObjectCommand({ Bucket: 'shred', Key: 'doomed' })), (e) => status(e) === 400 && codeOf(e) === 'KMS.KMSInvalidStateException');
    assert.equal(await bodyText((await s3.send(new GetObjectCommand({ Bucket: 'shred', Key: 'kept' }))).Body), 'still here');
  });
});
