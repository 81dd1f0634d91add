import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isCofferError } from '../shared/index.js';
import { ACCOUNT, openFixture, removeDir, SENSITIVE_TEXT } from './test-support.js';

describe('revealing the occurrences of a finding', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await removeDir(d);
  });

  it('reads the matched values from the object at request time, per type', async () => {
    const fx = await openFixture();
    dirs.push(fx.dir);
    try {
      await fx.objects.createBucket({ name: 'reveal', owner: ACCOUNT });
      const { versionId } = await fx.put('reveal', 'a.txt', SENSITIVE_TEXT);
      await fx.discovery.drained();
      const finding = fx.discovery.store.findingOf('reveal', 'a.txt', versionId)!;
      const values = await fx.discovery.reveal(finding.id);
      assert.deepEqual(values.CREDIT_CARD_NUMBER, [{ value: '4111 1111 1111 1111' }]);
      assert.deepEqual(values.USA_SOCIAL_SECURITY_NUMBER, [{ value: '536-90-4399' }]);
      // The stored finding still holds no value.
      assert.doesNotMatch(JSON.stringify(fx.discovery.store.findingOf('reveal', 'a.txt', versionId)), /4111 1111|536-90/);
      await fx.objects.deleteObject({ bucket: 'reveal', key: 'a.txt', owner: ACCOUNT });
      await assert.rejects(fx.discovery.reveal(finding.id), (e) => isCofferError(e, 'macie.unprocessable'));
      await assert.rejects(fx.discovery.reveal('0'.repeat(32)), (e) => isCofferError(e, 'macie.not_found'));
    } finally {
      await fx.close();
    }
  });
});
