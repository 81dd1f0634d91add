import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MasterKey } from '../../crypto/index.js';
import { base32Decode, hotp, timeStep } from '../../mfa/index.js';
import { isCofferError } from '../../shared/index.js';
import { openSqliteIamStore } from './open-sqlite-iam-store.js';
import type { IamStore } from './port.js';

const ACCOUNT = '123456789012';
let now = Date.UTC(2026, 0, 1, 12, 0, 5);
const clock = { now: () => now };
const code = (c: string) => (e: unknown) => isCofferError(e, c);

describe('virtual MFA devices in the identity store', () => {
  let dir: string;
  let store: IamStore;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coffer-iam-mfa-'));
    store = openSqliteIamStore({ path: join(dir, 'iam.db'), masterKey: MasterKey.generate(), accountId: ACCOUNT, clock });
    await store.createUser({ userName: 'alice' });
    await store.createUser({ userName: 'bob' });
  });
  after(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to enable a device with codes that are not consecutive, and keeps it unassigned', async () => {
    const { device, base32Seed } = await store.mfa.createVirtualMfaDevice({ name: 'bad-codes' });
    const seed = base32Decode(base32Seed);
    const t = timeStep(now);
    await assert.rejects(store.mfa.enableMfaDevice('alice', device.serialNumber, hotp(seed, t), hotp(seed, t + 2)), code('iam.invalid_authentication_code'));
    assert.equal((await store.mfa.getMfaDevice(device.serialNumber)).userName, null);
  });

  it('creates a device with a sealed seed that never appears in the database file in clear', async () => {
    const { device, base32Seed } = await store.mfa.createVirtualMfaDevice({ name: 'alice-phone' });
    assert.equal(device.serialNumber, `arn:aws:iam::${ACCOUNT}:mfa/alice-phone`);
    assert.match(base32Seed, /^[A-Z2-7]{32}$/);
    for (const f of ['iam.db', 'iam.db-wal']) {
      try {
        assert.ok(!readFileSync(join(dir, f)).includes(Buffer.from(base32Seed)));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    await assert.rejects(store.mfa.createVirtualMfaDevice({ name: 'alice-phone' }), code('iam.entity_already_exists'));
  });

  it('enables with two consecutive codes, then accepts each later step once and refuses replays', async () => {
    const { device, base32Seed } = await store.mfa.createVirtualMfaDevice({ name: 'alice-key' });
    const seed = base32Decode(base32Seed);
    const t = timeStep(now);
    await store.mfa.enableMfaDevice('alice', device.serialNumber, hotp(seed, t - 3), hotp(seed, t - 2));
    const listed = await store.mfa.listMfaDevices('alice');
    assert.deepEqual(listed.map((d) => d.serialNumber), [device.serialNumber]);
    assert.ok(listed[0]!.enableDate);
    // The enabling codes themselves are spent.
    assert.deepEqual(await store.mfa.checkMfaCode('alice', device.serialNumber, hotp(seed, t - 2)), { ok: false, reason: 'invalid' });
    assert.deepEqual(await store.mfa.checkMfaCode('alice', device.serialNumber, hotp(seed, t)), { ok: true, atMs: now });
    assert.deepEqual(await store.mfa.checkMfaCode('alice', device.serialNumber, hotp(seed, t)), { ok: false, reason: 'invalid' });
    assert.deepEqual(await store.mfa.checkMfaCode('alice', device.serialNumber, hotp(seed, t + 1)), { ok: true, atMs: now });
    // Someone else's device does not validate for bob.
    assert.deepEqual(await store.mfa.checkMfaCode('bob', device.serialNumber, hotp(seed, t + 1)), { ok: false, reason: 'unknown_device' });
    await assert.rejects(store.mfa.enableMfaDevice('bob', device.serialNumber, hotp(seed, t + 4), hotp(seed, t + 5)), code('iam.entity_already_exists'));
    await assert.rejects(store.deleteUser('alice'), code('iam.delete_conflict'));
    await assert.rejects(store.mfa.deleteVirtualMfaDevice(device.serialNumber), code('iam.delete_conflict'));
  });

  it('locks the device after five wrong codes; a resync with two good codes unlocks it', async () => {
    const { device, base32Seed } = await store.mfa.createVirtualMfaDevice({ name: 'bob-phone' });
    const seed = base32Decode(base32Seed);
    const t = timeStep(now);
    await store.mfa.enableMfaDevice('bob', device.serialNumber, hotp(seed, t - 5), hotp(seed, t - 4));
    const wrong = hotp(seed, t + 7);
    for (let i = 0; i < 5; i++) assert.deepEqual(await store.mfa.checkMfaCode('bob', device.serialNumber, wrong), { ok: false, reason: 'invalid' });
    const locked = await store.mfa.checkMfaCode('bob', device.serialNumber, hotp(seed, t));
    assert.equal(locked.ok, false);
    assert.equal(!locked.ok && locked.reason, 'locked');
    await store.mfa.resyncMfaDevice('bob', device.serialNumber, hotp(seed, t - 1), hotp(seed, t));
    assert.equal((await store.mfa.checkMfaCode('bob', device.serialNumber, hotp(seed, t + 1))).ok, true);
  });

  it('deactivates and deletes a device, and lists devices by assignment', async () => {
    const all = await store.mfa.listVirtualMfaDevices();
    const assigned = await store.mfa.listVirtualMfaDevices({ assignment: 'Assigned' });
    const unassigned = await store.mfa.listVirtualMfaDevices({ assignment: 'Unassigned' });
    assert.equal(all.items.length, assigned.items.length + unassigned.items.length);
    assert.ok(assigned.items.every((d) => d.userName !== null));
    const serial = `arn:aws:iam::${ACCOUNT}:mfa/bob-phone`;
    await assert.rejects(store.mfa.deactivateMfaDevice('alice', serial), code('iam.no_such_entity'));
    await store.mfa.deactivateMfaDevice('bob', serial);
    await store.mfa.deleteVirtualMfaDevice(serial);
    await assert.rejects(store.mfa.getMfaDevice(serial), code('iam.no_such_entity'));
    now += 1000;
  });
});

