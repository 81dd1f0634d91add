import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cp } from 'node:fs/promises';
import { MasterKey } from '../crypto/index.js';
import { proveConsistency, proveInclusion, verifyConsistencyBundle, verifyInclusionBundle } from './proofs.js';
import { openAuditTrail } from './trail.js';
import { ACCOUNT, REGION, sampleEvent, tempDir } from './testing.js';

const masterKey = MasterKey.generate();

describe('audit proofs', () => {
  it('proves an event is in a signed checkpoint and that later checkpoints extend earlier ones, with the public key alone', async (t) => {
    const dir = await tempDir(t);
    const trail = await openAuditTrail({ dir, masterKey, accountId: ACCOUNT, region: REGION, checkpointEvery: 7 });
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) {
      const e = sampleEvent(i);
      ids.push(e.eventID);
      await trail.record(e);
    }
    const vkey = trail.publicKey();
    await trail.close();

    const inc = await proveInclusion(dir, { eventId: ids[9] as string, masterKey });
    assert.equal(inc.index, 9);
    assert.ok(verifyInclusionBundle(inc, [vkey]), 'inclusion verifies');
    assert.equal(verifyInclusionBundle({ ...inc, index: 8 }, [vkey]), false);
    assert.equal(verifyInclusionBundle(inc, []), false);
    const atSeven = await proveInclusion(dir, { index: 3 }, { checkpointSize: 7 });
    assert.ok(verifyInclusionBundle(atSeven, [vkey]), 'inclusion in an older checkpoint verifies');

    const cons = await proveConsistency(dir, 7);
    assert.ok(verifyConsistencyBundle(cons, [vkey]), 'consistency verifies');
    assert.equal(verifyConsistencyBundle({ ...cons, path: cons.path.slice(1) }, [vkey]), false);
  });

  it('finds no consistency between checkpoints of two forked histories', async (t) => {
    const a = await tempDir(t);
    const trailA = await openAuditTrail({ dir: a, masterKey, accountId: ACCOUNT, region: REGION });
    for (let i = 0; i < 5; i++) await trailA.record(sampleEvent(i));
    const vkey = trailA.publicKey();
    await trailA.close();
    const b = await tempDir(t);
    await cp(a, b, { recursive: true });
    for (const [dir, tag] of [[a, 'a'], [b, 'b']] as const) {
      const tr = await openAuditTrail({ dir, masterKey, accountId: ACCOUNT, region: REGION });
      for (let i = 5; i < 9; i++) await tr.record({ ...sampleEvent(i), requestID: tag + i });
      await tr.close();
    }
    const fromA = await proveConsistency(a, 5);
    const fromB = await proveConsistency(b, 5);
    assert.ok(verifyConsistencyBundle(fromA, [vkey]) && verifyConsistencyBundle(fromB, [vkey]), 'each history is append-only');
    // B's new checkpoint with A's proof: the same old tree cannot be a prefix of both.
    assert.equal(verifyConsistencyBundle({ ...fromA, newCheckpoint: fromB.newCheckpoint }, [vkey]), false);
  });
});
