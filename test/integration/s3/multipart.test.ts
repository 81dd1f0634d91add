import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { startCoffer, type Coffer } from '../harness.js';

const MiB = 1024 * 1024;

async function rejects(p: Promise<unknown>, code: string, statusCode: number): Promise<void> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof S3ServiceException, String(err));
    assert.equal(err.name, code);
    assert.equal(err.$metadata.httpStatusCode, statusCode);
    return;
  }
  assert.fail(`expected ${code}`);
}

/** Deterministic pseudo-random bytes, generated as a stream (never the whole body in memory). */
function patternStream(size: number, seed: number): { stream: Readable; md5: () => string } {
  const hash = createHash('md5');
  let produced = 0;
  let counter = seed;
  const stream = new Readable({
    read() {
      if (produced >= size) {
        this.push(null);
        return;
      }
      const n = Math.min(1 * MiB, size - produced);
      const block = createHash('sha512').update(String(counter++)).digest();
      const chunk = Buffer.alloc(n);
      for (let i = 0; i < n; i += block.length) block.copy(chunk, i);
      hash.update(chunk);
      produced += n;
      this.push(chunk);
    },
  });
  return { stream, md5: () => hash.digest('hex') };
}

describe('S3 multipart uploads', () => {
  let coffer: Coffer;
  let s3: S3Client;
  before(async () => {
    coffer = await startCoffer();
    s3 = coffer.client();
    await s3.send(new CreateBucketCommand({ Bucket: 'mpu' }));
  });
  after(async () => coffer.dispose());

  it('refuses parts for an unknown upload with NoSuchUpload', async () => {
    await rejects(s3.send(new UploadPartCommand({ Bucket: 'mpu', Key: 'k', UploadId: 'nope', PartNumber: 1, Body: 'x' })), 'NoSuchUpload', 404);
  });

  it('uploads 120 MiB with @aws-sdk/lib-storage and reads it back intact', async () => {
    const size = 120 * MiB;
    const src = patternStream(size, 1);
    const upload = new Upload({ client: s3, params: { Bucket: 'mpu', Key: 'big.bin', Body: src.stream }, partSize: 16 * MiB, queueSize: 3 });
    const result = await upload.done();
    assert.match(result.ETag ?? '', /-8"$/);
    const want = src.md5();
    const got = await s3.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'big.bin', ChecksumMode: 'ENABLED' }));
    assert.equal(got.ContentLength, size);
    const h = createHash('md5');
    for await (const chunk of got.Body as Readable) h.update(chunk as Buffer);
    assert.equal(h.digest('hex'), want);
    const part3 = await s3.send(new HeadObjectCommand({ Bucket: 'mpu', Key: 'big.bin', PartNumber: 3 }));
    assert.equal(part3.ContentLength, 16 * MiB);
    assert.equal(part3.PartsCount, 8);
  });

  it('completes a SHA256 COMPOSITE upload and a CRC64NVME FULL_OBJECT upload, returning their checksums', async () => {
    for (const [alg, type] of [['SHA256', 'COMPOSITE'], ['CRC64NVME', 'FULL_OBJECT'], ['CRC32C', 'FULL_OBJECT']] as const) {
      const key = `cs-${alg}`;
      const create = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'mpu', Key: key, ChecksumAlgorithm: alg, ChecksumType: type }));
      const parts = [];
      const bodies = [randomBytes(5 * MiB), randomBytes(1234)];
      for (let i = 0; i < bodies.length; i++) {
        const r = await s3.send(new UploadPartCommand({ Bucket: 'mpu', Key: key, UploadId: create.UploadId, PartNumber: i + 1, Body: bodies[i], ChecksumAlgorithm: alg }));
        parts.push({ PartNumber: i + 1, ETag: r.ETag, [`Checksum${alg}`]: (r as unknown as Record<string, unknown>)[`Checksum${alg}`] });
      }
      const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: 'mpu', Key: key, UploadId: create.UploadId, MultipartUpload: { Parts: parts } }));
      const value = (done as unknown as Record<string, unknown>)[`Checksum${alg}`] as string;
      assert.ok(value, `${alg} checksum returned`);
      if (type === 'COMPOSITE') assert.match(value, /-2$/);
      const head = await s3.send(new HeadObjectCommand({ Bucket: 'mpu', Key: key, ChecksumMode: 'ENABLED' }));
      assert.equal(head.ChecksumType, type);
      // The SDK validates full-object checksums on GET; a wrong value would throw here.
      const got = await s3.send(new GetObjectCommand({ Bucket: 'mpu', Key: key, ChecksumMode: 'ENABLED' }));
      const bytes = Buffer.from(await got.Body!.transformToByteArray());
      assert.ok(bytes.equals(Buffer.concat(bodies)));
    }
  });

  it('lists uploads and parts, aborts, and rejects bad completions', async () => {
    const create = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'mpu', Key: 'listed' }));
    const id = create.UploadId!;
    const p1 = await s3.send(new UploadPartCommand({ Bucket: 'mpu', Key: 'listed', UploadId: id, PartNumber: 1, Body: randomBytes(100) }));
    const p2 = await s3.send(new UploadPartCommand({ Bucket: 'mpu', Key: 'listed', UploadId: id, PartNumber: 2, Body: randomBytes(100) }));
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: 'mpu' }));
    assert.ok(uploads.Uploads?.some((u) => u.UploadId === id && u.Key === 'listed'));
    const parts = await s3.send(new ListPartsCommand({ Bucket: 'mpu', Key: 'listed', UploadId: id, MaxParts: 1 }));
    assert.equal(parts.Parts?.length, 1);
    assert.equal(parts.IsTruncated, true);
    // First part below 5 MiB is refused when it is not the last part.
    await rejects(
      s3.send(new CompleteMultipartUploadCommand({ Bucket: 'mpu', Key: 'listed', UploadId: id, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.ETag }] } })),
      'EntityTooSmall',
      400,
    );
    await rejects(
      s3.send(new CompleteMultipartUploadCommand({ Bucket: 'mpu', Key: 'listed', UploadId: id, MultipartUpload: { Parts: [{ PartNumber: 2, ETag: p2.ETag }, { PartNumber: 1, ETag: p1.ETag }] } })),
      'InvalidPartOrder',
      400,
    );
    await rejects(
      s3.send(new CompleteMultipartUploadCommand({ Bucket: 'mpu', Key: 'listed', UploadId: id, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"0123"' }] } })),
      'InvalidPart',
      400,
    );
    await s3.send(new AbortMultipartUploadCommand({ Bucket: 'mpu', Key: 'listed', UploadId: id }));
    await rejects(s3.send(new ListPartsCommand({ Bucket: 'mpu', Key: 'listed', UploadId: id })), 'NoSuchUpload', 404);
    await rejects(s3.send(new HeadObjectCommand({ Bucket: 'mpu', Key: 'listed' })), 'NotFound', 404);
  });

  it('copies ranges of an object into parts with UploadPartCopy', async () => {
    const data = randomBytes(6 * MiB);
    await s3.send(new PutObjectCommand({ Bucket: 'mpu', Key: 'copy-src', Body: data }));
    const create = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'mpu', Key: 'copy-dst' }));
    const a = await s3.send(new UploadPartCopyCommand({ Bucket: 'mpu', Key: 'copy-dst', UploadId: create.UploadId, PartNumber: 1, CopySource: 'mpu/copy-src', CopySourceRange: `bytes=0-${5 * MiB - 1}` }));
    const b = await s3.send(new UploadPartCopyCommand({ Bucket: 'mpu', Key: 'copy-dst', UploadId: create.UploadId, PartNumber: 2, CopySource: 'mpu/copy-src', CopySourceRange: `bytes=${5 * MiB}-${6 * MiB - 1}` }));
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'mpu',
        Key: 'copy-dst',
        UploadId: create.UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: a.CopyPartResult!.ETag }, { PartNumber: 2, ETag: b.CopyPartResult!.ETag }] },
      }),
    );
    const got = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'copy-dst' }))).Body!.transformToByteArray());
    assert.ok(got.equals(data));
  });

  it('honours If-None-Match: * on CompleteMultipartUpload', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'mpu', Key: 'exists', Body: 'x' }));
    const create = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'mpu', Key: 'exists' }));
    const p = await s3.send(new UploadPartCommand({ Bucket: 'mpu', Key: 'exists', UploadId: create.UploadId, PartNumber: 1, Body: 'y' }));
    await rejects(
      s3.send(new CompleteMultipartUploadCommand({ Bucket: 'mpu', Key: 'exists', UploadId: create.UploadId, IfNoneMatch: '*', MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p.ETag }] } })),
      'PreconditionFailed',
      412,
    );
    // The upload survives a failed precondition.
    const parts = await s3.send(new ListPartsCommand({ Bucket: 'mpu', Key: 'exists', UploadId: create.UploadId }));
    assert.equal(parts.Parts?.length, 1);
  });
});
