/** Contract: putVersion / getVersion / deleteVersion / setTags, preconditions, seq, concurrency. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCofferError } from '../../../shared/index.js';
import {
  bucket,
  deleteMarker,
  ids,
  rejectsWith,
  segment,
  version,
  withSeq,
  withStore,
  type MakeMetadataStore,
} from './fixtures.js';

export function versionContract(make: MakeMetadataStore): void {
  describe('object versions', () => {
    it('stores a version, assigns seq, and returns the same record latest and by id', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b', { versioning: 'Enabled' }));
        const v = version('b', 'photos/cat.jpg', 'v1', {
          partsCount: 2,
          segments: [segment({ size: 3 }), segment({ size: 2, checksum: null, keyContext: { upload: 'u', part: '2' } })],
          checksum: { algorithm: 'CRC64NVME', value: 'AAAAAAAAAAA=-2', type: 'COMPOSITE' },
        });
        const { record, replaced } = await store.putVersion(v, { replaceNull: false });
        assert.equal(replaced, null);
        assert.ok(Number.isSafeInteger(record.seq) && record.seq > 0);
        assert.deepEqual(record, withSeq(v, record.seq));
        assert.deepEqual(await store.getVersion('b', 'photos/cat.jpg'), record);
        assert.deepEqual(await store.getVersion('b', 'photos/cat.jpg', 'v1'), record);
      }));

    it('returns null for an unknown key and an unknown version id', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b'));
        await store.putVersion(version('b', 'k', 'null'), { replaceNull: true });
        assert.equal(await store.getVersion('b', 'other'), null);
        assert.equal(await store.getVersion('b', 'k', 'nope'), null);
        assert.equal(await store.getVersion('b', 'K'), null);
      }));

    it('refuses to store a version in a bucket that does not exist', () =>
      withStore(make, async ({ store }) => {
        await rejectsWith(store.putVersion(version('nobucket', 'k', 'null'), { replaceNull: true }), 'storage.no_such_bucket');
      }));

    it("rejects a 'null' version written without replaceNull", () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b'));
        await rejectsWith(store.putVersion(version('b', 'k', 'null'), { replaceNull: false }), 'storage.invalid_argument');
        assert.equal(await store.getVersion('b', 'k'), null);
      }));

    it("replaces the 'null' version and returns the replaced record", () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b'));
        const first = await store.putVersion(version('b', 'k', 'null', { size: 1 }), { replaceNull: true });
        assert.equal(first.replaced, null);
        const second = await store.putVersion(version('b', 'k', 'null', { size: 2 }), { replaceNull: true });
        assert.deepEqual(second.replaced, first.record);
        assert.ok(second.record.seq > first.record.seq);
        const all = await store.listVersions('b', { limit: 10 });
        assert.deepEqual(all, [second.record]);
      }));

    it("removes an older 'null' version under newer versioned ones when replaceNull is set", () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b'));
        const nullV = await store.putVersion(version('b', 'k', 'null'), { replaceNull: true });
        await store.putVersion(version('b', 'k', 'v1'), { replaceNull: false }); // versioning enabled
        const suspended = await store.putVersion(version('b', 'k', 'null', { size: 9 }), { replaceNull: true });
        assert.deepEqual(suspended.replaced, nullV.record);
        assert.deepEqual(ids(await store.listVersions('b', { limit: 10 })), ['k#null', 'k#v1']);
        assert.equal((await store.getVersion('b', 'k'))?.size, 9);
      }));

    it('keeps every versioned insert, newest first by strictly increasing seq', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b', { versioning: 'Enabled' }));
        const seqs: number[] = [];
        for (const id of ['v1', 'v2', 'v3', 'v4']) {
          seqs.push((await store.putVersion(version('b', 'k', id), { replaceNull: false })).record.seq);
        }
        for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i]! > seqs[i - 1]!, 'seq increases');
        const listed = await store.listVersions('b', { limit: 10 });
        assert.deepEqual(ids(listed), ['k#v4', 'k#v3', 'k#v2', 'k#v1']);
        assert.deepEqual(
          listed.map((r) => r.seq),
          [...seqs].reverse(),
        );
        assert.equal((await store.getVersion('b', 'k'))?.versionId, 'v4');
      }));

    it('never reuses a seq, even after the newest version is deleted', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b', { versioning: 'Enabled' }));
        const a = await store.putVersion(version('b', 'k', 'v1'), { replaceNull: false });
        const b = await store.putVersion(version('b', 'k2', 'v2'), { replaceNull: false });
        await store.deleteVersion('b', 'k2', 'v2');
        await store.deleteVersion('b', 'k', 'v1');
        const c = await store.putVersion(version('b', 'k', 'v3'), { replaceNull: false });
        assert.ok(c.record.seq > b.record.seq && b.record.seq > a.record.seq);
      }));

    it('refuses a second version with an id the key already has', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b', { versioning: 'Enabled' }));
        await store.putVersion(version('b', 'k', 'v1', { size: 1 }), { replaceNull: false });
        await rejectsWith(store.putVersion(version('b', 'k', 'v1', { size: 2 }), { replaceNull: false }), 'storage.version_exists');
        assert.equal((await store.getVersion('b', 'k', 'v1'))?.size, 1);
      }));

    it('returns a delete marker as the latest version', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b', { versioning: 'Enabled' }));
        await store.putVersion(version('b', 'k', 'v1'), { replaceNull: false });
        const dm = await store.putVersion(deleteMarker('b', 'k', 'dm1'), { replaceNull: false });
        assert.deepEqual(await store.getVersion('b', 'k'), dm.record);
        assert.equal((await store.getVersion('b', 'k', 'v1'))?.isDeleteMarker, false);
      }));

    it('deletes one version, returns it, and promotes the next newest to latest', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b', { versioning: 'Enabled' }));
        const v1 = await store.putVersion(version('b', 'k', 'v1'), { replaceNull: false });
        const v2 = await store.putVersion(version('b', 'k', 'v2'), { replaceNull: false });
        const v3 = await store.putVersion(version('b', 'k', 'v3'), { replaceNull: false });
        assert.deepEqual(await store.deleteVersion('b', 'k', 'v2'), v2.record);
        assert.equal((await store.getVersion('b', 'k'))?.versionId, 'v3');
        assert.deepEqual(await store.deleteVersion('b', 'k', 'v3'), v3.record);
        assert.deepEqual(await store.getVersion('b', 'k'), v1.record);
        assert.deepEqual(ids(await store.listLatest('b', { limit: 10 })), ['k#v1']);
        assert.equal(await store.deleteVersion('b', 'k', 'v3'), null);
        assert.equal(await store.deleteVersion('b', 'nokey', 'v1'), null);
        await store.deleteVersion('b', 'k', 'v1');
        assert.equal(await store.getVersion('b', 'k'), null);
      }));

    it('replaces the tags of a given version or of the latest, and of no other', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b', { versioning: 'Enabled' }));
        await store.putVersion(version('b', 'k', 'v1', { tags: { a: '1' } }), { replaceNull: false });
        await store.putVersion(version('b', 'k', 'v2', { tags: { b: '2' } }), { replaceNull: false });
        await store.setTags('b', 'k', 'v1', { x: 'y', z: '' });
        assert.deepEqual((await store.getVersion('b', 'k', 'v1'))?.tags, { x: 'y', z: '' });
        assert.deepEqual((await store.getVersion('b', 'k', 'v2'))?.tags, { b: '2' });
        await store.setTags('b', 'k', undefined, {});
        assert.deepEqual((await store.getVersion('b', 'k', 'v2'))?.tags, {});
        assert.deepEqual((await store.getVersion('b', 'k', 'v1'))?.tags, { x: 'y', z: '' });
        await rejectsWith(store.setTags('b', 'k', 'nope', {}), 'storage.no_such_version');
        await rejectsWith(store.setTags('b', 'nokey', undefined, {}), 'storage.no_such_version');
      }));
  });

  describe('write preconditions', () => {
    it('accepts expect.absent when the key has no version', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b'));
        await store.putVersion(version('b', 'k', 'null'), { replaceNull: true, expect: { absent: true } });
        assert.ok(await store.getVersion('b', 'k'));
      }));

    it('rejects expect.absent when a live latest version exists and changes nothing', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b'));
        const first = await store.putVersion(version('b', 'k', 'null', { size: 1 }), { replaceNull: true });
        await rejectsWith(
          store.putVersion(version('b', 'k', 'null', { size: 2 }), { replaceNull: true, expect: { absent: true } }),
          'storage.precondition_failed',
        );
        assert.deepEqual(await store.listVersions('b', { limit: 10 }), [first.record]);
      }));

    it('accepts expect.absent when the latest version is a delete marker', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b', { versioning: 'Enabled' }));
        await store.putVersion(version('b', 'k', 'v1'), { replaceNull: false });
        await store.putVersion(deleteMarker('b', 'k', 'dm'), { replaceNull: false });
        await store.putVersion(version('b', 'k', 'v2'), { replaceNull: false, expect: { absent: true } });
        assert.equal((await store.getVersion('b', 'k'))?.versionId, 'v2');
      }));

    it('accepts expect.etag only when the live latest version has that ETag', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b', { versioning: 'Enabled' }));
        await store.putVersion(version('b', 'k', 'v1', { etag: '"aaa"' }), { replaceNull: false });
        await store.putVersion(version('b', 'k', 'v2', { etag: '"bbb"' }), { replaceNull: false });
        await rejectsWith(
          store.putVersion(version('b', 'k', 'v3'), { replaceNull: false, expect: { etag: '"aaa"' } }),
          'storage.precondition_failed',
        );
        await store.putVersion(version('b', 'k', 'v3'), { replaceNull: false, expect: { etag: '"bbb"' } });
        assert.equal((await store.getVersion('b', 'k'))?.versionId, 'v3');
      }));

    it('rejects expect.etag when the key does not exist', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b'));
        await rejectsWith(
          store.putVersion(version('b', 'k', 'null'), { replaceNull: true, expect: { etag: '"5d41402abc4b2a76b9719d911017c592"' } }),
          'storage.precondition_failed',
        );
        assert.equal(await store.getVersion('b', 'k'), null);
      }));

    it('rejects expect.etag when the latest is a delete marker, even if an older version matches', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b', { versioning: 'Enabled' }));
        await store.putVersion(version('b', 'k', 'v1', { etag: '"aaa"' }), { replaceNull: false });
        await store.putVersion(deleteMarker('b', 'k', 'dm'), { replaceNull: false });
        await rejectsWith(
          store.putVersion(version('b', 'k', 'v2'), { replaceNull: false, expect: { etag: '"aaa"' } }),
          'storage.precondition_failed',
        );
        assert.equal((await store.getVersion('b', 'k'))?.versionId, 'dm');
      }));

    it('lets exactly one of many concurrent create-if-absent writes to one key succeed', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b', { versioning: 'Enabled' }));
        const n = 25;
        const results = await Promise.allSettled(
          Array.from({ length: n }, (_, i) =>
            store.putVersion(version('b', 'contended', `v${i}`), { replaceNull: false, expect: { absent: true } }),
          ),
        );
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        assert.equal(won.length, 1);
        assert.equal(lost.length, n - 1);
        for (const r of lost) assert.ok(isCofferError(r.reason, 'storage.precondition_failed'), String(r.reason));
        assert.equal((await store.listVersions('b', { limit: 100 })).length, 1);
      }));

    it('lets exactly one of many concurrent if-match writes against the same ETag succeed', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b', { versioning: 'Enabled' }));
        await store.putVersion(version('b', 'k', 'base', { etag: '"base"' }), { replaceNull: false });
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) =>
            store.putVersion(version('b', 'k', `v${i}`, { etag: `"e${i}"` }), { replaceNull: false, expect: { etag: '"base"' } }),
          ),
        );
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        assert.equal((await store.listVersions('b', { limit: 100 })).length, 2);
      }));
  });
}
