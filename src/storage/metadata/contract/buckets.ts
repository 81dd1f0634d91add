/** Contract: bucket lifecycle. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bucket, deleteMarker, rejectsWith, upload, version, withStore, type MakeMetadataStore } from './fixtures.js';

export function bucketContract(make: MakeMetadataStore): void {
  describe('buckets', () => {
    it('creates a bucket and reads every field back', () =>
      withStore(make, async ({ store }) => {
        const b = bucket('alpha', { versioning: 'Enabled', tags: { team: 'data', 'cost-centre': '42' } });
        await store.createBucket(b);
        assert.deepEqual(await store.getBucket('alpha'), b);
      }));

    it('returns null for a bucket that does not exist', () =>
      withStore(make, async ({ store }) => {
        assert.equal(await store.getBucket('missing'), null);
      }));

    it('refuses to create a bucket that already exists and keeps the original', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('alpha', { owner: 'first' }));
        await rejectsWith(store.createBucket(bucket('alpha', { owner: 'second' })), 'storage.bucket_exists');
        assert.equal((await store.getBucket('alpha'))?.owner, 'first');
      }));

    it('lists buckets in name order', () =>
      withStore(make, async ({ store }) => {
        for (const n of ['charlie', 'alpha', 'bravo']) await store.createBucket(bucket(n));
        assert.deepEqual(
          (await store.listBuckets()).map((b) => b.name),
          ['alpha', 'bravo', 'charlie'],
        );
      }));

    it('updates versioning and tags independently and leaves other fields alone', () =>
      withStore(make, async ({ store }) => {
        const b = bucket('alpha', { tags: { a: '1' } });
        await store.createBucket(b);
        await store.updateBucket('alpha', { versioning: 'Enabled' });
        assert.deepEqual(await store.getBucket('alpha'), { ...b, versioning: 'Enabled' });
        await store.updateBucket('alpha', { tags: { b: '2' } });
        assert.deepEqual(await store.getBucket('alpha'), { ...b, versioning: 'Enabled', tags: { b: '2' } });
        await store.updateBucket('alpha', { versioning: 'Suspended', tags: null });
        assert.deepEqual(await store.getBucket('alpha'), { ...b, versioning: 'Suspended', tags: null });
      }));

    it('stores, replaces and clears a bucket policy and public access block without touching other fields', () =>
      withStore(make, async ({ store }) => {
        const b = bucket('alpha', { tags: { a: '1' } });
        await store.createBucket(b);
        const policy = '{"Version":"2012-10-17","Statement":[]}';
        const pab = { blockPublicAcls: true, ignorePublicAcls: false, blockPublicPolicy: false, restrictPublicBuckets: true };
        await store.updateBucket('alpha', { policy, publicAccessBlock: pab });
        assert.deepEqual(await store.getBucket('alpha'), { ...b, policy, publicAccessBlock: pab });
        await store.updateBucket('alpha', { versioning: 'Enabled' });
        assert.deepEqual(await store.getBucket('alpha'), { ...b, versioning: 'Enabled', policy, publicAccessBlock: pab });
        await store.updateBucket('alpha', { policy: null });
        assert.deepEqual(await store.getBucket('alpha'), { ...b, versioning: 'Enabled', publicAccessBlock: pab });
        await store.updateBucket('alpha', { publicAccessBlock: null });
        assert.deepEqual(await store.getBucket('alpha'), { ...b, versioning: 'Enabled' });
      }));

    it('stores, replaces and clears a bucket default encryption without touching other fields', () =>
      withStore(make, async ({ store }) => {
        const b = bucket('alpha', { tags: { a: '1' } });
        await store.createBucket(b);
        const encryption = { algorithm: 'aws:kms' as const, kmsKeyId: 'alias/app', bucketKeyEnabled: true };
        await store.updateBucket('alpha', { encryption });
        assert.deepEqual(await store.getBucket('alpha'), { ...b, encryption });
        await store.updateBucket('alpha', { versioning: 'Enabled' });
        assert.deepEqual(await store.getBucket('alpha'), { ...b, versioning: 'Enabled', encryption });
        await store.updateBucket('alpha', { encryption: null });
        assert.deepEqual(await store.getBucket('alpha'), { ...b, versioning: 'Enabled' });
      }));

    it('fails to update a bucket that does not exist', () =>
      withStore(make, async ({ store }) => {
        await rejectsWith(store.updateBucket('missing', { versioning: 'Enabled' }), 'storage.no_such_bucket');
      }));

    it('deletes an empty bucket, after which the name can be reused', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('alpha'));
        await store.deleteBucket('alpha');
        assert.equal(await store.getBucket('alpha'), null);
        assert.deepEqual(await store.listBuckets(), []);
        await store.createBucket(bucket('alpha'));
        assert.ok(await store.getBucket('alpha'));
      }));

    it('fails to delete a bucket that does not exist', () =>
      withStore(make, async ({ store }) => {
        await rejectsWith(store.deleteBucket('missing'), 'storage.no_such_bucket');
      }));

    it('refuses to delete a bucket holding an object version until it is removed', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('alpha'));
        await store.putVersion(version('alpha', 'k', 'null'), { replaceNull: true });
        await rejectsWith(store.deleteBucket('alpha'), 'storage.bucket_not_empty');
        await store.deleteVersion('alpha', 'k', 'null');
        await store.deleteBucket('alpha');
        assert.equal(await store.getBucket('alpha'), null);
      }));

    it('refuses to delete a bucket whose only content is a delete marker', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('alpha', { versioning: 'Enabled' }));
        await store.putVersion(deleteMarker('alpha', 'k', 'v1'), { replaceNull: false });
        await rejectsWith(store.deleteBucket('alpha'), 'storage.bucket_not_empty');
        await store.deleteVersion('alpha', 'k', 'v1');
        await store.deleteBucket('alpha');
      }));

    it('refuses to delete a bucket with an in-progress multipart upload until it is aborted', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('alpha'));
        const u = upload('alpha', 'big');
        await store.createUpload(u);
        await rejectsWith(store.deleteBucket('alpha'), 'storage.bucket_not_empty');
        await store.abortUpload(u.uploadId);
        await store.deleteBucket('alpha');
      }));

    it('keeps buckets apart: the same key in two buckets are two objects', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('alpha'));
        await store.createBucket(bucket('bravo'));
        await store.putVersion(version('alpha', 'k', 'null', { size: 1 }), { replaceNull: true });
        await store.putVersion(version('bravo', 'k', 'null', { size: 2 }), { replaceNull: true });
        assert.equal((await store.getVersion('alpha', 'k'))?.size, 1);
        assert.equal((await store.getVersion('bravo', 'k'))?.size, 2);
        assert.equal((await store.listLatest('alpha', { limit: 10 })).length, 1);
        await store.deleteVersion('alpha', 'k', 'null');
        await store.deleteBucket('alpha');
        assert.equal((await store.getVersion('bravo', 'k'))?.size, 2);
      }));
  });
}
