/** Contract: referenced blob ids and durability across close/reopen. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bucket, deleteMarker, part, segment, upload, version, withStore, type MakeMetadataStore } from './fixtures.js';

export function maintenanceContract(make: MakeMetadataStore): void {
  describe('maintenance and durability', () => {
    it('reports every blob referenced by a version segment or a part, and none that were released', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b', { versioning: 'Enabled' }));
        const kept = [segment(), segment(), segment()];
        await store.putVersion(version('b', 'one', 'v1', { segments: [kept[0]!] }), { replaceNull: false });
        await store.putVersion(version('b', 'multi', 'v1', { segments: [kept[1]!, kept[2]!] }), { replaceNull: false });
        const gone = segment();
        await store.putVersion(version('b', 'gone', 'v1', { segments: [gone] }), { replaceNull: false });
        await store.deleteVersion('b', 'gone', 'v1');
        await store.putVersion(deleteMarker('b', 'one', 'dm'), { replaceNull: false });

        const live = upload('b', 'up');
        const aborted = upload('b', 'up');
        await store.createUpload(live);
        await store.createUpload(aborted);
        const livePart = part(live.uploadId, 1);
        const abortedPart = part(aborted.uploadId, 1);
        await store.putPart(livePart);
        await store.putPart(abortedPart);
        await store.abortUpload(aborted.uploadId);

        const refs = await store.referencedBlobIds();
        const want = new Set([...kept.map((s) => s.blobId), livePart.segment.blobId]);
        assert.deepEqual(refs, want);
        assert.ok(!refs.has(gone.blobId) && !refs.has(abortedPart.segment.blobId));
      }));

    it('finds everything again after close and reopen, and keeps seq increasing', () =>
      withStore(make, async (ctx) => {
        const s1 = ctx.store;
        const b = bucket('b', { versioning: 'Enabled', tags: { k: 'v' } });
        await s1.createBucket(b);
        await s1.createBucket(bucket('c'));
        const v1 = await s1.putVersion(version('b', 'key/é', 'v1'), { replaceNull: false });
        const dm = await s1.putVersion(deleteMarker('b', 'key/é', 'dm'), { replaceNull: false });
        const n = await s1.putVersion(version('c', 'n', 'null'), { replaceNull: true });
        const doomed = await s1.putVersion(version('c', 'zz', 'null'), { replaceNull: true });
        await s1.deleteVersion('c', 'zz', 'null');
        await s1.setTags('c', 'n', 'null', { tagged: 'yes' });
        await s1.updateBucket('c', { versioning: 'Suspended' });
        const u = upload('b', 'mp');
        await s1.createUpload(u);
        const p = part(u.uploadId, 5);
        await s1.putPart(p);

        const s2 = await ctx.reopen();
        assert.deepEqual(await s2.getBucket('b'), b);
        assert.equal((await s2.getBucket('c'))?.versioning, 'Suspended');
        assert.deepEqual(await s2.listVersions('b', { limit: 10 }), [dm.record, v1.record]);
        assert.deepEqual(await s2.getVersion('c', 'n'), { ...n.record, tags: { tagged: 'yes' } });
        assert.equal(await s2.getVersion('c', 'zz'), null);
        assert.deepEqual(await s2.getUpload(u.uploadId), u);
        assert.deepEqual(await s2.listParts(u.uploadId, { limit: 10 }), [p]);
        assert.equal((await s2.referencedBlobIds()).has(p.segment.blobId), true);
        const later = await s2.putVersion(version('c', 'later', 'null'), { replaceNull: true });
        assert.ok(later.record.seq > doomed.record.seq, 'seq is not reused after reopen');
      }));
  });
}
