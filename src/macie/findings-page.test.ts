import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openMacieDb } from './db.js';
import { MacieStore } from './store.js';
import type { FindingRecord } from './finding.js';

function finding(i: number, bucket: string, createdAt: number, severity: FindingRecord['severity']): FindingRecord {
  const id = `f${String(i).padStart(3, '0')}-${randomBytes(2).toString('hex')}`;
  return {
    id, bucket, key: `k${i % 4}`, versionId: 'null', type: 'SensitiveData:S3Object/Personal', severity, severityScore: 1, originType: 'AUTOMATED_SENSITIVE_DATA_DISCOVERY', jobId: null, createdAt,
    body: { id, createdAt: new Date(createdAt).toISOString() },
  };
}

describe('findings paged by creation time in SQL', () => {
  it('gives the same ids, in the same order, as a stable sort of every finding, window by window', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coffer-findings-page-'));
    const db = openMacieDb(join(dir, 'macie.db'), randomBytes(32));
    try {
      const store = new MacieStore(db, () => Date.now());
      // Ties on created_at on purpose: the order among equal times must still be the stable one.
      const all = Array.from({ length: 57 }, (_, i) => finding(i, i % 3 === 0 ? 'alpha' : 'beta', 1_700_000_000_000 + Math.floor(i / 4) * 1000, i % 5 === 0 ? 'High' : 'Low'));
      for (const f of [...all].reverse()) store.insertFinding(f);
      for (const where of [{}, { buckets: ['alpha'] }, { severities: ['High'] }, { buckets: ['beta'], keys: ['k1', 'k2'] }, { keys: [] }]) {
        for (const desc of [true, false]) {
          const rows = [...store.allFindings(where)].map((f, i) => ({ id: f.id, t: f.createdAt, i }));
          const expected = rows.sort((a, b) => (desc ? b.t - a.t : a.t - b.t) || a.i - b.i).map((r) => r.id);
          const paged: string[] = [];
          for (let offset = 0; offset <= expected.length; offset += 7) paged.push(...store.findingIdsByTime(where, desc, offset, 7));
          assert.deepEqual(paged, expected, JSON.stringify({ where, desc }));
        }
      }
      assert.equal(store.findingIdsByTime({ buckets: ['alpha'] }, true, 0, 1000).length, all.filter((f) => f.bucket === 'alpha').length);
    } finally {
      db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
