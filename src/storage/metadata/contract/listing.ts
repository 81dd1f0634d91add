/** Contract: listLatest and listVersions (order, prefix, markers, paging). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetadataStore, ObjectVersionRecord } from '../port.js';
import { bucket, deleteMarker, ids, utf8Sorted, version, withStore, type MakeMetadataStore } from './fixtures.js';

/**
 * Keys whose UTF-8 order differs from JavaScript's UTF-16 order: U+10000 is a surrogate pair
 * (0xD800...) in UTF-16, below U+FF5A, but F0 90 80 80 in UTF-8, above EF BD 9A.
 */
const ORDER_KEYS = ['a', 'a/b', 'a0', 'é', '\u{10000}', 'Z', '\uFF5A', 'ab', '\u007f', 'z', 'a b', 'éa', 'xxx'];

async function pageLatest(store: MetadataStore, bucketName: string, limit: number, prefix?: string): Promise<string[]> {
  const keys: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.listLatest(bucketName, { limit, ...(after === undefined ? {} : { after }), ...(prefix === undefined ? {} : { prefix }) });
    assert.ok(page.length <= limit);
    keys.push(...page.map((r) => r.key));
    if (page.length < limit) return keys;
    after = page[page.length - 1]!.key;
  }
}

async function pageVersions(store: MetadataStore, bucketName: string, limit: number, prefix?: string): Promise<ObjectVersionRecord[]> {
  const out: ObjectVersionRecord[] = [];
  let marker: { keyMarker: string; versionIdMarker: string } | undefined;
  for (let guard = 0; guard < 10_000; guard++) {
    const page = await store.listVersions(bucketName, { limit, ...(marker ?? {}), ...(prefix === undefined ? {} : { prefix }) });
    assert.ok(page.length <= limit);
    out.push(...page);
    if (page.length < limit) return out;
    const last = page[page.length - 1]!;
    marker = { keyMarker: last.key, versionIdMarker: last.versionId };
  }
  throw new Error('paging did not terminate');
}

