import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MasterKey } from '../crypto/index.js';
import { isCofferError } from '../shared/index.js';
import { lookupEvents, type LookupEventsInput } from './lookup.js';
import { rm as remove } from 'node:fs/promises';
import { openAuditTrail, type AuditTrail } from './trail.js';
import { ACCOUNT, REGION, sampleEvent } from './testing.js';

const masterKey = MasterKey.generate();
const T0 = Date.UTC(2026, 0, 1);
let dir = '';
const ids: string[] = [];

// 12 events, one a minute: users alternate alice/bob, operations cycle Put/Get/Delete, two buckets.
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coffer-audit-lookup-'));
  const trail = await openAuditTrail({ dir, masterKey, accountId: ACCOUNT, region: REGION, maxSegmentBytes: 3000 });
  for (let i = 0; i < 12; i++) {
    const e = sampleEvent(i, { user: i % 2 ? 'bob' : 'alice', operation: ['PutObject', 'GetObject', 'DeleteObject'][i % 3] as string, bucket: i < 6 ? 'alpha' : 'beta', time: T0 + i * 60_000 });
    ids.push(e.eventID);
    await trail.record(e);
  }
  await trail.close();
  // Reopened: the index written while recording answers; a second trail rebuilds its index from the segments.
  indexed = await openAuditTrail({ dir, masterKey, accountId: ACCOUNT, region: REGION });
});
after(async () => {
  await indexed?.close();
  await rm(dir, { recursive: true, force: true });
});

let indexed: AuditTrail | undefined;
const idx = (ids2: string[]) => ids2.map((id) => ids.indexOf(id));

