import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MasterKey } from '../crypto/index.js';
import { isCofferError } from '../shared/index.js';
import { openAuditTrail, type AuditTrail } from './trail.js';
import { verifyAuditTrail } from './verify.js';
import { proveConsistency, proveInclusion, verifyConsistencyBundle, verifyInclusionBundle } from './proofs.js';
import { parseCheckpoint } from './checkpoint.js';
import { ACCOUNT, REGION, sampleEvent, tempDir } from './testing.js';

const masterKey = MasterKey.generate();
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

/** A trail whose clock the test moves: 30 records on day 0 over several segments, then 10 on day 10. */
async function agedTrail(dir: string): Promise<{ trail: AuditTrail; clock: { t: number; now(): number } }> {
  const clock = { t: T0, now() { return this.t; } };
  const trail = await openAuditTrail({ dir, masterKey, accountId: ACCOUNT, region: REGION, clock, maxSegmentBytes: 3000 });
  for (let i = 0; i < 30; i++) await trail.record(sampleEvent(i, { time: clock.t }));
  clock.t = T0 + 10 * DAY;
  for (let i = 30; i < 40; i++) await trail.record(sampleEvent(i, { time: clock.t }));
  return { trail, clock };
}

const segmentFiles = async (dir: string) => (await readdir(join(dir, 'segments'))).filter((n) => n.endsWith('.seg')).sort();

describe('audit retention', () => {
  it('prunes old segments and verify reports them as pruned, not deleted, before and after new records', async (t) => {
    const dir = await tempDir(t);
    const { trail } = await agedTrail(dir);
    const before = await segmentFiles(dir);
    const r = await trail.prune(new Date(T0 + 5 * DAY));
    assert.ok(r.segmentsRemoved > 0 && r.firstIndex > 0 && r.firstIndex <= 30, JSON.stringify(r));
    assert.equal((await segmentFiles(dir)).length, before.length - r.segmentsRemoved);
    for (let i = 40; i < 45; i++) await trail.record(sampleEvent(i));
    await trail.close();
    const report = await verifyAuditTrail(dir, masterKey);
    assert.deepEqual(report.issues, []);
    assert.equal(report.ok, true);
    assert.equal(report.pruned?.records, r.firstIndex);
    assert.equal(report.pruned?.segments, r.segmentsRemoved);
    assert.equal(report.records, 45);
    // Without the master key, with the published key only, the structure still verifies.
    const vkey = trail.publicKey();
    assert.equal((await verifyAuditTrail(dir, null, { trustedKeys: [vkey] })).ok, true);
  });

  it('keeps proofs for retained records checkable with the public key, and refuses proofs that need pruned ones', async (t) => {
    const dir = await tempDir(t);
    const { trail } = await agedTrail(dir);
    const oldCp = parseCheckpoint(await trail.checkpoint())!;
    const { firstIndex } = await trail.prune(new Date(T0 + 5 * DAY));
    for (let i = 40; i < 50; i++) await trail.record(sampleEvent(i));
    await trail.close();
    const vkey = trail.publicKey();
    for (const index of [firstIndex, 35, 49]) {
      const b = await proveInclusion(dir, { index });
      assert.equal(verifyInclusionBundle(b, [vkey]), true, `record ${index}`);
    }
    const c = await proveConsistency(dir, oldCp.size);
    assert.equal(verifyConsistencyBundle(c, [vkey]), true);
    await assert.rejects(proveInclusion(dir, { index: 0 }), (e) => isCofferError(e, 'audit.pruned'));
    await assert.rejects(proveConsistency(dir, 1), (e) => isCofferError(e, 'audit.pruned'));
  });

  it('drops pruned events from lookups', async (t) => {
    const dir = await tempDir(t);
    const { trail } = await agedTrail(dir);
    const { firstIndex } = await trail.prune(new Date(T0 + 5 * DAY));
    const all = await trail.lookupEvents({ maxResults: 50 });
    assert.equal(all.events.length, 40 - firstIndex);
    await trail.close();
  });

  it('detects segments deleted without a manifest, beyond the manifest, or a forged manifest', async (t) => {
    const dir = await tempDir(t);
    const { trail } = await agedTrail(dir);
    await trail.close();
    const segs = await segmentFiles(dir);
    // Deleted by hand: no manifest.
    const first = await readFile(join(dir, 'segments', segs[0]!));
    await unlink(join(dir, 'segments', segs[0]!));
    const bare = await verifyAuditTrail(dir, masterKey);
    assert.equal(bare.ok, false);
    assert.ok(bare.issues.some((i) => i.kind === 'segment_missing' || i.kind === 'deleted'), JSON.stringify(bare.issues));
    await writeFile(join(dir, 'segments', segs[0]!), first);

    const again = await openAuditTrail({ dir, masterKey, accountId: ACCOUNT, region: REGION, clock: { now: () => T0 + 10 * DAY } });
    const { segmentsRemoved } = await again.prune(new Date(T0 + 5 * DAY));
    await again.close();
    assert.ok(segmentsRemoved > 0);
    assert.equal((await verifyAuditTrail(dir, masterKey)).ok, true);
    // One more segment removed than the manifest accounts for.
    const rest = await segmentFiles(dir);
    const extra = await readFile(join(dir, 'segments', rest[0]!));
    await unlink(join(dir, 'segments', rest[0]!));
    const more = await verifyAuditTrail(dir, masterKey);
    assert.equal(more.ok, false, 'a deletion past the pruned range is reported');
    await writeFile(join(dir, 'segments', rest[0]!), extra);
    // A manifest edited to claim more records were pruned no longer verifies.
    const manifest = await readFile(join(dir, 'PRUNED'), 'utf8');
    await writeFile(join(dir, 'PRUNED'), manifest.replace(/first-index (\d+)/, (_, n: string) => `first-index ${Number(n) + 1}`));
    const forged = await verifyAuditTrail(dir, masterKey);
    assert.ok(forged.issues.some((i) => i.kind === 'prune_manifest'), JSON.stringify(forged.issues));
  });

  it('prunes at open when a retention period is set, and never the segment being written', async (t) => {
    const dir = await tempDir(t);
    const { trail } = await agedTrail(dir);
    await trail.close();
    const n = (await segmentFiles(dir)).length;
    const reopened = await openAuditTrail({ dir, masterKey, accountId: ACCOUNT, region: REGION, clock: { now: () => T0 + 400 * DAY }, retentionMs: 30 * DAY });
    await reopened.record(sampleEvent(99));
    await reopened.close();
    const left = await segmentFiles(dir);
    assert.ok(left.length < n + 1 && left.length >= 1);
    const report = await verifyAuditTrail(dir, masterKey);
    assert.equal(report.ok, true, JSON.stringify(report.issues));
    assert.equal(report.records, 41);
    assert.ok((report.pruned?.records ?? 0) >= 30);
  });
});
