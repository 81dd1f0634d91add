import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MasterKey, createEnvelope, dataKeyBytes } from '../crypto/index.js';
import { KmsStore, createKms, createKmsDataKeys } from '../kms/index.js';
import { isCofferError } from '../shared/index.js';
import type { Segment } from '../storage/metadata/port.js';
import { createSegmentKeys, type PreparedKey } from './segment-keys.js';

const dir = mkdtempSync(join(tmpdir(), 'coffer-segkeys-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function setup() {
  const masterKey = MasterKey.generate();
  const store = KmsStore.open({ path: join(dir, `${randomBytes(4).toString('hex')}.db`), masterKey });
  const kms = createKms({ store, masterKey, clock: { now: () => Date.now() }, region: 'us-east-1', accountId: '123456789012' });
  const denied = new Set<string>();
  const port = createKmsDataKeys({
    kms,
    authorize(caller, action) {
      if (denied.has(`${String(caller)}:${action}`)) throw new Error(`denied ${action}`);
    },
  });
  const keys = createSegmentKeys({ envelope: createEnvelope({ masterKey }), kms: port, clock: { now: () => Date.now() } });
  return { kms, keys, denied, store };
}

const segment = (p: PreparedKey): Segment => ({ blobId: 'b', size: 1, sealedKey: p.sealedKey, keyContext: p.keyContext, etag: '""', checksum: null });
const is = (code: string) => (e: unknown) => isCofferError(e, code);

describe('segment keys', () => {
  it('opens an SSE-C data key only with the customer key, which is never part of the sealed form', async () => {
    const { keys, store } = setup();
    const ck = randomBytes(32);
    const md5 = createHash('md5').update(ck).digest('base64');
    const p = await keys.create({ mode: 'SSE-C', customerKey: { key: ck, md5 } }, { bucket: 'b', key: 'k', version: 'null' });
    const want = Buffer.from(dataKeyBytes(p.dataKey));
    assert.ok(p.sealedKey.startsWith('ssec1.'));
    assert.ok(!p.sealedKey.includes(ck.toString('base64')) && !p.sealedKey.includes(ck.toString('hex')));
    const seg = segment(p);
    const sse = { mode: 'SSE-C' as const, md5 };
    assert.deepEqual(dataKeyBytes(await keys.open(seg, sse, { caller: 'u', customerKey: { key: ck, md5 } })), want);
    await assert.rejects(keys.open(seg, sse, { caller: 'u' }), is('sse.customer_key_required'));
    const other = randomBytes(32);
    await assert.rejects(keys.open(seg, sse, { caller: 'u', customerKey: { key: other, md5: createHash('md5').update(other).digest('base64') } }), is('sse.customer_key_mismatch'));
    store.close();
  });

  it('wraps SSE-KMS data keys with and without a Bucket Key, and a cached Bucket Key still obeys kms:Decrypt and the key state', async () => {
    const { kms, keys, denied, store } = setup();
    const { KeyId, Arn } = kms.createKey();
    const sse = { mode: 'aws:kms' as const, keyArn: Arn, context: null, bucketKey: true };
    for (const bucketKey of [false, true]) {
      const plan = { mode: 'aws:kms' as const, keyArn: Arn, context: null, bucketKey, bucket: 'b', key: 'k', caller: 'u' };
      const p = await keys.create(plan, { bucket: 'b', key: 'k', version: 'null' });
      assert.ok(p.sealedKey.startsWith(bucketKey ? 'kmsbk1.' : 'kms1.'));
      const want = Buffer.from(dataKeyBytes(p.dataKey));
      const seg = segment(p);
      assert.deepEqual(dataKeyBytes(await keys.open(seg, { ...sse, bucketKey }, { caller: 'u' })), want);
      // Second open hits the Bucket Key cache; the decision and the state are checked again.
      denied.add('u:kms:Decrypt');
      await assert.rejects(keys.open(seg, { ...sse, bucketKey }, { caller: 'u' }), /denied kms:Decrypt/);
      denied.clear();
      kms.disableKey(KeyId);
      await assert.rejects(keys.open(seg, { ...sse, bucketKey }, { caller: 'u' }), is('kms.disabled'));
      kms.enableKey(KeyId);
      assert.deepEqual(dataKeyBytes(await keys.open(seg, { ...sse, bucketKey }, { caller: 'u' })), want);
    }
    store.close();
  });

  it('refuses SSE-C parameters for an object that is not SSE-C', async () => {
    const { keys, store } = setup();
    const p = await keys.create({ mode: 'AES256' }, { bucket: 'b', key: 'k', version: 'null' });
    const ck = randomBytes(32);
    await assert.rejects(keys.open(segment(p), { mode: 'AES256' }, { caller: 'u', customerKey: { key: ck, md5: '' } }), is('sse.customer_key_not_applicable'));
    store.close();
  });
});
