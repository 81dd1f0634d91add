import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { verifyDigestChain, type FetchedObject } from '../../../src/audit/index.js';
import { startCoffer, type Coffer } from '../harness.js';

async function fetchAll(s3: S3Client, bucket: string, prefix: string): Promise<Map<string, FetchedObject>> {
  const out = new Map<string, FetchedObject>();
  const list = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  for (const o of list.Contents ?? []) {
    const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key! }));
    out.set(o.Key!, { body: Buffer.from(await r.Body!.transformToByteArray()), metadata: r.Metadata ?? {} });
  }
  return out;
}

async function publishedKeys(c: Coffer): Promise<string[]> {
  const dir = join(c.dataDir, 'audit', 'keys');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.vkey'));
  return Promise.all(files.map(async (f) => (await readFile(join(dir, f), 'utf8')).split('\n')[0]!));
}

describe('CloudTrail-format export to a bucket', () => {
  it('delivers gzipped log files and a digest chain at shutdown that verify with the published key', async () => {
    let coffer = await startCoffer({ env: { COFFER_AUDIT_EXPORT_BUCKET: 'trail-logs', COFFER_AUDIT_EXPORT_PREFIX: 'org' } });
    try {
      let s3 = coffer.client();
      await s3.send(new CreateBucketCommand({ Bucket: 'trail-logs' }));
      await s3.send(new CreateBucketCommand({ Bucket: 'work' }));
      await s3.send(new PutObjectCommand({ Bucket: 'work', Key: 'report.txt', Body: 'quarterly' }));
      coffer = await coffer.restart(); // SIGTERM delivers the final log file and digest
      s3 = coffer.client();
      await s3.send(new PutObjectCommand({ Bucket: 'work', Key: 'second.txt', Body: 'again' }));
      coffer = await coffer.restart();
      s3 = coffer.client();

      const objects = await fetchAll(s3, 'trail-logs', 'org/AWSLogs/');
      const keys = [...objects.keys()];
      const logs = keys.filter((k) => /^org\/AWSLogs\/\d+\/CloudTrail\/us-east-1\/\d{4}\/\d{2}\/\d{2}\/\d+_CloudTrail_us-east-1_\d{8}T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$/.test(k));
      const digests = keys.filter((k) => k.includes('/CloudTrail-Digest/'));
      assert.equal(logs.length, 2, keys.join('\n'));
      assert.equal(digests.length, 2, keys.join('\n'));
      const records = logs.flatMap((k) => (JSON.parse(gunzipSync(objects.get(k)!.body).toString('utf8')) as { Records: { eventName: string; requestParameters: { key?: string } | null }[] }).Records);
      const puts = records.filter((r) => r.eventName === 'PutObject').map((r) => r.requestParameters?.key);
      assert.deepEqual(puts.sort(), ['report.txt', 'second.txt']);
      const report = verifyDigestChain('trail-logs', objects, await publishedKeys(coffer));
      assert.deepEqual(report.problems, []);
      assert.equal(report.digests, 2);
      assert.equal(report.records, records.length);
    } finally {
      await coffer.dispose();
    }
  });
});
