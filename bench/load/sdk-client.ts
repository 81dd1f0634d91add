/**
 * The same S3Ops on @aws-sdk/client-s3 (keep-alive agent sized to the concurrency), to measure
 * how much of a small-object result is client overhead rather than server time. The suite runs
 * one 4 KiB GET with each client against the same server and reports both.
 */
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { S3Ops, TargetEndpoint } from './types.js';

export function createSdkClient(target: TargetEndpoint, opts: { concurrency: number }): S3Ops & { close(): void } {
  if (!target.credentials) throw new Error('the SDK client needs credentials');
  const agentOpts = { keepAlive: true, maxSockets: opts.concurrency };
  const s3 = new S3Client({
    endpoint: target.endpoint,
    region: target.region ?? 'us-east-1',
    forcePathStyle: true,
    credentials: target.credentials,
    // Same request shape as the raw client: no extra checksum work on either side.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: new NodeHttpHandler({
      httpsAgent: new https.Agent({ ...agentOpts, ...(target.ca ? { ca: target.ca } : {}) }),
      httpAgent: new http.Agent(agentOpts),
    }),
  });
  return {
    async createBucket(bucket) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    },
    async put(bucket, key, body) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    async get(bucket, key) {
      const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      let n = 0;
      for await (const c of r.Body as Readable) n += (c as Buffer).length;
      return n;
    },
    async head(bucket, key) {
      await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    },
    async del(bucket, key) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    async list(bucket, prefix, maxKeys) {
      const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: maxKeys }));
      return r.Contents?.length ?? 0;
    },
    close() {
      s3.destroy();
    },
  };
}
