import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sensitivityScore } from './score.js';

const base = { total: 0, classified: 0, queued: 0, errors: 0, sensitive: 0, maxSeverity: 0, types: 0 };

describe('bucket sensitivity score', () => {
  it('is 50 while nothing has been analysed', () => {
    assert.equal(sensitivityScore(base), 50);
    assert.equal(sensitivityScore({ ...base, total: 3, queued: 3 }), 50);
  });
  it('is 1 for a fully analysed bucket without sensitive data and rises toward 49 with what is left to analyse', () => {
    assert.equal(sensitivityScore({ ...base, total: 4, classified: 4 }), 1);
    const partly = sensitivityScore({ ...base, total: 4, classified: 1, queued: 3 });
    assert.ok(partly > 1 && partly <= 49, String(partly));
  });
  it('is above 50 with sensitive data and grows with severity, types and share, never past 100', () => {
    const low = sensitivityScore({ ...base, total: 10, classified: 10, sensitive: 1, maxSeverity: 1, types: 1 });
    const high = sensitivityScore({ ...base, total: 10, classified: 10, sensitive: 10, maxSeverity: 3, types: 9 });
    assert.ok(low > 50 && low < high, `${low} ${high}`);
    assert.equal(high, 100);
  });
});
