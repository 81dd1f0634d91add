import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { MasterKey } from '../crypto/index.js';
import { readAuditEvents } from './read-events.js';
import { openAuditTrail } from './trail.js';
import { verifyAuditTrail } from './verify.js';
import { ACCOUNT, REGION, tempDir } from './testing.js';

describe('audit trail under kill -9', () => {
  it('keeps every acknowledged event and recovers to an intact, sealed trail', { timeout: 120_000 }, async (t) => {
    const dir = await tempDir(t);
    const keyBytes = randomBytes(32);
    const masterKey = MasterKey.fromBytes(keyBytes);
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./crash-child.ts', import.meta.url)), dir, keyBytes.toString('hex')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const acked: string[] = [];
    let partial = '';
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        const lines = (partial + d.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        acked.push(...lines);
        if (acked.length >= 400) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', (code) => (acked.length >= 400 ? resolve() : reject(new Error(`child exited early (${code})`))));
    });
    await exited;

    const stored = new Set<string>();
    for await (const s of readAuditEvents(dir, masterKey)) stored.add(s.event.eventID);
    const lost = acked.filter((id) => !stored.has(id));
    assert.deepEqual(lost, [], `${lost.length} acknowledged events lost`);
    const before = await verifyAuditTrail(dir, masterKey);
    assert.equal(before.issues.filter((i) => i.kind !== 'truncated').length, 0, JSON.stringify(before.issues));

    const trail = await openAuditTrail({ dir, masterKey, accountId: ACCOUNT, region: REGION });
    await trail.close();
    const after = await verifyAuditTrail(dir, masterKey);
    assert.equal(after.ok, true, JSON.stringify(after.issues));
    assert.equal(after.warnings.filter((w) => w.kind === 'unsealed_tail').length, 0);
    assert.ok(after.records >= acked.length, `${after.records} records < ${acked.length} acknowledged`);
  });
});
