import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutBucketTaggingCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { startCoffer } from '../harness.js';

async function* walk(dir: string): AsyncGenerator<string> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile()) yield p;
  }
}

/** Every encoding a marker could leak in: UTF-8, UTF-16LE/BE, hex, base64. */
function needles(marker: string): Buffer[] {
  const utf16be = Buffer.from(marker, 'utf16le').swap16();
  return [Buffer.from(marker), Buffer.from(marker, 'utf16le'), utf16be, Buffer.from(Buffer.from(marker).toString('hex')), Buffer.from(Buffer.from(marker).toString('base64').slice(0, 16))];
}

async function findMarker(dir: string, marker: string): Promise<string[]> {
  const hits: string[] = [];
  const ns = needles(marker);
  for await (const file of walk(dir)) {
    const data = await readFile(file);
    for (const n of ns) if (data.includes(n)) hits.push(`${file} (${n.toString().slice(0, 12)}…)`);
  }
  return hits;
}

describe('encryption at rest and crash safety', () => {
  it('stores no user data in plaintext anywhere under the data directory, WAL included', async () => {
    const coffer = await startCoffer();
    try {
      const s3 = coffer.client();
      const marker = `PLAINTEXT-MARKER-${randomBytes(6).toString('hex')}`;
      const bucket = 'secret-bucket';
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: [{ Key: 'k', Value: `${marker}-buckettag` }] } }));
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `${marker}-key`,
          Body: `${marker}-body `.repeat(10_000),
          Metadata: { note: `${marker}-meta` },
          Tagging: `tag=${marker}-tag`,
          ContentType: `text/${marker}-type`,
        }),
      );
      const create = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: `${marker}-mpu`, Metadata: { m: `${marker}-mpumeta` } }));
      await s3.send(new UploadPartCommand({ Bucket: bucket, Key: `${marker}-mpu`, UploadId: create.UploadId, PartNumber: 1, Body: `${marker}-part` }));
      // While running: the WAL and shm files exist and must be encrypted too.
      const whileRunning = await findMarker(coffer.dataDir, marker);
      assert.deepEqual(whileRunning, []);
      await coffer.stop();
      const afterStop = await findMarker(coffer.dataDir, marker);
      assert.deepEqual(afterStop, []);
      // The search is not blind: it finds plaintext that really is there (the non-secret marker file).
      const probe = await findMarker(coffer.dataDir, 'accountId');
      assert.ok(probe.length > 0, 'the marker search finds plaintext that is really there');
    } finally {
      await coffer.dispose();
    }
  });

  it('survives kill -9 during PUTs: acknowledged objects are intact, interrupted ones absent, no temp files left', async () => {
    let coffer = await startCoffer();
    try {
      let s3 = coffer.client();
      await s3.send(new CreateBucketCommand({ Bucket: 'crash' }));
      const acked = new Map<string, string>();
      for (let i = 0; i < 5; i++) {
        const data = randomBytes(64 * 1024 * (i + 1));
        await s3.send(new PutObjectCommand({ Bucket: 'crash', Key: `ok-${i}`, Body: data }));
        acked.set(`ok-${i}`, createHash('md5').update(data).digest('hex'));
      }
      for (let round = 0; round < 3; round++) {
        // Start several large uploads and kill the server while they stream.
        const inflight = Array.from({ length: 3 }, (_, j) =>
          s3.send(new PutObjectCommand({ Bucket: 'crash', Key: `torn-${round}-${j}`, Body: randomBytes(24 * 1024 * 1024) })).then(
            () => `torn-${round}-${j}`,
            () => null,
          ),
        );
        await new Promise((r) => setTimeout(r, 150 + round * 100));
        await coffer.kill();
        const finished = (await Promise.all(inflight)).filter((k): k is string => k !== null);
        coffer = await coffer.restart();
        s3 = coffer.client();
        for (const [key, md5] of acked) {
          const got = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: 'crash', Key: key }))).Body!.transformToByteArray());
          assert.equal(createHash('md5').update(got).digest('hex'), md5, `acknowledged ${key} intact after kill -9`);
        }
        const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'crash', Prefix: `torn-${round}-` }));
        for (const obj of listed.Contents ?? []) {
          // Whatever became visible must be complete and readable end to end.
          const got = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: 'crash', Key: obj.Key }))).Body!.transformToByteArray());
          assert.equal(got.length, 24 * 1024 * 1024);
        }
        for (const k of finished) assert.ok(listed.Contents?.some((o) => o.Key === k), `acknowledged ${k} survives`);
      }
      const tmp = join(coffer.dataDir, 'blobs', 'tmp');
      const leftovers = (await stat(tmp).catch(() => null)) ? await readdir(tmp) : [];
      assert.deepEqual(leftovers, []);
    } finally {
      await coffer.dispose();
    }
  });

  it('survives kill -9 during CompleteMultipartUpload: the object is either complete or the upload still exists', async () => {
    let coffer = await startCoffer();
    try {
      let s3 = coffer.client();
      await s3.send(new CreateBucketCommand({ Bucket: 'crash-mpu' }));
      for (let round = 0; round < 4; round++) {
        const key = `mpu-${round}`;
        const bodies = [randomBytes(5 * 1024 * 1024), randomBytes(777)];
        const create = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'crash-mpu', Key: key }));
        const parts = [];
        for (let i = 0; i < 2; i++) {
          const r = await s3.send(new UploadPartCommand({ Bucket: 'crash-mpu', Key: key, UploadId: create.UploadId, PartNumber: i + 1, Body: bodies[i] }));
          parts.push({ PartNumber: i + 1, ETag: r.ETag });
        }
        const completing = s3.send(new CompleteMultipartUploadCommand({ Bucket: 'crash-mpu', Key: key, UploadId: create.UploadId, MultipartUpload: { Parts: parts } })).then(
          () => true,
          () => false,
        );
        await new Promise((r) => setTimeout(r, round * 3));
        await coffer.kill();
        const acknowledged = await completing;
        coffer = await coffer.restart();
        s3 = coffer.client();
        const head = await s3.send(new HeadObjectCommand({ Bucket: 'crash-mpu', Key: key })).catch(() => null);
        const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: 'crash-mpu' }));
        const stillOpen = uploads.Uploads?.some((u) => u.UploadId === create.UploadId) ?? false;
        if (acknowledged) assert.ok(head, 'an acknowledged completion survives');
        assert.ok((head !== null) !== stillOpen, 'exactly one of: completed object, open upload');
        if (head) {
          const got = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: 'crash-mpu', Key: key }))).Body!.transformToByteArray());
          assert.ok(got.equals(Buffer.concat(bodies)));
        }
      }
    } finally {
      await coffer.dispose();
    }
  });
});
