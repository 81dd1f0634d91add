import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { base32Decode, hotp, timeStep } from '../../mfa/index.js';
import { ACCOUNT, ADMIN, harness, type Harness } from './testing.js';

const NOW = Date.UTC(2026, 0, 1, 12);
const T = timeStep(NOW);

describe('IAM virtual MFA device actions', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
    await h.store.createUser({ userName: 'carol' });
  });
  after(() => h.close());

  it('denies CreateVirtualMFADevice to a user without a policy allowing it', async () => {
    const { key, secretAccessKey } = await h.store.createAccessKey('carol');
    const r = await h.call({ accessKeyId: key.accessKeyId, secretAccessKey }, { Action: 'CreateVirtualMFADevice', VirtualMFADeviceName: 'carol' });
    assert.equal(r.status, 403);
    assert.equal(r.xml.ErrorResponse.Error.Code, 'AccessDenied');
  });

  it('creates a device whose seed and QR code are base64 on the wire, enables it and lists it', async () => {
    const r = await h.call(ADMIN, { Action: 'CreateVirtualMFADevice', VirtualMFADeviceName: 'carol' });
    assert.equal(r.status, 200, r.body);
    const dev = r.xml.CreateVirtualMFADeviceResponse.CreateVirtualMFADeviceResult.VirtualMFADevice;
    assert.equal(dev.SerialNumber, `arn:aws:iam::${ACCOUNT}:mfa/carol`);
    const base32 = Buffer.from(dev.Base32StringSeed, 'base64').toString('ascii');
    assert.match(base32, /^[A-Z2-7]{32}$/);
    assert.equal(Buffer.from(dev.QRCodePNG, 'base64').subarray(1, 4).toString(), 'PNG');
    const seed = base32Decode(base32);

    const bad = await h.call(ADMIN, { Action: 'EnableMFADevice', UserName: 'carol', SerialNumber: dev.SerialNumber, AuthenticationCode1: hotp(seed, T), AuthenticationCode2: hotp(seed, T) });
    assert.equal(bad.status, 403);
    assert.equal(bad.xml.ErrorResponse.Error.Code, 'InvalidAuthenticationCode');
    const notDigits = await h.call(ADMIN, { Action: 'EnableMFADevice', UserName: 'carol', SerialNumber: dev.SerialNumber, AuthenticationCode1: 'abcdef', AuthenticationCode2: hotp(seed, T) });
    assert.equal(notDigits.xml.ErrorResponse.Error.Code, 'ValidationError');

    const ok = await h.call(ADMIN, { Action: 'EnableMFADevice', UserName: 'carol', SerialNumber: dev.SerialNumber, AuthenticationCode1: hotp(seed, T - 1), AuthenticationCode2: hotp(seed, T) });
    assert.equal(ok.status, 200, ok.body);

    const list = await h.call(ADMIN, { Action: 'ListMFADevices', UserName: 'carol' });
    const m = list.xml.ListMFADevicesResponse.ListMFADevicesResult.MFADevices.member;
    assert.equal(m.length, 1);
    assert.equal(m[0].SerialNumber, dev.SerialNumber);
    assert.equal(m[0].UserName, 'carol');

    const virt = await h.call(ADMIN, { Action: 'ListVirtualMFADevices', AssignmentStatus: 'Assigned' });
    const vm = virt.xml.ListVirtualMFADevicesResponse.ListVirtualMFADevicesResult.VirtualMFADevices.member;
    assert.equal(vm[0].User.UserName, 'carol');
    assert.ok(!virt.body.includes('Base32StringSeed'));

    const resync = await h.call(ADMIN, { Action: 'ResyncMFADevice', UserName: 'carol', SerialNumber: dev.SerialNumber, AuthenticationCode1: hotp(seed, T + 1), AuthenticationCode2: hotp(seed, T + 2) });
    assert.equal(resync.status, 200, resync.body);

    const conflict = await h.call(ADMIN, { Action: 'DeleteVirtualMFADevice', SerialNumber: dev.SerialNumber });
    assert.equal(conflict.xml.ErrorResponse.Error.Code, 'DeleteConflict');
    assert.equal((await h.call(ADMIN, { Action: 'DeactivateMFADevice', UserName: 'carol', SerialNumber: dev.SerialNumber })).status, 200);
    assert.equal((await h.call(ADMIN, { Action: 'DeleteVirtualMFADevice', SerialNumber: dev.SerialNumber })).status, 200);
    const gone = await h.call(ADMIN, { Action: 'ListVirtualMFADevices' });
    assert.ok(!gone.body.includes(dev.SerialNumber));
  });
});
