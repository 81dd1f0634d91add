// Transport facts reach policy: a bucket policy with s3:TlsVersion and aws:SecureTransport
// conditions takes effect for real clients over TLS 1.2 and 1.3, on the main and the FIPS endpoint.
import assert from 'node:assert/strict';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { bodyText, startCoffer, type Coffer } from '../harness.js';

const BUCKET = 'tls-versioned';

/** An SDK client for `endpoint` whose TLS is capped at `maxVersion`. */
function clientWith(coffer: Coffer, endpoint: string, maxVersion: 'TLSv1.2' | 'TLSv1.3'): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: coffer.accessKeyId, secretAccessKey: coffer.secretAccessKey },
    requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: coffer.ca, maxVersion, keepAlive: true }) }),
  });
}

async function errorName(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as { name?: string }).name ?? String(e);
  }
  return 'no error';
}

describe('a bucket policy on the TLS version and secure transport', { timeout: 180_000 }, () => {
  let coffer: Coffer;
  const clients: S3Client[] = [];

  before(async () => {
    coffer = await startCoffer({ env: { COFFER_FIPS_MODE: 'endpoint', COFFER_FIPS_LISTEN: '127.0.0.1:0' } });
    const admin = coffer.client();
    await admin.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await admin.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'doc.txt', Body: 'tls 1.3 only' }));
    await admin.send(new PutBucketPolicyCommand({
      Bucket: BUCKET,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'ReadsNeedTls13',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:GetObject',
            Resource: `arn:aws:s3:::${BUCKET}/*`,
            Condition: { NumericLessThan: { 's3:TlsVersion': '1.3' } },
          },
          {
            // Over TLS this key is "true", so this Deny matching proves it is set.
            Sid: 'NoDeletesOverSecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:DeleteObject',
            Resource: `arn:aws:s3:::${BUCKET}/*`,
            Condition: { Bool: { 'aws:SecureTransport': 'true' } },
          },
        ],
      }),
    }));
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await coffer?.dispose();
  });

  it('denies GetObject to a TLS 1.2 client while it may still write', async () => {
    const tls12 = clientWith(coffer, coffer.endpoint, 'TLSv1.2');
    clients.push(tls12);
    assert.equal(await errorName(tls12.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'doc.txt' }))), 'AccessDenied');
    await tls12.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'from-tls12.txt', Body: 'written over TLS 1.2' }));
  });

  it('allows GetObject to a TLS 1.3 client', async () => {
    const tls13 = clientWith(coffer, coffer.endpoint, 'TLSv1.3');
    clients.push(tls13);
    assert.equal(await bodyText((await tls13.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'doc.txt' }))).Body), 'tls 1.3 only');
    assert.equal(await bodyText((await tls13.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'from-tls12.txt' }))).Body), 'written over TLS 1.2');
  });

  it('applies the same conditions on the FIPS endpoint', async () => {
    const fipsEndpoint = coffer.fipsEndpoint;
    assert.ok(fipsEndpoint);
    const fips12 = clientWith(coffer, fipsEndpoint, 'TLSv1.2');
    const fips13 = clientWith(coffer, fipsEndpoint, 'TLSv1.3');
    clients.push(fips12, fips13);
    assert.equal(await errorName(fips12.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'doc.txt' }))), 'AccessDenied');
    assert.equal(await bodyText((await fips13.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'doc.txt' }))).Body), 'tls 1.3 only');
  });

  it('denies DeleteObject by the aws:SecureTransport condition', async () => {
    const tls13 = clientWith(coffer, coffer.endpoint, 'TLSv1.3');
    clients.push(tls13);
    assert.equal(await errorName(tls13.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'doc.txt' }))), 'AccessDenied');
    assert.equal(await bodyText((await tls13.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'doc.txt' }))).Body), 'tls 1.3 only', 'still there');
  });
});
