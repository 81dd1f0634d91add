import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync, gzipSync } from 'node:zlib';
import { MasterKey } from '../crypto/index.js';
import { openAuditTrail } from './trail.js';
import { exportOnce, verifyDigestChain, type ExportOptions, type FetchedObject } from './export.js';
import { ACCOUNT, REGION, sampleEvent, tempDir } from './testing.js';

const masterKey = MasterKey.generate();

describe('audit CloudTrail-format export', () => {
  it('delivers gzipped {"Records":[...]} files named like CloudTrail and a signed digest chain that verifies', async (t) => {
    const dir = await tempDir(t);
    let now = Date.UTC(2026, 5, 1, 10, 0, 0);
    const clock = { now: () => now };
    const trail = await openAuditTrail({ dir, masterKey, accountId: ACCOUNT, region: REGION, clock });
    const bucket = 'trail-logs';
    const store = new Map<string, FetchedObject>();
    const opts: ExportOptions = {
      dir, masterKey, accountId: ACCOUNT, region: REGION, bucket, prefix: 'org', clock,
      sink: { put: async (b, key, body, metadata) => void (assert.equal(b, bucket), store.set(key, { body, metadata })) },
      sign: (d) => trail.signExport(d),
      latestCheckpoint: () => trail.latestCheckpoint(),
    };
    for (let i = 0; i < 5; i++) await trail.record(sampleEvent(i));
    const first = await exportOnce(opts);
    assert.equal(first.records, 5);
    assert.match(first.logFile!, new RegExp(`^org/AWSLogs/${ACCOUNT}/CloudTrail/${REGION}/2026/06/01/${ACCOUNT}_CloudTrail_${REGION}_20260601T1000Z_[A-Za-z0-9]{16}\\.json\\.gz$`));
    assert.match(first.digest, new RegExp(`^org/AWSLogs/${ACCOUNT}/CloudTrail-Digest/${REGION}/2026/06/01/${ACCOUNT}_CloudTrail-Digest_${REGION}_coffer_${REGION}_20260601T100000Z\\.json\\.gz$`));
    const log = JSON.parse(gunzipSync(store.get(first.logFile!)!.body).toString('utf8'));
    assert.equal(log.Records.length, 5);
    assert.equal(log.Records[0].eventName, 'PutObject');

    // An hour without requests: an empty digest (no log file), as CloudTrail delivers.
    now += 3_600_000;
    const empty = await exportOnce(opts);
    assert.equal(empty.logFile, null);
    const emptyDigest = JSON.parse(gunzipSync(store.get(empty.digest)!.body).toString('utf8'));
    assert.deepEqual(emptyDigest.logFiles, []);
    assert.equal(emptyDigest.previousDigestS3Object, first.digest);
    assert.equal(emptyDigest.newestEventTime, null);
    // Two exports in the same second still get distinct digest names.
    for (let i = 5; i < 8; i++) await trail.record(sampleEvent(i));
    const third = await exportOnce(opts);
    const fourth = await exportOnce(opts);
    assert.notEqual(third.digest, fourth.digest);
    assert.equal(third.records, 3);
    assert.equal(fourth.records, 0);
    await trail.close();

    const vkey = trail.publicKey();
    const report = verifyDigestChain(bucket, store, [vkey]);
    assert.deepEqual(report.problems, []);
    assert.equal(report.digests, 4);
    assert.equal(report.records, 8);

    // Tampering: a modified log file, a removed digest, a forged signature, a moved digest.
    const edited = new Map(store);
    const records = JSON.parse(gunzipSync(store.get(first.logFile!)!.body).toString('utf8'));
    records.Records.pop();
    edited.set(first.logFile!, { body: gzipSync(JSON.stringify(records)), metadata: {} });
    assert.match(verifyDigestChain(bucket, edited, [vkey]).problems.join('\n'), /hash value doesn't match/);
    const removed = new Map(store);
    removed.delete(empty.digest);
    assert.match(verifyDigestChain(bucket, removed, [vkey]).problems.join('\n'), /not found/);
    const forged = new Map(store);
    forged.set(third.digest, { ...store.get(third.digest)!, metadata: { signature: 'ab'.repeat(64), 'signature-algorithm': 'Ed25519' } });
    assert.match(verifyDigestChain(bucket, forged, [vkey]).problems.join('\n'), /signature verification failed/);
    assert.match(verifyDigestChain('another-bucket', store, [vkey]).problems.join('\n'), /moved from its original location/);
    // A backlog is cut into several files, all listed in one digest.
    const dir2 = await tempDir(t);
    const trail2 = await openAuditTrail({ dir: dir2, masterKey, accountId: ACCOUNT, region: REGION, clock });
    for (let i = 0; i < 7; i++) await trail2.record(sampleEvent(i));
    const store2 = new Map<string, FetchedObject>();
    const run = await exportOnce({ ...opts, dir: dir2, sign: (d) => trail2.signExport(d), sink: { put: async (_b, key, body, metadata) => void store2.set(key, { body, metadata }) }, maxRecordsPerFile: 3 });
    await trail2.close();
    assert.equal(run.logFiles.length, 3);
    const chunked = verifyDigestChain(bucket, store2, [trail2.publicKey()]);
    assert.deepEqual(chunked.problems, []);
    assert.equal(chunked.records, 7);
    const otherKey = (await openAuditTrail({ dir: await tempDir(t), masterKey, accountId: ACCOUNT, region: REGION })).publicKey();
    assert.match(verifyDigestChain(bucket, store, [otherKey]).problems.join('\n'), /public key not found/);
  });
});
