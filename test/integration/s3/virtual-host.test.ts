import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { bodyText, startCoffer, type Coffer } from '../harness.js';

const BASE = 's3.coffer.test';

/** Resolves every name to loopback, as a DNS wildcard record for the base domain would. */
const loopback: LookupFunction = (_host, opts, cb) => {
  if ((opts as { all?: boolean }).all) (cb as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
  else cb(null, '127.0.0.1', 4);
};

describe('virtual-hosted-style addressing under a configured base domain', () => {
  let coffer: Coffer;
  let s3: S3Client;
  before(async () => {
    coffer = await startCoffer({ env: { COFFER_BASE_DOMAIN: BASE } });
    s3 = new S3Client({
      endpoint: `https://${BASE}:${coffer.port}`,
      region: 'us-east-1',
      forcePathStyle: false,
      credentials: { accessKeyId: coffer.accessKeyId, secretAccessKey: coffer.secretAccessKey },
      requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: coffer.ca, lookup: loopback }) }),
    });
  });
  after(async () => {
    s3.destroy();
    await coffer.dispose();
  });

  it('serves bucket.BASE requests with a certificate valid for the wildcard name', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'vhost-bucket' }));
    await s3.send(new PutObjectCommand({ Bucket: 'vhost-bucket', Key: 'a/b.txt', Body: 'virtual' }));
    assert.equal(await bodyText((await s3.send(new GetObjectCommand({ Bucket: 'vhost-bucket', Key: 'a/b.txt' }))).Body), 'virtual');
    const list = await s3.send(new ListObjectsV2Command({ Bucket: 'vhost-bucket' }));
    assert.deepEqual(list.Contents?.map((c) => c.Key), ['a/b.txt']);
    // The same object through path-style addressing on the same server.
    const path = coffer.client();
    assert.equal(await bodyText((await path.send(new GetObjectCommand({ Bucket: 'vhost-bucket', Key: 'a/b.txt' }))).Body), 'virtual');
  });
});
