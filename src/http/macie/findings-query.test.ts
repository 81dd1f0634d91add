import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { meetsCriteria, page, sortBy, valuesAt } from './findings-query.js';

const f = (id: string, severity: string, bucket: string, createdAt: string, score: number) => ({
  id, severity: { description: severity, score }, createdAt, resourcesAffected: { s3Bucket: { name: bucket, tags: [{ key: 'team', value: 'hr' }] } },
});
const docs = [f('a', 'High', 'hr', '2026-11-28T10:00:00.000Z', 3), f('b', 'Low', 'logs', '2026-11-28T11:00:00.000Z', 1), f('c', 'Medium', 'hr', '2026-11-28T12:00:00.000Z', 2)];

describe('Macie finding criteria', () => {
  it('filters with eq (any of), neq (none of) and numeric and timestamp ranges', () => {
    assert.deepEqual(docs.filter((d) => meetsCriteria(d, { 'severity.description': { eq: ['High', 'Medium'] } })).map((d) => d.id), ['a', 'c']);
    assert.deepEqual(docs.filter((d) => meetsCriteria(d, { 'resourcesAffected.s3Bucket.name': { neq: ['hr'] } })).map((d) => d.id), ['b']);
    assert.deepEqual(docs.filter((d) => meetsCriteria(d, { 'severity.score': { gte: 2 } })).map((d) => d.id), ['a', 'c']);
    assert.deepEqual(docs.filter((d) => meetsCriteria(d, { createdAt: { gt: Date.parse('2026-11-28T10:30:00Z') } })).map((d) => d.id), ['b', 'c']);
  });
  it('reads values through arrays (tags)', () => {
    assert.deepEqual(valuesAt(docs[0], 'resourcesAffected.s3Bucket.tags.key'), ['team']);
  });
  it('sorts by a dotted attribute and pages with an opaque token', () => {
    assert.deepEqual(sortBy(docs, { attributeName: 'severity.score', orderBy: 'DESC' }).map((d) => d.id), ['a', 'c', 'b']);
    const first = page(docs, undefined, 2, 50);
    assert.equal(first.items.length, 2);
    const second = page(docs, first.nextToken, 2, 50);
    assert.deepEqual(second.items.map((d) => d.id), ['c']);
    assert.equal(second.nextToken, undefined);
  });
});
