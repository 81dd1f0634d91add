import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { listingPrefix, objectInScope, sampled, selectBuckets } from './job-scope.js';

const obj = (key: string, size = 100, lastModified = Date.parse('2026-01-02T00:00:00Z'), tags: Record<string, string> = {}) => ({ key, size, lastModified, tags });

describe('classification job scope', () => {
  it('keeps objects matching every include term and drops those matching every exclude term', () => {
    const scoping = {
      includes: { and: [{ simpleScopeTerm: { key: 'OBJECT_KEY' as const, comparator: 'STARTS_WITH' as const, values: ['hr/'] } }, { simpleScopeTerm: { key: 'OBJECT_SIZE' as const, comparator: 'LT' as const, values: ['1000'] } }] },
      excludes: { and: [{ simpleScopeTerm: { key: 'OBJECT_EXTENSION' as const, comparator: 'EQ' as const, values: ['jpg'] } }] },
    };
    assert.equal(objectInScope(scoping, obj('hr/people.csv')), true);
    assert.equal(objectInScope(scoping, obj('hr/photo.JPG')), false);
    assert.equal(objectInScope(scoping, obj('hr/big.csv', 5000)), false);
    assert.equal(objectInScope(scoping, obj('sales/people.csv')), false);
    assert.equal(listingPrefix(scoping), 'hr/');
  });

  it('scopes by last-modified date and by object tags', () => {
    const since = { includes: { and: [{ simpleScopeTerm: { key: 'OBJECT_LAST_MODIFIED_DATE' as const, comparator: 'GTE' as const, values: ['2026-01-01T00:00:00Z'] } }] } };
    assert.equal(objectInScope(since, obj('a')), true);
    assert.equal(objectInScope(since, obj('a', 1, Date.parse('2025-12-31T00:00:00Z'))), false);
    const tagged = { includes: { and: [{ tagScopeTerm: { key: 'TAG', comparator: 'EQ' as const, tagValues: [{ key: 'class', value: 'pii' }], target: 'S3_OBJECT' as const } }] } };
    assert.equal(objectInScope(tagged, obj('a', 1, 0, { class: 'pii' })), true);
    assert.equal(objectInScope(tagged, obj('a', 1, 0, { class: 'public' })), false);
  });

  it('selects defined buckets that exist, or buckets matching the criteria', () => {
    const buckets = [{ name: 'hr-data', tags: { team: 'hr' } }, { name: 'logs', tags: null }, { name: 'hr-archive', tags: null }];
    assert.deepEqual(selectBuckets({ bucketDefinitions: [{ accountId: '1', buckets: ['logs', 'gone'] }] }, buckets, '1'), ['logs']);
    assert.deepEqual(selectBuckets({ bucketCriteria: { includes: { and: [{ simpleCriterion: { key: 'S3_BUCKET_NAME', comparator: 'STARTS_WITH', values: ['hr-'] } }] } } }, buckets, '1'), ['hr-archive', 'hr-data']);
    assert.deepEqual(selectBuckets({ bucketCriteria: { includes: { and: [{ tagCriterion: { comparator: 'EQ', tagValues: [{ key: 'team', value: 'hr' }] } }] } } }, buckets, '1'), ['hr-data']);
  });

  it('samples about the requested share of objects, repeatably within a run', () => {
    let n = 0;
    for (let i = 0; i < 2000; i++) if (sampled('run-1', 'b', `k${i}`, 25)) n++;
    assert.ok(n > 400 && n < 600, String(n));
    assert.equal(sampled('run-1', 'b', 'k7', 25), sampled('run-1', 'b', 'k7', 25));
    assert.equal(sampled('run-1', 'b', 'k7', 100), true);
  });
});
