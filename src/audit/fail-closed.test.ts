import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { MasterKey } from '../crypto/index.js';
import { readAuditEvents } from './read-events.js';
import { tempDir } from './testing.js';

describe('audit trail when the disk refuses writes', () => {
  it('rejects the failing record and every later one with audit.unavailable, keeping those acknowledged before', { timeout: 120_000 }, async (t) => {
    const dir = await tempDir(t);
    const keyBytes = randomBytes(32);
    const child = fileURLToPath(new URL('./fail-child.ts', import.meta.url));
    // A 64 KiB file-size limit (SIGXFSZ ignored, so write(2) fails with EFBIG) stands in for a full disk.
    const r = spawnSync('/bin/sh', ['-c', 'trap "" XFSZ; ulimit -f 128; exec "$0" --import tsx "$1" "$2" "$3"', process.execPath, child, dir, keyBytes.toString('hex')], { encoding: 'utf8', timeout: 100_000 });
    const lines = r.stdout.trim().split('\n');
    const oks = lines.filter((l) => l.startsWith('ok ')).map((l) => l.slice(3));
    assert.ok(oks.length > 10, `only ${oks.length} records before the limit: ${r.stderr}`);
    assert.deepEqual(lines.slice(oks.length), ['rejected audit.unavailable', 'rejected audit.unavailable'], r.stdout.slice(-500) + r.stderr);
    const stored = new Set<string>();
    for await (const s of readAuditEvents(dir, MasterKey.fromBytes(keyBytes))) stored.add(s.event.eventID);
    assert.deepEqual(oks.filter((id) => !stored.has(id)), []);
  });
});
