import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MasterKey } from '../crypto/index.js';
import { isCofferError } from '../shared/index.js';
import { KmsStore, createKms } from './index.js';

const DAY = 86_400_000;
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function setup(masterKey = MasterKey.generate(), dir = mkdtempSync(join(tmpdir(), 'coffer-kms-'))) {
  if (!dirs.includes(dir)) dirs.push(dir);
  let now = Date.UTC(2026, 0, 1);
  const clock = { now: () => now };
  const store = KmsStore.open({ path: join(dir, 'kms.db'), masterKey });
  const kms = createKms({ store, masterKey, clock, region: 'us-east-1', accountId: '123456789012' });
  return { kms, store, dir, masterKey, advance: (ms: number) => (now += ms) };
}

const is = (code: string) => (e: unknown) => isCofferError(e, code);

describe('built-in KMS', () => {
  it('encrypts and decrypts with the encryption context bound, in any key order', () => {
    const { kms, store } = setup();
    const { KeyId, Arn } = kms.createKey({ description: 'tenant a' });
    assert.equal(Arn, `arn:aws:kms:us-east-1:123456789012:key/${KeyId}`);
    const { ciphertext } = kms.encrypt(KeyId, Buffer.from('secret'), { tenant: 'a', purpose: 'test' });
    assert.equal(kms.decrypt(ciphertext, { purpose: 'test', tenant: 'a' }).plaintext.toString(), 'secret');
    assert.throws(() => kms.decrypt(ciphertext, { tenant: 'b', purpose: 'test' }), is('kms.invalid_ciphertext'));
    assert.throws(() => kms.decrypt(ciphertext, {}), is('kms.invalid_ciphertext'));
    const tampered = Buffer.from(ciphertext);
    tampered[tampered.length - 20]! ^= 1;
    assert.throws(() => kms.decrypt(tampered, { tenant: 'a', purpose: 'test' }), is('kms.invalid_ciphertext'));
    store.close();
  });

  it('resolves keys by id, ARN, alias name and alias ARN, and refuses reserved alias names', () => {
    const { kms, store } = setup();
    const { KeyId, Arn } = kms.createKey();
    kms.createAlias('alias/app', KeyId);
    for (const ref of [KeyId, Arn, 'alias/app', 'arn:aws:kms:us-east-1:123456789012:alias/app']) assert.equal(kms.describeKey(ref).KeyId, KeyId);
    assert.throws(() => kms.createAlias('alias/app', KeyId), is('kms.already_exists'));
    assert.throws(() => kms.createAlias('alias/aws/s3', KeyId), is('kms.invalid_alias_name'));
    assert.throws(() => kms.describeKey('alias/none'), is('kms.not_found'));
    assert.throws(() => kms.describeKey('arn:aws:kms:eu-west-1:123456789012:key/' + KeyId), is('kms.not_found'));
    const other = kms.createKey();
    kms.updateAlias('alias/app', other.KeyId);
    assert.equal(kms.describeKey('alias/app').KeyId, other.KeyId);
    kms.deleteAlias('alias/app');
    assert.throws(() => kms.describeKey('alias/app'), is('kms.not_found'));
    store.close();
  });

  it('refuses a Decrypt whose KeyId names another key than the ciphertext', () => {
    const { kms, store } = setup();
    const a = kms.createKey();
    const b = kms.createKey();
    const { ciphertext } = kms.encrypt(a.KeyId, Buffer.from('x'));
    assert.throws(() => kms.decrypt(ciphertext, {}, b.KeyId), is('kms.incorrect_key'));
    assert.equal(kms.decrypt(ciphertext, {}, a.Arn).keyId, a.KeyId);
    store.close();
  });

  it('blocks encryption and decryption while a key is disabled, until it is enabled again', () => {
    const { kms, store } = setup();
    const { KeyId } = kms.createKey();
    const { ciphertext } = kms.encrypt(KeyId, Buffer.from('x'));
    kms.disableKey(KeyId);
    assert.equal(kms.describeKey(KeyId).KeyState, 'Disabled');
    assert.throws(() => kms.encrypt(KeyId, Buffer.from('x')), is('kms.disabled'));
    assert.throws(() => kms.decrypt(ciphertext), is('kms.disabled'));
    assert.throws(() => kms.generateDataKey(KeyId, 32), is('kms.disabled'));
    kms.enableKey(KeyId);
    assert.equal(kms.decrypt(ciphertext).plaintext.toString(), 'x');
    store.close();
  });

  it('rotates on demand: new data uses the new material, old ciphertexts still decrypt', () => {
    const { kms, store } = setup();
    const { KeyId } = kms.createKey();
    const old = kms.encrypt(KeyId, Buffer.from('old')).ciphertext;
    assert.equal(old.readUInt32BE(17), 1);
    assert.equal(kms.rotateKeyOnDemand(KeyId).materialVersion, 2);
    const neu = kms.encrypt(KeyId, Buffer.from('new')).ciphertext;
    assert.equal(neu.readUInt32BE(17), 2);
    assert.equal(kms.decrypt(old).plaintext.toString(), 'old');
    assert.equal(kms.decrypt(neu).plaintext.toString(), 'new');
    store.close();
  });

  it('rotates automatically once the rotation period has passed', () => {
    const { kms, store, advance } = setup();
    const { KeyId } = kms.createKey();
    kms.enableKeyRotation(KeyId, 90);
    const status = kms.getKeyRotationStatus(KeyId);
    assert.equal(status.enabled, true);
    assert.equal(status.periodDays, 90);
    assert.equal(kms.encrypt(KeyId, Buffer.from('a')).ciphertext.readUInt32BE(17), 1);
    advance(91 * DAY);
    const c = kms.encrypt(KeyId, Buffer.from('b')).ciphertext;
    assert.equal(c.readUInt32BE(17), 2);
    assert.throws(() => kms.enableKeyRotation(KeyId, 30), is('kms.validation'));
    kms.disableKeyRotation(KeyId);
    assert.equal(kms.getKeyRotationStatus(KeyId).enabled, false);
    store.close();
  });

  it('schedules deletion within 7 to 30 days, can cancel it (key comes back Disabled), and shreds the key when the date passes', () => {
    const { kms, store, advance, dir, masterKey } = setup();
    const { KeyId } = kms.createKey();
    kms.createAlias('alias/doomed', KeyId);
    const { ciphertext } = kms.encrypt(KeyId, Buffer.from('x'));
    assert.throws(() => kms.scheduleKeyDeletion(KeyId, 6), is('kms.validation'));
    assert.throws(() => kms.scheduleKeyDeletion(KeyId, 31), is('kms.validation'));
    kms.scheduleKeyDeletion(KeyId, 7);
    assert.equal(kms.describeKey(KeyId).KeyState, 'PendingDeletion');
    assert.throws(() => kms.decrypt(ciphertext), is('kms.invalid_state'));
    kms.cancelKeyDeletion(KeyId);
    assert.equal(kms.describeKey(KeyId).KeyState, 'Disabled');
    kms.enableKey(KeyId);
    assert.equal(kms.decrypt(ciphertext).plaintext.toString(), 'x');

    const { deletionMs } = kms.scheduleKeyDeletion(KeyId, 7);
    advance(7 * DAY - 1);
    assert.equal(kms.describeKey(KeyId).KeyState, 'PendingDeletion');
    advance(1);
    assert.ok(deletionMs > 0);
    assert.throws(() => kms.describeKey(KeyId), is('kms.not_found'));
    assert.throws(() => kms.describeKey('alias/doomed'), is('kms.not_found'));
    assert.throws(() => kms.decrypt(ciphertext), is('kms.key_deleted'));
    assert.equal(kms.listKeys().keys.length, 0);
    store.close();
    // The material is gone from the database for good: a fresh process cannot decrypt either.
    const again = setup(masterKey, dir);
    assert.throws(() => again.kms.decrypt(ciphertext), is('kms.key_deleted'));
    assert.equal(again.store.listMaterials(KeyId).length, 0);
    again.store.close();
  });

  it('keeps keys across a reopen and refuses the database under another master key', () => {
    const masterKey = MasterKey.generate();
    const first = setup(masterKey);
    const { KeyId } = first.kms.createKey({ description: 'kept', tags: { team: 'a' } });
    const c = first.kms.encrypt(KeyId, Buffer.from('persist')).ciphertext;
    first.store.close();
    const second = setup(masterKey, first.dir);
    assert.equal(second.kms.describeKey(KeyId).Description, 'kept');
    assert.deepEqual(second.kms.listResourceTags(KeyId), { team: 'a' });
    assert.equal(second.kms.decrypt(c).plaintext.toString(), 'persist');
    second.store.close();
    assert.throws(() => KmsStore.open({ path: join(first.dir, 'kms.db'), masterKey: MasterKey.generate() }), is('storage.bad_key'));
  });

  it('re-wraps key materials under a new master key without changing ciphertexts', () => {
    const { kms, store, masterKey } = setup();
    const { KeyId } = kms.createKey();
    const c = kms.encrypt(KeyId, Buffer.from('kept')).ciphertext;
    const next = MasterKey.generate();
    assert.equal(kms.rewrapMaterials(next), 1);
    const reopened = createKms({ store, masterKey: next, clock: { now: () => Date.now() }, region: 'us-east-1', accountId: '123456789012' });
    assert.equal(reopened.decrypt(c).plaintext.toString(), 'kept');
    const stale = createKms({ store, masterKey, clock: { now: () => Date.now() }, region: 'us-east-1', accountId: '123456789012' });
    assert.throws(() => stale.decrypt(c), is('crypto.unseal_failed'));
    store.close();
  });

  it('generates data keys of the requested size whose ciphertext decrypts to the same bytes', () => {
    const { kms, store } = setup();
    const { KeyId } = kms.createKey();
    const dk = kms.generateDataKey(KeyId, 32, { bucket: 'b' });
    assert.equal(dk.plaintext.length, 32);
    assert.deepEqual(kms.decrypt(dk.ciphertext, { bucket: 'b' }).plaintext, dk.plaintext);
    assert.throws(() => kms.generateDataKey(KeyId, 0), is('kms.validation'));
    assert.equal(kms.generateRandom(17).length, 17);
    store.close();
  });

  it('creates the AWS managed S3 key once and refuses customer operations on it', () => {
    const { kms, store } = setup();
    const k = kms.managedKey('s3');
    assert.equal(kms.managedKey('s3').keyId, k.keyId);
    assert.equal(kms.describeKey('alias/aws/s3').KeyManager, 'AWS');
    assert.throws(() => kms.disableKey(k.keyId), is('kms.unsupported_operation'));
    assert.throws(() => kms.scheduleKeyDeletion(k.keyId, 7), is('kms.unsupported_operation'));
    store.close();
  });

  it('pages through keys and aliases with markers', () => {
    const { kms, store } = setup();
    const ids = [kms.createKey(), kms.createKey(), kms.createKey()].map((k) => k.KeyId).sort();
    const p1 = kms.listKeys({ limit: 2 });
    assert.equal(p1.keys.length, 2);
    assert.ok(p1.nextMarker);
    const p2 = kms.listKeys({ limit: 2, marker: p1.nextMarker });
    assert.deepEqual([...p1.keys, ...p2.keys].map((k) => k.KeyId), ids);
    assert.equal(p2.nextMarker, null);
    store.close();
  });
});
