import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MasterKey } from '../crypto/index.js';
import { isUnauditedForBenchmark, unauditedForBenchmark } from './benchmark-switch.js';
import { readAuditEvents } from './read-events.js';
import { openAuditTrail } from './trail.js';
import { ACCOUNT, REGION, sampleEvent, tempDir } from './testing.js';

describe('audit benchmark-only switch', () => {
  it('records nothing through the view while the real trail keeps working and closes once', async (t) => {
    const dir = await tempDir(t);
    const masterKey = MasterKey.generate();
    const trail = await openAuditTrail({ dir, masterKey, accountId: ACCOUNT, region: REGION });
    await trail.record(sampleEvent(0));
    const view = unauditedForBenchmark(trail);
    assert.equal(isUnauditedForBenchmark(view), true);
    assert.equal(isUnauditedForBenchmark(trail), false);
    assert.equal((await view.record(sampleEvent(1))).index, -1);
    assert.equal(view.origin, trail.origin);
    await view.close();
    await assert.rejects(trail.record(sampleEvent(2)), /cannot be written/);
    const stored = [];
    for await (const e of readAuditEvents(dir, masterKey)) stored.push(e.index);
    assert.deepEqual(stored, [0]);
  });
});