for (const source of ['segment scan', 'lookup index'] as const) describe(`audit lookupEvents (${source})`, () => {
  const look = (input: LookupEventsInput) => (source === 'segment scan' ? lookupEvents(dir, masterKey, input) : (indexed as AuditTrail).lookupEvents(input));
  it('returns events newest first, shaped like CloudTrail LookupEvents', async () => {
    const r = await look({});
    assert.deepEqual(idx(r.events.map((e) => e.EventId)), [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    const e = r.events[0];
    assert.equal(e?.EventName, 'DeleteObject');
    assert.equal(e?.ReadOnly, 'false');
    assert.equal(e?.Username, 'bob');
    assert.equal(e?.EventSource, 's3.amazonaws.com');
    assert.deepEqual(e?.EventTime, new Date(T0 + 11 * 60_000));
    assert.deepEqual(e?.Resources.map((x) => x.ResourceType), ['AWS::S3::Object', 'AWS::S3::Bucket']);
    assert.equal(JSON.parse(e?.CloudTrailEvent ?? '{}').eventID, ids[11]);
    assert.equal(r.nextToken, undefined);
  });

  it('filters by each lookup attribute', async () => {
    const by = async (AttributeKey: NonNullable<LookupEventsInput['lookupAttributes']>[number]['AttributeKey'], AttributeValue: string) =>
      idx((await look({ lookupAttributes: [{ AttributeKey, AttributeValue }] })).events.map((e) => e.EventId));
    assert.deepEqual(await by('EventName', 'GetObject'), [10, 7, 4, 1]);
    assert.deepEqual(await by('Username', 'alice'), [10, 8, 6, 4, 2, 0]);
    assert.deepEqual(await by('AccessKeyId', 'AKIABOBXXXXXXXXXXXXX'), [11, 9, 7, 5, 3, 1]);
    assert.deepEqual(await by('EventId', ids[5] as string), [5]);
    assert.deepEqual(await by('ReadOnly', 'true'), [10, 7, 4, 1]);
    assert.deepEqual(await by('ResourceName', 'beta'), [11, 10, 9, 8, 7, 6]);
    assert.deepEqual(await by('ResourceName', 'arn:aws:s3:::alpha/patients/record-2.pdf'), [2]);
    assert.deepEqual(await by('ResourceType', 'AWS::S3::Bucket'), [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    assert.deepEqual(await by('EventSource', 'iam.amazonaws.com'), []);
  });

  it('filters by an inclusive time range', async () => {
    const r = await look({ startTime: new Date(T0 + 3 * 60_000), endTime: new Date(T0 + 5 * 60_000) });
    assert.deepEqual(idx(r.events.map((e) => e.EventId)), [5, 4, 3]);
  });

  it('pages with MaxResults and NextToken without gaps or repeats', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await look({ lookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'alice' }], maxResults: 4, ...(token ? { nextToken: token } : {}) });
      seen.push(...r.events.map((e) => e.EventId));
      token = r.nextToken;
      pages += 1;
    } while (token && pages < 10);
    assert.equal(pages, 2);
    assert.deepEqual(idx(seen), [10, 8, 6, 4, 2, 0]);
  });

  it('rejects a NextToken reused with other parameters, altered, or forged', async () => {
    const r = await look({ maxResults: 2 });
    const token = r.nextToken as string;
    const bad = (e: unknown) => isCofferError(e, 'audit.invalid_next_token');
    await assert.rejects(look({ maxResults: 2, nextToken: token, lookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GetObject' }] }), bad);
    await assert.rejects(look({ nextToken: (token[0] === 'e' ? 'f' : 'e') + token.slice(1) }), bad);
    await assert.rejects(look({ nextToken: 'eyJ2IjoxLCJiIjo1fQ.AAAA' }), bad);
    if (source === 'segment scan') await assert.rejects(lookupEvents(dir, MasterKey.generate(), { nextToken: token }), bad);
    assert.equal((await look({ maxResults: 3, nextToken: token })).events.length, 3);
  });

  it('rejects invalid attributes, ranges and page sizes', async () => {
    const code = (c: string) => (e: unknown) => isCofferError(e, c);
    await assert.rejects(look({ lookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'a' }, { AttributeKey: 'Username', AttributeValue: 'b' }] }), code('audit.invalid_lookup_attributes'));
    await assert.rejects(look({ lookupAttributes: [{ AttributeKey: 'Nope' as 'EventName', AttributeValue: 'a' }] }), code('audit.invalid_lookup_attributes'));
    await assert.rejects(look({ startTime: new Date(T0 + 1), endTime: new Date(T0) }), code('audit.invalid_time_range'));
    await assert.rejects(look({ maxResults: 0 }), code('audit.invalid_max_results'));
    await assert.rejects(look({ maxResults: 51 }), code('audit.invalid_max_results'));
  });
});

describe('audit lookup index', () => {
  it('is rebuilt from the segments when it is missing, and follows new records at once', async () => {
    const d = await mkdtemp(join(tmpdir(), 'coffer-audit-lookup-'));
    try {
      let trail = await openAuditTrail({ dir: d, masterKey, accountId: ACCOUNT, region: REGION, maxSegmentBytes: 3000 });
      for (let i = 0; i < 8; i++) await trail.record(sampleEvent(i, { user: i < 5 ? 'alice' : 'bob' }));
      await trail.close();
      for (const suffix of ['', '-wal', '-shm']) await remove(join(d, `lookup.db${suffix}`), { force: true });
      trail = await openAuditTrail({ dir: d, masterKey, accountId: ACCOUNT, region: REGION });
      const byBob = () => trail.lookupEvents({ lookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'bob' }] });
      assert.equal((await byBob()).events.length, 3);
      await trail.record(sampleEvent(8, { user: 'bob' }));
      assert.equal((await byBob()).events.length, 4, 'a recorded event is visible to the next lookup');
      await trail.close();
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });

  it('starts afresh when the index file belongs to another trail or is not an index', async () => {
    const d = await mkdtemp(join(tmpdir(), 'coffer-audit-lookup-'));
    try {
      let trail = await openAuditTrail({ dir: d, masterKey, accountId: ACCOUNT, region: REGION });
      for (let i = 0; i < 3; i++) await trail.record(sampleEvent(i));
      await trail.close();
      await remove(join(d, 'lookup.db-wal'), { force: true });
      await writeFile(join(d, 'lookup.db'), 'not a database');
      trail = await openAuditTrail({ dir: d, masterKey, accountId: ACCOUNT, region: REGION });
      assert.equal((await trail.lookupEvents({})).events.length, 3);
      await trail.close();
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });
});
