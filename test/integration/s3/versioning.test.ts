import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { bodyText, startCoffer, type Coffer } from '../harness.js';

async function status(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
    return 200;
  } catch (err) {
    assert.ok(err instanceof S3ServiceException, String(err));
    return err.$metadata.httpStatusCode;
  }
}

describe('S3 versioning: Enabled and Suspended, delete markers, null versions', () => {
  let coffer: Coffer;
  let s3: S3Client;
  before(async () => {
    coffer = await startCoffer();
    s3 = coffer.client();
    await s3.send(new CreateBucketCommand({ Bucket: 'ver' }));
  });
  after(async () => coffer.dispose());

  it('reports no status before versioning is configured', async () => {
    const v = await s3.send(new GetBucketVersioningCommand({ Bucket: 'ver' }));
    assert.equal(v.Status, undefined);
  });

  it('keeps the pre-versioning object as the null version', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'ver', Key: 'doc', Body: 'v0' }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'ver', VersioningConfiguration: { Status: 'Enabled' } }));
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: 'ver' }))).Status, 'Enabled');
    const p1 = await s3.send(new PutObjectCommand({ Bucket: 'ver', Key: 'doc', Body: 'v1' }));
    const p2 = await s3.send(new PutObjectCommand({ Bucket: 'ver', Key: 'doc', Body: 'v2' }));
    assert.ok(p1.VersionId && p2.VersionId && p1.VersionId !== p2.VersionId);
    assert.equal(await bodyText((await s3.send(new GetObjectCommand({ Bucket: 'ver', Key: 'doc' }))).Body), 'v2');
    assert.equal(await bodyText((await s3.send(new GetObjectCommand({ Bucket: 'ver', Key: 'doc', VersionId: p1.VersionId }))).Body), 'v1');
    assert.equal(await bodyText((await s3.send(new GetObjectCommand({ Bucket: 'ver', Key: 'doc', VersionId: 'null' }))).Body), 'v0');
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: 'ver', Prefix: 'doc' }));
    assert.deepEqual(versions.Versions?.map((v) => [v.VersionId, v.IsLatest]), [
      [p2.VersionId, true],
      [p1.VersionId, false],
      ['null', false],
    ]);
  });

  it('creates a delete marker on a plain delete and hides the key', async () => {
    const del = await s3.send(new DeleteObjectCommand({ Bucket: 'ver', Key: 'doc' }));
    assert.equal(del.DeleteMarker, true);
    assert.ok(del.VersionId);
    assert.equal(await status(s3.send(new GetObjectCommand({ Bucket: 'ver', Key: 'doc' }))), 404);
    assert.equal(await status(s3.send(new HeadObjectCommand({ Bucket: 'ver', Key: 'doc', VersionId: del.VersionId }))), 405);
    const list = await s3.send(new ListObjectsV2Command({ Bucket: 'ver' }));
    assert.equal(list.KeyCount, 0);
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: 'ver' }));
    assert.equal(versions.DeleteMarkers?.length, 1);
    assert.equal(versions.DeleteMarkers?.[0]?.IsLatest, true);
    assert.equal(versions.Versions?.length, 3);
    // Deleting the marker by id brings the object back.
    await s3.send(new DeleteObjectCommand({ Bucket: 'ver', Key: 'doc', VersionId: del.VersionId }));
    assert.equal(await bodyText((await s3.send(new GetObjectCommand({ Bucket: 'ver', Key: 'doc' }))).Body), 'v2');
  });

  it('permanently deletes a specific version', async () => {
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: 'ver', Prefix: 'doc' }));
    const oldest = versions.Versions!.find((v) => v.VersionId === 'null')!;
    await s3.send(new DeleteObjectCommand({ Bucket: 'ver', Key: 'doc', VersionId: oldest.VersionId }));
    assert.equal(await status(s3.send(new GetObjectCommand({ Bucket: 'ver', Key: 'doc', VersionId: 'null' }))), 404);
  });

  it('overwrites the null version while suspended and keeps older versions', async () => {
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'ver', VersioningConfiguration: { Status: 'Suspended' } }));
    const a = await s3.send(new PutObjectCommand({ Bucket: 'ver', Key: 'doc', Body: 's1' }));
    assert.equal(a.VersionId, undefined);
    await s3.send(new PutObjectCommand({ Bucket: 'ver', Key: 'doc', Body: 's2' }));
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: 'ver', Prefix: 'doc' }));
    const nulls = versions.Versions!.filter((v) => v.VersionId === 'null');
    assert.equal(nulls.length, 1);
    assert.equal(versions.Versions!.length, 3);
    assert.equal(await bodyText((await s3.send(new GetObjectCommand({ Bucket: 'ver', Key: 'doc' }))).Body), 's2');
    const del = await s3.send(new DeleteObjectCommand({ Bucket: 'ver', Key: 'doc' }));
    assert.equal(del.DeleteMarker, true);
    const after = await s3.send(new ListObjectVersionsCommand({ Bucket: 'ver', Prefix: 'doc' }));
    assert.equal(after.DeleteMarkers?.[0]?.VersionId, 'null');
    assert.equal(after.Versions!.length, 2);
  });

  it('pages through many versions with key and version-id markers', async () => {
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'ver', VersioningConfiguration: { Status: 'Enabled' } }));
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await s3.send(new PutObjectCommand({ Bucket: 'ver', Key: 'many', Body: String(i) }))).VersionId!);
    const seen: string[] = [];
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await s3.send(new ListObjectVersionsCommand({ Bucket: 'ver', Prefix: 'many', MaxKeys: 3, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
      seen.push(...(page.Versions ?? []).map((v) => v.VersionId!));
      if (!page.IsTruncated) break;
      keyMarker = page.NextKeyMarker;
      versionIdMarker = page.NextVersionIdMarker;
    }
    assert.deepEqual(seen, [...ids].reverse());
  });

  it('refuses an invalid versioning status with MalformedXML or IllegalVersioningConfigurationException', async () => {
    const code = await status(s3.send(new PutBucketVersioningCommand({ Bucket: 'ver', VersioningConfiguration: { Status: 'On' as never } })));
    assert.equal(code, 400);
  });
});
