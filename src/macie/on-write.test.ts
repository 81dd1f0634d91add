import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ACCOUNT, openFixture, removeDir, SENSITIVE_TEXT, type Fixture } from './test-support.js';

describe('automated discovery on write', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await removeDir(d);
  });

  it('classifies a new object with card, SSN and AWS key findings at exact lines, storing no matched value', async () => {
    const fx = await openFixture();
    dirs.push(fx.dir);
    try {
      await fx.objects.createBucket({ name: 'records', owner: ACCOUNT });
      assert.equal(fx.discovery.store.bucketStatistics('records').sensitivityScore, 50);
      const { versionId } = await fx.put('records', 'customers.txt', SENSITIVE_TEXT);
      await fx.discovery.drained();
      const state = fx.discovery.store.stateOf('records', 'customers.txt', versionId);
      assert.equal(state?.state, 'COMPLETE');
      const finding = fx.discovery.store.findingOf('records', 'customers.txt', versionId);
      assert.ok(finding);
      const body = finding.body as {
        type: string; severity: { description: string; score: number };
        classificationDetails: { originType: string; result: { sensitiveData: { category: string; detections: { type: string; count: number; occurrences: { lineRanges?: { start: number; startColumn: number }[] } }[] }[] } };
        resourcesAffected: { s3Object: { key: string; versionId: string } };
      };
      assert.equal(body.type, 'SensitiveData:S3Object/Multiple');
      assert.deepEqual(body.severity, { description: 'High', score: 3 });
      assert.equal(body.classificationDetails.originType, 'AUTOMATED_SENSITIVE_DATA_DISCOVERY');
      assert.equal(body.resourcesAffected.s3Object.versionId, versionId);
      const detections = new Map(body.classificationDetails.result.sensitiveData.flatMap((s) => s.detections.map((d) => [d.type, d] as const)));
      assert.deepEqual(detections.get('CREDIT_CARD_NUMBER')?.occurrences.lineRanges?.[0], { start: 2, end: 2, startColumn: 14 });
      assert.equal(detections.get('USA_SOCIAL_SECURITY_NUMBER')?.occurrences.lineRanges?.[0]?.start, 3);
      assert.ok(detections.has('AWS_CREDENTIALS'));
      const json = JSON.stringify(finding.body);
      for (const value of ['4111', '536-90', '4399', 'AKIAJ5Q7', 'q8Vz3Lk0']) assert.ok(!json.includes(value), `finding holds ${value}`);
      assert.doesNotMatch(json, /masked|hash/);
      const stats = fx.discovery.store.bucketStatistics('records');
      assert.ok(stats.sensitivityScore > 50, `score ${stats.sensitivityScore}`);
      assert.equal(stats.sensitive, 1);
      assert.deepEqual(stats.byType.map((t) => t.type).sort(), ['AWS_CREDENTIALS', 'CREDIT_CARD_NUMBER', 'USA_SOCIAL_SECURITY_NUMBER']);
    } finally {
      await fx.close();
    }
  });

  it('scores a bucket of clean objects as not sensitive and a deleted sensitive object no longer counts', async () => {
    const fx = await openFixture();
    dirs.push(fx.dir);
    try {
      await fx.objects.createBucket({ name: 'mixed', owner: ACCOUNT });
      await fx.put('mixed', 'a.txt', 'hello world\n');
      await fx.put('mixed', 'b.txt', SENSITIVE_TEXT);
      await fx.discovery.drained();
      assert.ok(fx.discovery.store.bucketStatistics('mixed').sensitivityScore > 50);
      await fx.objects.deleteObject({ bucket: 'mixed', key: 'b.txt', owner: ACCOUNT });
      const stats = fx.discovery.store.bucketStatistics('mixed');
      assert.equal(stats.total, 1);
      assert.equal(stats.sensitivityScore, 1);
      assert.deepEqual(stats.byType, []);
    } finally {
      await fx.close();
    }
  });

  it('queues an object whose commit was not followed by its enqueue (a crash) at the next start', async () => {
    const fx = await openFixture({ start: false });
    dirs.push(fx.dir);
    await fx.objects.createBucket({ name: 'crashy', owner: ACCOUNT });
    // What a crash right after the object commit leaves: the intent, no queue row.
    fx.discovery.store.addIntent('crashy', 'late.txt');
    const stored = await fx.raw.putVersion(
      {
        bucket: 'crashy', key: 'late.txt', versionId: 'null', seq: 0, isDeleteMarker: false, size: 0, etag: '"d41d8cd98f00b204e9800998ecf8427e"',
        lastModified: Date.now(), contentType: null, system: {}, userMetadata: {}, tags: {}, checksum: null, partsCount: null, segments: [], owner: ACCOUNT,
      },
      { replaceNull: true },
    );
    assert.equal(fx.discovery.store.queueDepth(), 0);
    await fx.close();
    const again = await openFixture({ dir: fx.dir, masterKey: fx.masterKey });
    try {
      await again.discovery.drained();
      assert.equal(again.discovery.store.stateOf('crashy', 'late.txt', stored.record.versionId)?.state, 'COMPLETE');
      assert.deepEqual(again.discovery.store.intents(), []);
    } finally {
      await again.close();
    }
  });

  it('after an unclean stop, queues by listing what the previous run wrote without a surviving intent', async () => {
    const fx = await openFixture({ start: false });
    dirs.push(fx.dir);
    await fx.objects.createBucket({ name: 'powerloss', owner: ACCOUNT });
    // A run that never stopped cleanly and whose intent for this write was lost (power loss).
    fx.discovery.store.markStarted();
    const stored = await fx.raw.putVersion(
      {
        bucket: 'powerloss', key: 'lost-intent.txt', versionId: 'null', seq: 0, isDeleteMarker: false, size: 0, etag: '"d41d8cd98f00b204e9800998ecf8427e"',
        lastModified: Date.now(), contentType: null, system: {}, userMetadata: {}, tags: {}, checksum: null, partsCount: null, segments: [], owner: ACCOUNT,
      },
      { replaceNull: true },
    );
    await fx.close();
    const again = await openFixture({ dir: fx.dir, masterKey: fx.masterKey });
    try {
      let state = null;
      for (let i = 0; i < 100 && state?.state !== 'COMPLETE'; i++) {
        await again.discovery.drained();
        state = again.discovery.store.stateOf('powerloss', 'lost-intent.txt', stored.record.versionId);
        if (state?.state !== 'COMPLETE') await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(state?.state, 'COMPLETE');
    } finally {
      await again.close();
    }
  });

  it('does not queue new versions when discovery on write is off', async () => {
    const fx = await openFixture({ settings: { onWrite: false } });
    dirs.push(fx.dir);
    try {
      await fx.objects.createBucket({ name: 'quiet', owner: ACCOUNT });
      await fx.put('quiet', 'c.txt', SENSITIVE_TEXT);
      assert.equal(fx.discovery.store.queueDepth(), 0);
      assert.equal(fx.discovery.store.bucketStatistics('quiet').sensitivityScore, 50);
    } finally {
      await fx.close();
    }
  });
});