export function listingContract(make: MakeMetadataStore): void {
  describe('listing current objects', () => {
    it('lists keys in UTF-8 byte order, not UTF-16 order', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b'));
        for (const k of [...ORDER_KEYS].reverse()) await store.putVersion(version('b', k, 'null'), { replaceNull: true });
        const expected = utf8Sorted(ORDER_KEYS);
        assert.notDeepEqual(expected, [...ORDER_KEYS].sort(), 'the fixture must distinguish the two orders');
        assert.deepEqual((await store.listLatest('b', { limit: 100 })).map((r) => r.key), expected);
        assert.deepEqual(await pageLatest(store, 'b', 1), expected);
        assert.deepEqual(await pageLatest(store, 'b', 3), expected);
        assert.deepEqual((await store.listVersions('b', { limit: 100 })).map((r) => r.key), expected);
      }));

    it('filters by prefix by bytes, including multi-byte prefixes', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b'));
        for (const k of ORDER_KEYS) await store.putVersion(version('b', k, 'null'), { replaceNull: true });
        const keys = async (prefix: string) => (await store.listLatest('b', { prefix, limit: 100 })).map((r) => r.key);
        assert.deepEqual(await keys('a'), utf8Sorted(['a', 'a/b', 'a0', 'ab', 'a b']));
        assert.deepEqual(await keys('a/'), ['a/b']);
        assert.deepEqual(await keys('é'), ['é', 'éa']);
        assert.deepEqual(await keys('\u{10000}'), ['\u{10000}']);
        assert.deepEqual(await keys('q'), []);
        assert.deepEqual(await keys(''), utf8Sorted(ORDER_KEYS));
        assert.deepEqual(await pageLatest(store, 'b', 2, 'a'), utf8Sorted(['a', 'a/b', 'a0', 'ab', 'a b']));
      }));

    it('starts strictly after the given key and honours the limit', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b'));
        for (const k of ['k1', 'k2', 'k3', 'k4', 'k5']) await store.putVersion(version('b', k, 'null'), { replaceNull: true });
        assert.deepEqual((await store.listLatest('b', { after: 'k2', limit: 2 })).map((r) => r.key), ['k3', 'k4']);
        assert.deepEqual((await store.listLatest('b', { after: 'k25', limit: 10 })).map((r) => r.key), ['k3', 'k4', 'k5']);
        assert.deepEqual((await store.listLatest('b', { after: 'k5', limit: 10 })).map((r) => r.key), []);
        assert.deepEqual(await store.listLatest('b', { limit: 0 }), []);
        assert.deepEqual((await store.listLatest('b', { prefix: 'k', after: 'a', limit: 1 })).map((r) => r.key), ['k1']);
      }));

    it('omits keys whose latest version is a delete marker and returns the latest version of the rest', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b', { versioning: 'Enabled' }));
        await store.putVersion(version('b', 'deleted', 'v1'), { replaceNull: false });
        await store.putVersion(deleteMarker('b', 'deleted', 'dm1'), { replaceNull: false });
        await store.putVersion(version('b', 'revived', 'v1'), { replaceNull: false });
        await store.putVersion(deleteMarker('b', 'revived', 'dm1'), { replaceNull: false });
        await store.putVersion(version('b', 'revived', 'v2', { size: 7 }), { replaceNull: false });
        await store.putVersion(version('b', 'plain', 'v1', { size: 3 }), { replaceNull: false });
        await store.putVersion(version('b', 'plain', 'v2', { size: 4 }), { replaceNull: false });
        const listed = await store.listLatest('b', { limit: 10 });
        assert.deepEqual(ids(listed), ['plain#v2', 'revived#v2']);
        assert.deepEqual(listed.map((r) => r.size), [4, 7]);
        // Removing the marker makes the key current again.
        await store.deleteVersion('b', 'deleted', 'dm1');
        assert.deepEqual(ids(await store.listLatest('b', { limit: 10 })), ['deleted#v1', 'plain#v2', 'revived#v2']);
      }));

    it('counts the limit in listed keys, not in skipped delete markers', () =>
      withStore(make, async ({ store }) => {
        await store.createBucket(bucket('b', { versioning: 'Enabled' }));
        for (let i = 0; i < 6; i++) {
          await store.putVersion(version('b', `k${i}`, 'v1'), { replaceNull: false });
          if (i % 2 === 0) await store.putVersion(deleteMarker('b', `k${i}`, 'dm'), { replaceNull: false });
        }
        assert.deepEqual((await store.listLatest('b', { limit: 2 })).map((r) => r.key), ['k1', 'k3']);
        assert.deepEqual(await pageLatest(store, 'b', 1), ['k1', 'k3', 'k5']);
      }));
  });

  describe('listing versions', () => {
    /** 6 keys with 1..7 versions each, mixing delete markers and 'null' versions: 27 rows. */
    async function populate(store: MetadataStore): Promise<ObjectVersionRecord[]> {
      await store.createBucket(bucket('b', { versioning: 'Enabled' }));
      const keys = ['p/a', 'p/é', 'p/b', 'q', 'p/\u{10000}', 'p/ab'];
      for (let round = 0; round < 7; round++) {
        for (const [i, key] of keys.entries()) {
          if (round > i + 1) continue;
          const id = `r${round}`;
          if (round === 0) await store.putVersion(version('b', key, 'null'), { replaceNull: true });
          else if (round % 3 === 0) await store.putVersion(deleteMarker('b', key, id), { replaceNull: false });
          else await store.putVersion(version('b', key, id), { replaceNull: false });
        }
      }
      const all = await store.listVersions('b', { limit: 1000 });
      assert.equal(all.length, 27);
      return all;
    }

    it('lists keys ascending by bytes and each key newest first', () =>
      withStore(make, async ({ store }) => {
        const all = await populate(store);
        const keyOrder = [...new Set(all.map((r) => r.key))];
        assert.deepEqual(keyOrder, utf8Sorted(keyOrder));
        for (let i = 1; i < all.length; i++) {
          const [prev, cur] = [all[i - 1]!, all[i]!];
          if (prev.key === cur.key) assert.ok(prev.seq > cur.seq, 'newest first within a key');
        }
        assert.ok(all.some((r) => r.isDeleteMarker) && all.some((r) => r.versionId === 'null'));
      }));

    it('pages through every version with small limits and matches the full listing', () =>
      withStore(make, async ({ store }) => {
        const all = await populate(store);
        for (const limit of [1, 2, 3, 5, 26, 27, 28]) {
          assert.deepEqual(ids(await pageVersions(store, 'b', limit)), ids(all), `limit ${limit}`);
        }
        const underP = all.filter((r) => r.key.startsWith('p/'));
        for (const limit of [1, 4]) assert.deepEqual(ids(await pageVersions(store, 'b', limit, 'p/')), ids(underP));
      }));

    it('skips every version of keyMarker when no versionIdMarker is given', () =>
      withStore(make, async ({ store }) => {
        const all = await populate(store);
        const got = await store.listVersions('b', { keyMarker: 'p/b', limit: 1000 });
        const want = all.filter((r) => Buffer.compare(Buffer.from(r.key), Buffer.from('p/b')) > 0);
        assert.deepEqual(ids(got), ids(want));
      }));

    it("continues after a 'null' version marker", () =>
      withStore(make, async ({ store }) => {
        const all = await populate(store);
        const i = all.findIndex((r) => r.key === 'p/ab' && r.versionId === 'null');
        assert.ok(i >= 0);
        const got = await store.listVersions('b', { keyMarker: 'p/ab', versionIdMarker: 'null', limit: 3 });
        assert.deepEqual(ids(got), ids(all.slice(i + 1, i + 4)));
      }));
  });
}