describe('STS sessions in the identity store', () => {
  let dir: string;
  let store: IamStore;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coffer-iam-sts-'));
    store = openSqliteIamStore({ path: join(dir, 'iam.db'), masterKey: MasterKey.generate(), accountId: ACCOUNT, clock });
  });
  after(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores a session with its secret sealed and finds it again, and marks revocations', async () => {
    const base = {
      secretAccessKey: 'session-secret-session-secret-session-se',
      tokenHash: Buffer.alloc(32, 7),
      kind: 'role' as const,
      userName: 'alice',
      roleName: 'Admin',
      roleSessionName: 's1',
      createdMs: now,
      expiresMs: now + 3600_000,
      mfaAuthMs: now,
      sessionPolicy: null,
      policyArns: [],
      sourceArn: `arn:aws:iam::${ACCOUNT}:user/alice`,
    };
    await store.sessions.createSession({ accessKeyId: 'ASIAAAAAAAAAAAAAAAA1', ...base });
    const found = await store.sessions.findSession('ASIAAAAAAAAAAAAAAAA1');
    assert.equal(found?.secretAccessKey, base.secretAccessKey);
    assert.equal(found?.revokedBeforeMs, null);
    assert.ok(!readFileSync(join(dir, 'iam.db')).includes(Buffer.from(base.secretAccessKey)));
    assert.equal(await store.sessions.findSession('ASIAAAAAAAAAAAAAAAA2'), null);
    assert.equal(await store.sessions.revokeSessions('role', 'admin'), 1);
    assert.equal((await store.sessions.findSession('ASIAAAAAAAAAAAAAAAA1'))?.revokedBeforeMs, now);
  });
});
