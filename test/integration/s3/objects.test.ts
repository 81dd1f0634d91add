import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutBucketTaggingCommand,
  GetBucketTaggingCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { bodyText, startCoffer, type Coffer } from '../harness.js';

async function rejects(p: Promise<unknown>, code: string, status?: number): Promise<S3ServiceException> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof S3ServiceException, `expected an S3 error, got ${String(err)}`);
    assert.equal(err.name, code);
    if (status !== undefined) assert.equal(err.$metadata.httpStatusCode, status);
    return err;
  }
  assert.fail(`expected ${code}`);
}

describe('S3 buckets and objects with @aws-sdk/client-s3 (default settings)', () => {
  let coffer: Coffer;
  let s3: S3Client;
  before(async () => {
    coffer = await startCoffer();
    s3 = coffer.client();
  });
  after(async () => coffer.dispose());

  it('denies a request signed with an unknown access key', async () => {
    const bad = new S3Client({
      endpoint: coffer.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      requestHandler: (s3.config.requestHandler as unknown as object) as never,
    });
    await rejects(bad.send(new ListBucketsCommand({})), 'InvalidAccessKeyId', 403);
  });

  it('denies a request signed with the wrong secret', async () => {
    const bad = new S3Client({
      endpoint: coffer.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: coffer.accessKeyId, secretAccessKey: 'x'.repeat(40) },
      requestHandler: (s3.config.requestHandler as unknown as object) as never,
    });
    await rejects(bad.send(new ListBucketsCommand({})), 'SignatureDoesNotMatch', 403);
  });

  it('creates, lists, heads and locates a bucket', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'alpha' }));
    const list = await s3.send(new ListBucketsCommand({}));
    assert.deepEqual(list.Buckets?.map((b) => b.Name), ['alpha']);
    await s3.send(new HeadBucketCommand({ Bucket: 'alpha' }));
    const loc = await s3.send(new GetBucketLocationCommand({ Bucket: 'alpha' }));
    assert.ok(!loc.LocationConstraint, 'us-east-1 is reported as an empty LocationConstraint');
    await rejects(s3.send(new CreateBucketCommand({ Bucket: 'alpha' })), 'BucketAlreadyOwnedByYou', 409);
  });

  it('refuses invalid bucket names with InvalidBucketName', async () => {
    await rejects(s3.send(new CreateBucketCommand({ Bucket: 'Bad_Name' })), 'InvalidBucketName', 400);
    await rejects(s3.send(new CreateBucketCommand({ Bucket: '192.168.1.1' })), 'InvalidBucketName', 400);
  });

  it('answers NoSuchBucket for a missing bucket', async () => {
    await rejects(s3.send(new PutObjectCommand({ Bucket: 'missing-bucket', Key: 'k', Body: 'x' })), 'NoSuchBucket', 404);
  });

  it('puts and gets an object with metadata, content headers and a CRC32 checksum', async () => {
    const body = 'hello coffer';
    const put = await s3.send(
      new PutObjectCommand({ Bucket: 'alpha', Key: 'dir/hello.txt', Body: body, ContentType: 'text/plain', Metadata: { color: 'blue' }, CacheControl: 'no-cache' }),
    );
    assert.equal(put.ETag, `"${createHash('md5').update(body).digest('hex')}"`);
    assert.ok(put.ChecksumCRC32, 'PutObject returns the CRC32 the SDK sent');
    const got = await s3.send(new GetObjectCommand({ Bucket: 'alpha', Key: 'dir/hello.txt', ChecksumMode: 'ENABLED' }));
    assert.equal(await bodyText(got.Body), body);
    assert.equal(got.ContentType, 'text/plain');
    assert.equal(got.CacheControl, 'no-cache');
    assert.deepEqual(got.Metadata, { color: 'blue' });
    assert.equal(got.ChecksumCRC32, put.ChecksumCRC32);
    assert.equal(got.ContentLength, body.length);
  });

  it('returns a stored CRC64NVME when the client sent no checksum', async () => {
    const body = randomBytes(1000);
    await s3.send(new PutObjectCommand({ Bucket: 'alpha', Key: 'crc64', Body: body, ChecksumAlgorithm: 'CRC64NVME' }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'alpha', Key: 'crc64', ChecksumMode: 'ENABLED' }));
    assert.ok(head.ChecksumCRC64NVME);
    assert.equal(head.ContentLength, 1000);
  });

  it('rejects a body whose checksum does not match with BadDigest and stores nothing', async () => {
    await rejects(
      s3.send(new PutObjectCommand({ Bucket: 'alpha', Key: 'bad-digest', Body: 'abc', ChecksumSHA256: createHash('sha256').update('abd').digest('base64') })),
      'BadDigest',
      400,
    );
    await rejects(s3.send(new HeadObjectCommand({ Bucket: 'alpha', Key: 'bad-digest' })), 'NotFound', 404);
  });

  it('rejects a wrong Content-MD5 with BadDigest', async () => {
    await rejects(
      s3.send(new PutObjectCommand({ Bucket: 'alpha', Key: 'bad-md5', Body: 'abc', ContentMD5: createHash('md5').update('abd').digest('base64') })),
      'BadDigest',
      400,
    );
  });

  it('serves byte ranges, suffix ranges and refuses unsatisfiable ones', async () => {
    const data = randomBytes(200_000);
    await s3.send(new PutObjectCommand({ Bucket: 'alpha', Key: 'ranged', Body: data }));
    const r1 = await s3.send(new GetObjectCommand({ Bucket: 'alpha', Key: 'ranged', Range: 'bytes=65530-131080' }));
    assert.equal(r1.ContentRange, `bytes 65530-131080/${data.length}`);
    assert.ok(Buffer.from(await r1.Body!.transformToByteArray()).equals(data.subarray(65530, 131081)));
    const r2 = await s3.send(new GetObjectCommand({ Bucket: 'alpha', Key: 'ranged', Range: 'bytes=-10' }));
    assert.ok(Buffer.from(await r2.Body!.transformToByteArray()).equals(data.subarray(data.length - 10)));
    await rejects(s3.send(new GetObjectCommand({ Bucket: 'alpha', Key: 'ranged', Range: `bytes=${data.length}-` })), 'InvalidRange', 416);
  });

  it('honours If-Match, If-None-Match, If-Modified-Since and If-Unmodified-Since on GET', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: 'alpha', Key: 'cond', Body: 'v1' }));
    const ok = await s3.send(new GetObjectCommand({ Bucket: 'alpha', Key: 'cond', IfMatch: put.ETag }));
    assert.equal(await bodyText(ok.Body), 'v1');
    await rejects(s3.send(new GetObjectCommand({ Bucket: 'alpha', Key: 'cond', IfMatch: '"0000"' })), 'PreconditionFailed', 412);
    const nm = await s3.send(new GetObjectCommand({ Bucket: 'alpha', Key: 'cond', IfNoneMatch: put.ETag })).catch((e: S3ServiceException) => e);
    assert.equal((nm as S3ServiceException).$metadata.httpStatusCode, 304);
    const future = new Date(Date.now() + 3600_000);
    const ms = await s3.send(new GetObjectCommand({ Bucket: 'alpha', Key: 'cond', IfModifiedSince: future })).catch((e: S3ServiceException) => e);
    assert.equal((ms as S3ServiceException).$metadata.httpStatusCode, 304);
    await rejects(s3.send(new GetObjectCommand({ Bucket: 'alpha', Key: 'cond', IfUnmodifiedSince: new Date(Date.now() - 3600_000) })), 'PreconditionFailed', 412);
  });

  it('applies response-* overrides', async () => {
    const got = await s3.send(new GetObjectCommand({ Bucket: 'alpha', Key: 'cond', ResponseContentType: 'application/x-test', ResponseContentDisposition: 'attachment' }));
    assert.equal(got.ContentType, 'application/x-test');
    assert.equal(got.ContentDisposition, 'attachment');
    await bodyText(got.Body);
  });

  it('supports conditional writes: If-None-Match * and If-Match', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'alpha', Key: 'once', Body: 'first', IfNoneMatch: '*' }));
    await rejects(s3.send(new PutObjectCommand({ Bucket: 'alpha', Key: 'once', Body: 'second', IfNoneMatch: '*' })), 'PreconditionFailed', 412);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'alpha', Key: 'once' }));
    await rejects(s3.send(new PutObjectCommand({ Bucket: 'alpha', Key: 'once', Body: 'third', IfMatch: '"abc"' })), 'PreconditionFailed', 412);
    await s3.send(new PutObjectCommand({ Bucket: 'alpha', Key: 'once', Body: 'fourth', IfMatch: head.ETag }));
    assert.equal(await bodyText((await s3.send(new GetObjectCommand({ Bucket: 'alpha', Key: 'once' }))).Body), 'fourth');
  });

  it('refuses keys longer than 1024 bytes with KeyTooLongError', async () => {
    await rejects(s3.send(new PutObjectCommand({ Bucket: 'alpha', Key: 'k'.repeat(1025), Body: 'x' })), 'KeyTooLongError', 400);
  });

  it('stores keys with unicode, spaces and reserved characters', async () => {
    const keys = ['a b/c+d', 'ünïcødé/日本語.txt', 'special !$&\'()*,;=@:', 'tilde~percent%25'];
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: 'alpha', Key, Body: Key }));
    for (const Key of keys) assert.equal(await bodyText((await s3.send(new GetObjectCommand({ Bucket: 'alpha', Key }))).Body), Key);
  });

  it('lists with prefix, delimiter, pagination and start-after (V2) and markers (V1)', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'listing' }));
    const keys = ['a/1', 'a/2', 'a/b/3', 'b/1', 'c', 'd/x/y', 'e'];
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: 'listing', Key, Body: Key }));
    const all = await s3.send(new ListObjectsV2Command({ Bucket: 'listing' }));
    assert.deepEqual(all.Contents?.map((c) => c.Key), keys);
    assert.equal(all.KeyCount, keys.length);
    const top = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', Delimiter: '/' }));
    assert.deepEqual(top.Contents?.map((c) => c.Key), ['c', 'e']);
    assert.deepEqual(top.CommonPrefixes?.map((p) => p.Prefix), ['a/', 'b/', 'd/']);
    const underA = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', Prefix: 'a/', Delimiter: '/' }));
    assert.deepEqual(underA.Contents?.map((c) => c.Key), ['a/1', 'a/2']);
    assert.deepEqual(underA.CommonPrefixes?.map((p) => p.Prefix), ['a/b/']);
    const seen: string[] = [];
    let token: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', MaxKeys: 2, Delimiter: '/', ContinuationToken: token }));
      seen.push(...(page.Contents ?? []).map((c) => c.Key!), ...(page.CommonPrefixes ?? []).map((p) => p.Prefix!));
      if (!page.IsTruncated) break;
      token = page.NextContinuationToken;
    }
    assert.deepEqual(seen.sort(), ['a/', 'b/', 'c', 'd/', 'e']);
    const after = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', StartAfter: 'b/1' }));
    assert.deepEqual(after.Contents?.map((c) => c.Key), ['c', 'd/x/y', 'e']);
    const v1 = await s3.send(new ListObjectsCommand({ Bucket: 'listing', Marker: 'a/b/3', MaxKeys: 2 }));
    assert.deepEqual(v1.Contents?.map((c) => c.Key), ['b/1', 'c']);
    assert.equal(v1.IsTruncated, true);
    const owner = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', FetchOwner: true, MaxKeys: 1 }));
    assert.ok(owner.Contents?.[0]?.Owner?.ID);
  });

  it('lists with encoding-type=url', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'listing', Key: 'sp ace', Body: 'x' }));
    const r = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', Prefix: 'sp', EncodingType: 'url' }));
    // The JS SDK hands url-encoded keys back as they came (botocore decodes them).
    assert.equal(r.EncodingType, 'url');
    assert.deepEqual(r.Contents?.map((c) => c.Key), ['sp%20ace']);
  });

  it('copies objects with COPY and REPLACE metadata directives and copy-source conditions', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'alpha', Key: 'src', Body: 'copy me', Metadata: { a: '1' }, ContentType: 'text/x-a' }));
    const c1 = await s3.send(new CopyObjectCommand({ Bucket: 'alpha', Key: 'dst1', CopySource: 'alpha/src' }));
    assert.ok(c1.CopyObjectResult?.ETag);
    const g1 = await s3.send(new GetObjectCommand({ Bucket: 'alpha', Key: 'dst1' }));
    assert.equal(await bodyText(g1.Body), 'copy me');
    assert.deepEqual(g1.Metadata, { a: '1' });
    assert.equal(g1.ContentType, 'text/x-a');
    await s3.send(new CopyObjectCommand({ Bucket: 'alpha', Key: 'dst2', CopySource: 'alpha/src', MetadataDirective: 'REPLACE', Metadata: { b: '2' }, ContentType: 'text/x-b' }));
    const g2 = await s3.send(new HeadObjectCommand({ Bucket: 'alpha', Key: 'dst2' }));
    assert.deepEqual(g2.Metadata, { b: '2' });
    assert.equal(g2.ContentType, 'text/x-b');
    await rejects(s3.send(new CopyObjectCommand({ Bucket: 'alpha', Key: 'dst3', CopySource: 'alpha/src', CopySourceIfMatch: '"nope"' })), 'PreconditionFailed', 412);
    await rejects(s3.send(new CopyObjectCommand({ Bucket: 'alpha', Key: 'src', CopySource: 'alpha/src' })), 'InvalidRequest', 400);
    await rejects(s3.send(new CopyObjectCommand({ Bucket: 'alpha', Key: 'dst4', CopySource: 'alpha/no-such' })), 'NoSuchKey', 404);
  });

  it('tags objects and buckets', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'alpha', Key: 'tagged', Body: 'x', Tagging: 'team=blue&env=dev' }));
    const t1 = await s3.send(new GetObjectTaggingCommand({ Bucket: 'alpha', Key: 'tagged' }));
    assert.deepEqual(Object.fromEntries((t1.TagSet ?? []).map((t) => [t.Key, t.Value])), { team: 'blue', env: 'dev' });
    await s3.send(new PutObjectTaggingCommand({ Bucket: 'alpha', Key: 'tagged', Tagging: { TagSet: [{ Key: 'k', Value: 'v' }] } }));
    const t2 = await s3.send(new GetObjectTaggingCommand({ Bucket: 'alpha', Key: 'tagged' }));
    assert.deepEqual(t2.TagSet, [{ Key: 'k', Value: 'v' }]);
    const tooMany = Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await rejects(s3.send(new PutObjectTaggingCommand({ Bucket: 'alpha', Key: 'tagged', Tagging: { TagSet: tooMany } })), 'InvalidTag', 400);
    await rejects(s3.send(new GetBucketTaggingCommand({ Bucket: 'alpha' })), 'NoSuchTagSet', 404);
    await s3.send(new PutBucketTaggingCommand({ Bucket: 'alpha', Tagging: { TagSet: [{ Key: 'cost', Value: 'c1' }] } }));
    const bt = await s3.send(new GetBucketTaggingCommand({ Bucket: 'alpha' }));
    assert.deepEqual(bt.TagSet, [{ Key: 'cost', Value: 'c1' }]);
  });

  it('deletes objects singly and in batches (DeleteObjects with the SDK default CRC32), quiet and verbose', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'deleting' }));
    for (const Key of ['x1', 'x2', 'x3', 'x4']) await s3.send(new PutObjectCommand({ Bucket: 'deleting', Key, Body: Key }));
    await s3.send(new DeleteObjectCommand({ Bucket: 'deleting', Key: 'x1' }));
    await s3.send(new DeleteObjectCommand({ Bucket: 'deleting', Key: 'never-existed' }));
    const verbose = await s3.send(new DeleteObjectsCommand({ Bucket: 'deleting', Delete: { Objects: [{ Key: 'x2' }, { Key: 'x3' }] } }));
    assert.deepEqual(verbose.Deleted?.map((d) => d.Key).sort(), ['x2', 'x3']);
    const quiet = await s3.send(new DeleteObjectsCommand({ Bucket: 'deleting', Delete: { Objects: [{ Key: 'x4' }], Quiet: true } }));
    assert.equal(quiet.Deleted, undefined);
    const left = await s3.send(new ListObjectsV2Command({ Bucket: 'deleting' }));
    assert.equal(left.KeyCount, 0);
  });

  it('refuses to delete a non-empty bucket, then deletes it once empty', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'doomed' }));
    await s3.send(new PutObjectCommand({ Bucket: 'doomed', Key: 'k', Body: 'x' }));
    await rejects(s3.send(new DeleteBucketCommand({ Bucket: 'doomed' })), 'BucketNotEmpty', 409);
    await s3.send(new DeleteObjectCommand({ Bucket: 'doomed', Key: 'k' }));
    await s3.send(new DeleteBucketCommand({ Bucket: 'doomed' }));
    await rejects(s3.send(new HeadBucketCommand({ Bucket: 'doomed' })), 'NotFound', 404);
  });

  it('round-trips empty and multi-chunk objects byte for byte', async () => {
    for (const size of [0, 1, 65535, 65536, 65537, 3 * 65536 + 7, 1_000_000]) {
      const data = randomBytes(size);
      await s3.send(new PutObjectCommand({ Bucket: 'alpha', Key: `size-${size}`, Body: data }));
      const got = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: 'alpha', Key: `size-${size}` }))).Body!.transformToByteArray());
      assert.ok(got.equals(data), `size ${size}`);
    }
  });
});
