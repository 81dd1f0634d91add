/** Contract: multipart uploads, parts, completion and abort. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetadataStore, MultipartUploadRecord } from '../port.js';
import { bucket, part, rejectsWith, segment, upload, utf8Sorted, version, withStore, type MakeMetadataStore } from './fixtures.js';

async function pageUploads(store: MetadataStore, limit: number, prefix?: string): Promise<string[]> {
  const out: string[] = [];
  let marker: { keyMarker: string; uploadIdMarker: string } | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const page = await store.listUploads('b', { limit, ...(marker ?? {}), ...(prefix === undefined ? {} : { prefix }) });
    out.push(...page.map((u) => u.uploadId));
    if (page.length < limit) return out;
    const last = page[page.length - 1]!;
    marker = { keyMarker: last.key, uploadIdMarker: last.uploadId };
  }
  throw new Error('paging did not terminate');
}

export function multipartContract(make: MakeMetadataStore): void {
  describe('multipart uploads', () => {
    it('creates an upload and reads every field back', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b'));
        const u = upload('b', 'big/file.bin', 'upload-1', { checksumAlgorithm: null, checksumType: null, contentType: null });
        await store.createUpload(u);
        assert.deepEqual(await store.getUpload('upload-1'), u);
        assert.equal(await store.getUpload('upload-2'), null);
      }));

    it('refuses an upload in a bucket that does not exist', () =>
      withStore(make, async ({ store }) => {
        await rejectsWith(store.createUpload(upload('nobucket', 'k')), 'storage.no_such_bucket');
      }));

    it('lists uploads by key bytes, then by initiation, and pages with key and upload markers', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b'));
        const keys = ['m', 'é', 'a', 'm', '\u{10000}', 'a', 'm', 'z/1'];
        const created: MultipartUploadRecord[] = [];
        for (const [i, key] of keys.entries()) {
          const u = upload('b', key, `u${i}`, { initiated: 1_700_000_000_000 + i });
          await store.createUpload(u);
          created.push(u);
        }
        const expected = utf8Sorted([...new Set(keys)]).flatMap((k) => created.filter((u) => u.key === k).map((u) => u.uploadId));
        const all = await store.listUploads('b', { limit: 100 });
        assert.deepEqual(all.map((u) => u.uploadId), expected);
        for (const limit of [1, 2, 3, 8]) assert.deepEqual(await pageUploads(store, limit), expected, `limit ${limit}`);
        assert.deepEqual(await pageUploads(store, 1, 'm'), ['u0', 'u3', 'u6']);
        // keyMarker alone skips every upload of that key.
        assert.deepEqual(
          (await store.listUploads('b', { keyMarker: 'm', limit: 100 })).map((u) => u.uploadId),
          expected.slice(expected.indexOf('u6') + 1),
        );
      }));

    it('stores parts, replaces a part number and returns the replaced part', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b'));
        const u = upload('b', 'k');
        await store.createUpload(u);
        const p2 = part(u.uploadId, 2);
        assert.equal(await store.putPart(p2), null);
        assert.equal(await store.putPart(part(u.uploadId, 1)), null);
        const p2b = part(u.uploadId, 2, { segment: segment({ size: 99 }), lastModified: 1_800_000_000_000 });
        assert.deepEqual(await store.putPart(p2b), p2);
        const listed = await store.listParts(u.uploadId, { limit: 10 });
        assert.deepEqual(listed.map((p) => p.partNumber), [1, 2]);
        assert.deepEqual(listed[1], p2b);
      }));

    it('refuses a part for an upload that does not exist', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b'));
        await rejectsWith(store.putPart(part('missing', 1)), 'storage.no_such_upload');
      }));

    it('lists parts ascending after a marker with a limit', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b'));
        const u = upload('b', 'k');
        await store.createUpload(u);
        for (const n of [10, 3, 10000, 1, 7]) await store.putPart(part(u.uploadId, n));
        const nums = async (o: { marker?: number; limit: number }) => (await store.listParts(u.uploadId, o)).map((p) => p.partNumber);
        assert.deepEqual(await nums({ limit: 100 }), [1, 3, 7, 10, 10000]);
        assert.deepEqual(await nums({ limit: 2 }), [1, 3]);
        assert.deepEqual(await nums({ marker: 3, limit: 2 }), [7, 10]);
        assert.deepEqual(await nums({ marker: 10, limit: 2 }), [10000]);
        assert.deepEqual(await nums({ marker: 10000, limit: 2 }), []);
        assert.deepEqual(await store.listParts('missing', { limit: 10 }), []);
      }));

    it('completes an upload atomically: version in, upload and parts out, unused parts returned', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b'));
        const u = upload('b', 'k');
        await store.createUpload(u);
        const parts = [1, 2, 3, 4].map((n) => part(u.uploadId, n));
        for (const p of parts) await store.putPart(p);
        const existing = await store.putVersion(version('b', 'k', 'null'), { replaceNull: true });
        const v = version('b', 'k', 'null', { partsCount: 2, segments: [parts[0]!.segment, parts[2]!.segment] });
        const done = await store.completeUpload(u.uploadId, v, { replaceNull: true, usedParts: [1, 3] });
        assert.deepEqual(done.unusedParts, [parts[1], parts[3]]);
        assert.deepEqual(done.replaced, existing.record);
        assert.deepEqual(done.record, { ...v, seq: done.record.seq });
        assert.deepEqual(await store.getVersion('b', 'k'), done.record);
        assert.equal(await store.getUpload(u.uploadId), null);
        assert.deepEqual(await store.listParts(u.uploadId, { limit: 10 }), []);
        assert.deepEqual(await store.listUploads('b', { limit: 10 }), []);
        await rejectsWith(store.completeUpload(u.uploadId, v, { replaceNull: true, usedParts: [1, 3] }), 'storage.no_such_upload');
      }));

    it('fails to complete an aborted upload and creates no version', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b', { versioning: 'Enabled' }));
        const u = upload('b', 'k');
        await store.createUpload(u);
        await store.putPart(part(u.uploadId, 1));
        await store.abortUpload(u.uploadId);
        await rejectsWith(
          store.completeUpload(u.uploadId, version('b', 'k', 'v1'), { replaceNull: false, usedParts: [1] }),
          'storage.no_such_upload',
        );
        assert.equal(await store.getVersion('b', 'k'), null);
      }));

    it('leaves the upload and its parts intact when the completion precondition fails', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b', { versioning: 'Enabled' }));
        await store.putVersion(version('b', 'k', 'v0'), { replaceNull: false });
        const u = upload('b', 'k');
        await store.createUpload(u);
        const p = part(u.uploadId, 1);
        await store.putPart(p);
        await rejectsWith(
          store.completeUpload(u.uploadId, version('b', 'k', 'v1'), { replaceNull: false, usedParts: [1], expect: { absent: true } }),
          'storage.precondition_failed',
        );
        assert.deepEqual(await store.getUpload(u.uploadId), u);
        assert.deepEqual(await store.listParts(u.uploadId, { limit: 10 }), [p]);
        assert.equal((await store.getVersion('b', 'k'))?.versionId, 'v0');
        // A later completion with a satisfiable precondition still works.
        const done = await store.completeUpload(u.uploadId, version('b', 'k', 'v1'), {
          replaceNull: false,
          usedParts: [1],
          expect: { etag: '"5d41402abc4b2a76b9719d911017c592"' },
        });
        assert.deepEqual(done.unusedParts, []);
        assert.equal((await store.getVersion('b', 'k'))?.versionId, 'v1');
      }));

    it('refuses to complete an upload with a version of another key and keeps the upload', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b', { versioning: 'Enabled' }));
        const u = upload('b', 'k');
        await store.createUpload(u);
        await store.putPart(part(u.uploadId, 1));
        await rejectsWith(
          store.completeUpload(u.uploadId, version('b', 'other', 'v1'), { replaceNull: false, usedParts: [1] }),
          'storage.invalid_argument',
        );
        assert.deepEqual(await store.getUpload(u.uploadId), u);
        assert.equal(await store.getVersion('b', 'other'), null);
      }));

    it('aborts an upload, returning its parts, and fails for an unknown upload', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b'));
        const u = upload('b', 'k');
        const other = upload('b', 'k');
        await store.createUpload(u);
        await store.createUpload(other);
        const parts = [1, 2].map((n) => part(u.uploadId, n));
        for (const p of parts) await store.putPart(p);
        await store.putPart(part(other.uploadId, 1));
        assert.deepEqual(await store.abortUpload(u.uploadId), parts);
        assert.equal(await store.getUpload(u.uploadId), null);
        assert.deepEqual(await store.listParts(u.uploadId, { limit: 10 }), []);
        assert.equal((await store.listParts(other.uploadId, { limit: 10 })).length, 1);
        await rejectsWith(store.abortUpload(u.uploadId), 'storage.no_such_upload');
      }));
  });
}
