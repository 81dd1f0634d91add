import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MasterKey } from '../crypto/index.js';
import { base32Decode, hotp, timeStep } from '../mfa/index.js';
import { callerForUser, createAccessKeyResolver, openSqliteIamStore, type IamCaller, type IamStore } from '../iam/store/index.js';
import { evaluate, globalConditionKeys } from '../iam/policy/index.js';
import { isCofferError } from '../shared/index.js';
import { assumeRole, createSessionResolver, getSessionToken, MFA_INVALID_CODE, sessionTokenHash } from './index.js';

const ACCOUNT = '123456789012';
let now = Date.UTC(2026, 0, 1, 12, 0, 5);
const clock = { now: () => now };
const code = (c: string, message?: RegExp) => (e: unknown) => isCofferError(e, c) && (message === undefined || message.test(e.message));

describe('STS sessions', () => {
  let dir: string;
  let store: IamStore;
  let findSecret: ReturnType<typeof createSessionResolver>['findSecret'];
  let alice: IamCaller;
  let serial: string;
  let seed: Buffer;
  let step: number;
  const deps = () => ({ store, clock, accountId: ACCOUNT });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coffer-sts-'));
    store = openSqliteIamStore({ path: join(dir, 'iam.db'), masterKey: MasterKey.generate(), accountId: ACCOUNT, clock });
    const user = await store.createUser({ userName: 'alice' });
    await store.putInlinePolicy('user', 'alice', 'all', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}');
    const { key } = await store.createAccessKey('alice');
    alice = await callerForUser(store, user, key.accessKeyId);
    const dev = await store.mfa.createVirtualMfaDevice({ name: 'alice' });
    serial = dev.device.serialNumber;
    seed = base32Decode(dev.base32Seed);
    step = timeStep(now);
    await store.mfa.enableMfaDevice('alice', serial, hotp(seed, step - 3), hotp(seed, step - 2));
    findSecret = createSessionResolver({ store, clock, longTerm: createAccessKeyResolver({ store, clock }).findSecret }).findSecret;
  });
  after(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a wrong code with AWS\'s message, and durations outside 900..129600 seconds', async () => {
    await assert.rejects(getSessionToken(deps(), alice, { serialNumber: serial, tokenCode: hotp(seed, step + 9) }), code('sts.access_denied', /invalid MFA one time pass code/));
    await assert.rejects(getSessionToken(deps(), alice, { durationSeconds: 899 }), code('sts.validation'));
    await assert.rejects(getSessionToken(deps(), alice, { durationSeconds: 129_601 }), code('sts.validation'));
    assert.equal(MFA_INVALID_CODE, 'MultiFactorAuthentication failed with invalid MFA one time pass code.');
  });

  it('resolves a session only with its own token, until it expires', async () => {
    const s = await getSessionToken(deps(), alice, { durationSeconds: 900, serialNumber: serial, tokenCode: hotp(seed, step) });
    const { accessKeyId, secretAccessKey, sessionToken } = s.credentials;
    assert.match(accessKeyId, /^ASIA[A-Z2-7]{16}$/);
    assert.equal(s.expiresMs, now + 900_000);
    const found = await findSecret(accessKeyId, { sessionToken });
    assert.equal(found?.secretAccessKey, secretAccessKey);
    const p = found!.principal;
    assert.equal(p.type, 'User');
    assert.equal(p.session?.mfaAuthenticated, true);
    // MFA facts reach the condition keys: present and aged; long-term keys have none.
    const keys = globalConditionKeys({ principal: p, secureTransport: true, sourceIp: '127.0.0.1', nowMs: now + 60_000, region: 'us-east-1', mfa: { present: true, authTimeMs: p.session!.mfaAuthTimeMs! } });
    assert.equal(keys['aws:MultiFactorAuthAge'], '60');

    await assert.rejects(findSecret(accessKeyId, {}), code('auth.invalid_token'));
    await assert.rejects(findSecret(accessKeyId, { sessionToken: sessionToken.slice(0, -1) + (sessionToken.endsWith('A') ? 'B' : 'A') }), code('auth.invalid_token'));
    // A long-term key never resolves with a session token.
    assert.equal(await findSecret(alice.accessKeyId, { sessionToken }), null);
    assert.equal(await findSecret('ASIAAAAAAAAAAAAAAAAA', { sessionToken }), null);
    // The stored row carries only the token's hash.
    assert.deepEqual((await store.sessions.findSession(accessKeyId))?.tokenHash, sessionTokenHash(sessionToken));

    now += 899_000;
    assert.ok(await findSecret(accessKeyId, { sessionToken }));
    now += 1_000;
    await assert.rejects(findSecret(accessKeyId, { sessionToken }), code('auth.expired_token'));
  });

  it('voids every session of a user when its sessions are revoked', async () => {
    const s = await getSessionToken(deps(), alice, {});
    assert.equal((await findSecret(s.credentials.accessKeyId, { sessionToken: s.credentials.sessionToken }))?.principal.session?.mfaAuthenticated, false);
    now += 1000;
    assert.equal(await store.sessions.revokeSessions('user', 'alice'), 1);
    await assert.rejects(findSecret(s.credentials.accessKeyId, { sessionToken: s.credentials.sessionToken }), code('auth.invalid_token'));
    now += 1000;
    const later = await getSessionToken(deps(), alice, {});
    assert.ok(await findSecret(later.credentials.accessKeyId, { sessionToken: later.credentials.sessionToken }));
  });

  it('assumes a role when the trust policy allows it, with role policies narrowed by the session policy', async () => {
    await store.createRole({
      roleName: 'reader',
      assumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] }),
    });
    await store.putInlinePolicy('role', 'reader', 'r', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*"}]}');
    const input = { roleArn: `arn:aws:iam::${ACCOUNT}:role/reader`, roleSessionName: 'job-1', policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}' };
    // Naming the account delegates to identity policies: alice has none for sts:AssumeRole.
    await assert.rejects(assumeRole(deps(), alice, input, {}), code('sts.access_denied'));
    await store.putInlinePolicy('user', 'alice', 'assume', `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::${ACCOUNT}:role/reader"}]}`);
    const user = await store.getUser('alice');
    alice = await callerForUser(store, user, alice.accessKeyId);
    await assert.rejects(assumeRole(deps(), alice, { ...input, durationSeconds: 7200 }, {}), code('sts.validation', /MaxSessionDuration/));
    await assert.rejects(assumeRole(deps(), alice, { ...input, policy: '{"Statement":' }, {}), code('sts.malformed_policy'));
    const r = await assumeRole(deps(), alice, input, {});
    assert.equal(r.arn, `arn:aws:sts::${ACCOUNT}:assumed-role/reader/job-1`);
    const found = await findSecret(r.credentials.accessKeyId, { sessionToken: r.credentials.sessionToken });
    const p = found!.principal;
    assert.equal(p.type, 'AssumedRole');
    assert.equal(p.sessionArn, r.arn);
    const decide = (action: string) => evaluate(p.policies, { action, resource: 'arn:aws:s3:::b/k', principal: p, keys: {} }).decision;
    assert.equal(decide('s3:GetObject'), 'Allow');
    assert.equal(decide('s3:PutObject'), 'ImplicitDeny');
    // Role chaining is capped at one hour.
    await assert.rejects(assumeRole(deps(), p, { ...input, durationSeconds: 3601 }, {}), code('sts.validation'));
  });
});
