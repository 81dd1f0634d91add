import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MasterKey } from '../crypto/index.js';
import { isCofferError } from '../shared/index.js';
import { openAuditTrail, type AuditTrailOptions } from './trail.js';
import { readAuditEvents } from './read-events.js';
import { verifyAuditTrail } from './verify.js';
import { ACCOUNT, REGION, sampleEvent, tempDir } from './testing.js';

const masterKey = MasterKey.generate();
const opts = (dir: string, over: Partial<AuditTrailOptions> = {}): AuditTrailOptions => ({ dir, masterKey, accountId: ACCOUNT, region: REGION, ...over });

async function readAll(dir: string, key = masterKey) {
  const out = [];
  for await (const e of readAuditEvents(dir, key)) out.push(e);
  return out;
}

describe('audit trail', () => {
  it('reads back every recorded event in order with its log index', async (t) => {
    const dir = await tempDir(t);
    const trail = await openAuditTrail(opts(dir));
    const events = [0, 1, 2, 3, 4].map((i) => sampleEvent(i));
    for (const [i, e] of events.entries()) assert.deepEqual(await trail.record(e), { index: i, eventID: e.eventID });
    await trail.close();
    const back = await readAll(dir);
    assert.deepEqual(back.map((s) => s.index), [0, 1, 2, 3, 4]);
    assert.deepEqual(back.map((s) => s.event), events);
  });

  it('keeps events across close and reopen, continues the log and verifies intact', async (t) => {
    const dir = await tempDir(t);
    let trail = await openAuditTrail(opts(dir));
    for (let i = 0; i < 3; i++) await trail.record(sampleEvent(i));
    await trail.close();
    trail = await openAuditTrail(opts(dir));
    for (let i = 3; i < 6; i++) assert.equal((await trail.record(sampleEvent(i))).index, i);
    await trail.close();
    assert.deepEqual((await readAll(dir)).map((s) => s.event.requestID), ['REQ0', 'REQ1', 'REQ2', 'REQ3', 'REQ4', 'REQ5']);
    const report = await verifyAuditTrail(dir, masterKey);
    assert.equal(report.ok, true, JSON.stringify(report.issues));
    assert.equal(report.records, 6);
    assert.equal(report.segments, 2);
    assert.equal(report.lastCheckpoint?.size, 6);
    assert.deepEqual(report.warnings, []);
  });

  it('commits concurrent records with fewer fsyncs than records, and all of them are durable', async (t) => {
    const dir = await tempDir(t);
    const trail = await openAuditTrail(opts(dir));
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => trail.record(sampleEvent(i))));
    const stats = trail.stats();
    await trail.close();
    assert.deepEqual(results.map((r) => r.index).sort((a, b) => a - b), Array.from({ length: 300 }, (_, i) => i));
    assert.equal(stats.records, 300);
    assert.ok(stats.fsyncs < 300, `fsyncs ${stats.fsyncs}`);
    assert.equal((await readAll(dir)).length, 300);
    assert.equal((await verifyAuditTrail(dir, masterKey)).ok, true);
  });

  it('stores no bucket name, object key, user name or IP address in plaintext', async (t) => {
    const dir = await tempDir(t);
    const trail = await openAuditTrail(opts(dir));
    await trail.record(sampleEvent(7));
    await trail.close();
    const segs = await readdir(join(dir, 'segments'));
    const bytes = Buffer.concat(await Promise.all(segs.map((s) => readFile(join(dir, 'segments', s)))));
    for (const needle of ['confidential-bucket', 'record-7.pdf', 'alice', '127.0.0.1', 'PutObject', 'GetObject']) {
      assert.equal(bytes.includes(Buffer.from(needle)), false, needle);
    }
  });

  it('refuses to decrypt with another master key', async (t) => {
    const dir = await tempDir(t);
    const trail = await openAuditTrail(opts(dir));
    await trail.record(sampleEvent(1));
    await trail.close();
    await assert.rejects(readAll(dir, MasterKey.generate()), (e) => isCofferError(e, 'audit.integrity'));
    await assert.rejects(openAuditTrail(opts(dir, { masterKey: MasterKey.generate() })), (e) => isCofferError(e, 'audit.signing_key_invalid'));
  });

  it('rotates segments by size and still verifies and reads everything', async (t) => {
    const dir = await tempDir(t);
    const trail = await openAuditTrail(opts(dir, { maxSegmentBytes: 4096 }));
    for (let i = 0; i < 40; i++) await trail.record(sampleEvent(i));
    await trail.close();
    const report = await verifyAuditTrail(dir, masterKey);
    assert.equal(report.ok, true, JSON.stringify(report.issues));
    assert.ok(report.segments > 3, `segments ${report.segments}`);
    assert.equal((await readAll(dir)).length, 40);
  });

  it('signs checkpoints every N records and with a rotated key, and verifies both keys', async (t) => {
    const dir = await tempDir(t);
    const seen: string[] = [];
    const trail = await openAuditTrail(opts(dir, { checkpointEvery: 5, onCheckpoint: (n) => seen.push(n) }));
    const first = trail.publicKey();
    for (let i = 0; i < 10; i++) await trail.record(sampleEvent(i));
    const second = await trail.rotateSigningKey();
    assert.notEqual(first, second);
    for (let i = 10; i < 12; i++) await trail.record(sampleEvent(i));
    await trail.close();
    assert.equal(seen.length, 3);
    assert.match(seen[2] as string, /^coffer\.audit\/123456789012\/us-east-1\/[0-9a-f]{16}\n12\n/);
    const report = await verifyAuditTrail(dir, masterKey);
    assert.equal(report.ok, true, JSON.stringify(report.issues));
    assert.equal(report.checkpoints, 3);
    // Without the master key, only explicitly trusted keys count.
    const onlyFirst = await verifyAuditTrail(dir, null, { trustedKeys: [first] });
    assert.equal(onlyFirst.ok, false);
    assert.equal(onlyFirst.issues[0]?.kind, 'checkpoint_signature');
    const both = await verifyAuditTrail(dir, null, { trustedKeys: [first, second] });
    assert.equal(both.ok, true, JSON.stringify(both.issues));
    assert.equal(both.contentsVerified, false);
  });

  it('recovers from a torn write at the tail without losing or counting the torn bytes', async (t) => {
    const dir = await tempDir(t);
    let trail = await openAuditTrail(opts(dir));
    for (let i = 0; i < 3; i++) await trail.record(sampleEvent(i));
    await trail.close();
    const segs = (await readdir(join(dir, 'segments'))).sort();
    await appendFile(join(dir, 'segments', segs[segs.length - 1] as string), Buffer.from([1, 0, 0, 1, 0, 7, 7]));
    const torn = await verifyAuditTrail(dir, masterKey);
    assert.equal(torn.ok, false);
    assert.equal(torn.issues[0]?.kind, 'truncated');
    trail = await openAuditTrail(opts(dir));
    await trail.record(sampleEvent(3));
    await trail.close();
    const report = await verifyAuditTrail(dir, masterKey);
    assert.equal(report.ok, true, JSON.stringify(report.issues));
    assert.deepEqual(report.warnings.map((w) => w.kind), ['torn_tail_preserved']);
    assert.equal((await readAll(dir)).length, 4);
  });

  it('writes and seals records still queued when close is called', async (t) => {
    const dir = await tempDir(t);
    const trail = await openAuditTrail(opts(dir, { maxQueuedBytes: 3000 }));
    const pending = Array.from({ length: 50 }, (_, i) => trail.record(sampleEvent(i)));
    await trail.close();
    assert.equal((await Promise.all(pending)).length, 50);
    const report = await verifyAuditTrail(dir, masterKey);
    assert.equal(report.ok, true, JSON.stringify(report.issues));
    assert.equal(report.lastCheckpoint?.size, 50);
    assert.deepEqual(report.warnings, []);
  });

  it('truncates oversized request parameters like CloudTrail instead of refusing the request', async (t) => {
    const dir = await tempDir(t);
    const trail = await openAuditTrail(opts(dir));
    const big = { ...sampleEvent(1), requestParameters: { bucketName: 'b', note: 'a b '.repeat(300 * 1024) } };
    await trail.record(big);
    await trail.close();
    const [stored] = await readAll(dir);
    assert.deepEqual(stored?.event.requestParameters, { truncated: true });
    assert.equal(stored?.event.eventID, big.eventID);
  });

  it('rejects records after close with audit.unavailable', async (t) => {
    const dir = await tempDir(t);
    const trail = await openAuditTrail(opts(dir));
    await trail.close();
    await assert.rejects(trail.record(sampleEvent(0)), (e) => isCofferError(e, 'audit.unavailable'));
  });

  it('bounds memory: records beyond the queue limit wait instead of piling up, and all complete', async (t) => {
    const dir = await tempDir(t);
    const trail = await openAuditTrail(opts(dir, { maxQueuedBytes: 2000 }));
    const all = await Promise.all(Array.from({ length: 100 }, (_, i) => trail.record(sampleEvent(i))));
    const size = JSON.stringify(sampleEvent(99)).length;
    assert.ok(trail.stats().peakQueuedBytes <= 2000 + size, `peak ${trail.stats().peakQueuedBytes}`);
    await trail.close();
    assert.equal(all.length, 100);
    assert.equal((await verifyAuditTrail(dir, masterKey)).records, 100);
  });
});
