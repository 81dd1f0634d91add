import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { notificationOf, signWebhook } from './webhooks.js';
import type { FindingRecord } from './finding.js';

describe('webhook notifications', () => {
  it('signs t.body with HMAC-SHA256 in the t=,v1= form receivers verify', () => {
    const secret = Buffer.from('0123456789abcdef0123456789abcdef');
    const body = '{"a":1}';
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    assert.equal(signWebhook(secret, 1700000000, body), `t=1700000000,v1=${expected}`);
    assert.notEqual(signWebhook(secret, 1700000001, body), signWebhook(secret, 1700000000, body));
    assert.notEqual(signWebhook(secret, 1700000000, '{"a":2}'), signWebhook(secret, 1700000000, body));
  });

  it('wraps the finding as Macie publishes it to EventBridge', () => {
    const f = { id: 'f1', createdAt: Date.UTC(2026, 0, 2, 3, 4, 5, 678), severity: 'High', body: { id: 'f1', type: 'SensitiveData:S3Object/Multiple' } } as unknown as FindingRecord;
    const n = JSON.parse(notificationOf(f, 'd1', { accountId: '123456789012', region: 'us-east-1' })) as Record<string, unknown>;
    assert.deepEqual(n, {
      version: '0', id: 'd1', 'detail-type': 'Macie Finding', source: 'aws.macie', account: '123456789012',
      time: '2026-01-02T03:04:05Z', region: 'us-east-1', resources: [], detail: { id: 'f1', type: 'SensitiveData:S3Object/Multiple' },
    });
  });
});
