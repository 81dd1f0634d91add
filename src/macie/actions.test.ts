import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ACCOUNT, openFixture, removeDir, SENSITIVE_TEXT } from './test-support.js';

describe('sensitivity tags on classified objects', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await removeDir(d);
  });

  it('marks new versions pending, then tags them with the severity and types, keeping the user tags', async () => {
    const fx = await openFixture({ settings: { tagObjects: true }, start: false });
    dirs.push(fx.dir);
    try {
      await fx.objects.createBucket({ name: 'tagged', owner: ACCOUNT });
      const { versionId } = await fx.put('tagged', 'secret.txt', SENSITIVE_TEXT);
      await fx.put('tagged', 'plain.txt', 'hello\n');
      assert.equal((await fx.raw.getVersion('tagged', 'secret.txt'))?.tags['coffer:sensitivity'], 'pending');
      await fx.objects.putObjectTagging({ bucket: 'tagged', key: 'secret.txt', tags: { team: 'crm' } });
      await fx.discovery.start({ objects: fx.objects, accountId: ACCOUNT, region: 'us-east-1' });
      await fx.discovery.drained();
      const tags = (await fx.raw.getVersion('tagged', 'secret.txt', versionId))?.tags;
      assert.deepEqual(tags, { team: 'crm', 'coffer:sensitivity': 'high', 'coffer:types': 'AWS_CREDENTIALS CREDIT_CARD_NUMBER USA_SOCIAL_SECURITY_NUMBER' });
      assert.equal((await fx.raw.getVersion('tagged', 'plain.txt'))?.tags['coffer:sensitivity'], 'none');
    } finally {
      await fx.close();
    }
  });

  it('does not let a client set or remove the coffer:* tags', async () => {
    const fx = await openFixture({ settings: { tagObjects: true } });
    dirs.push(fx.dir);
    try {
      await fx.objects.createBucket({ name: 'guarded', owner: ACCOUNT });
      await fx.put('guarded', 'secret.txt', SENSITIVE_TEXT);
      await fx.discovery.drained();
      await fx.objects.putObjectTagging({ bucket: 'guarded', key: 'secret.txt', tags: { 'coffer:sensitivity': 'none', owner: 'me' } });
      assert.deepEqual((await fx.raw.getVersion('guarded', 'secret.txt'))?.tags, {
        owner: 'me', 'coffer:sensitivity': 'high', 'coffer:types': 'AWS_CREDENTIALS CREDIT_CARD_NUMBER USA_SOCIAL_SECURITY_NUMBER',
      });
      await fx.objects.putObjectTagging({ bucket: 'guarded', key: 'secret.txt', tags: {} });
      assert.equal((await fx.raw.getVersion('guarded', 'secret.txt'))?.tags['coffer:sensitivity'], 'high');
    } finally {
      await fx.close();
    }
  });
});
