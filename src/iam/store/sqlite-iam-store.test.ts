import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MasterKey } from '../../crypto/index.js';
import { isCofferError } from '../../shared/index.js';
import { openSqliteIamStore } from './open-sqlite-iam-store.js';
import { createAccessKeyResolver } from './resolve-access-key.js';
import type { IamStore } from './port.js';

const ACCOUNT = '123456789012';
const DOC = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}';
let now = Date.UTC(2026, 0, 1);
const clock = { now: () => now };

function code(c: string) {
  return (e: unknown) => isCofferError(e, c);
}

describe('SQLite identity store', () => {
  let dir: string;
  let path: string;
  let master: MasterKey;
  let store: IamStore;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'coffer-iam-'));
    path = join(dir, 'iam.db');
    master = MasterKey.generate();
    store = openSqliteIamStore({ path, masterKey: master, accountId: ACCOUNT, clock });
  });
  after(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a duplicate user name regardless of case, and creates users with ids, paths and ARNs', async () => {
    const u = await store.createUser({ userName: 'Alice', path: '/team-a/', tags: [{ key: 'team', value: 'a' }] });
    assert.match(u.userId, /^AIDA[A-Z2-7]{17}$/);
    assert.equal(u.arn, `arn:aws:iam::${ACCOUNT}:user/team-a/Alice`);
    assert.equal(u.createDate, '2026-01-01T00:00:00Z');
    assert.deepEqual(u.tags, [{ key: 'team', value: 'a' }]);
    await assert.rejects(store.createUser({ userName: 'alice' }), code('iam.entity_already_exists'));
    assert.equal((await store.getUser('ALICE')).userName, 'Alice');
  });

  it('rejects invalid names and paths', async () => {
    await assert.rejects(store.createUser({ userName: 'bad name' }), code('iam.validation'));
    await assert.rejects(store.createUser({ userName: 'x'.repeat(65) }), code('iam.validation'));
    await assert.rejects(store.createUser({ userName: 'ok', path: 'no-slash' }), code('iam.validation'));
  });

  it('answers NoSuchEntity for a missing user and lists users page by page with a path prefix', async () => {
    await assert.rejects(store.getUser('nobody'), code('iam.no_such_entity'));
    for (const n of ['u1', 'u2', 'u3']) await store.createUser({ userName: n, path: '/paged/' });
    const p1 = await store.listUsers({ pathPrefix: '/paged/', maxItems: 2 });
    assert.deepEqual(p1.items.map((u) => u.userName), ['u1', 'u2']);
    assert.equal(p1.isTruncated, true);
    const p2 = await store.listUsers({ pathPrefix: '/paged/', maxItems: 2, marker: p1.marker });
    assert.deepEqual(p2.items.map((u) => u.userName), ['u3']);
    assert.equal(p2.isTruncated, false);
  });

  it('refuses a third access key and never stores the secret in plaintext', async () => {
    await store.createUser({ userName: 'keys' });
    const k1 = await store.createAccessKey('keys');
    const k2 = await store.createAccessKey('keys');
    await assert.rejects(store.createAccessKey('keys'), code('iam.limit_exceeded'));
    assert.match(k1.key.accessKeyId, /^AKIA[A-Z2-7]{16}$/);
    assert.equal(k1.secretAccessKey.length, 40);
    assert.equal(k1.key.status, 'Active');
    const found = await store.findAccessKey(k2.key.accessKeyId);
    assert.equal(found?.secretAccessKey, k2.secretAccessKey);
    assert.equal(found?.user.userName, 'keys');
    const files = ['iam.db', 'iam.db-wal'].map((f) => {
      try {
        return readFileSync(join(dir, f));
      } catch {
        return Buffer.alloc(0);
      }
    });
    for (const f of files) {
      assert.equal(f.includes(Buffer.from(k1.secretAccessKey)), false);
      assert.equal(f.includes(Buffer.from('keys')), false, 'pages are encrypted');
    }
    await store.updateAccessKey('keys', k1.key.accessKeyId, 'Inactive');
    assert.deepEqual((await store.listAccessKeys('keys')).map((k) => k.status).sort(), ['Active', 'Inactive']);
    await assert.rejects(store.deleteAccessKey('alice', k1.key.accessKeyId), code('iam.no_such_entity'));
    await store.deleteAccessKey('keys', k1.key.accessKeyId);
    assert.equal(await store.findAccessKey(k1.key.accessKeyId), null);
  });

  it('records the last use of a key', async () => {
    await store.createUser({ userName: 'used' });
    const { key } = await store.createAccessKey('used');
    assert.equal((await store.getAccessKeyLastUsed(key.accessKeyId)).lastUsed.lastUsedDate, null);
    await store.recordAccessKeyUse(key.accessKeyId, { atMs: Date.UTC(2026, 0, 2), serviceName: 's3', region: 'us-east-1' });
    assert.deepEqual((await store.getAccessKeyLastUsed(key.accessKeyId)).lastUsed, { lastUsedDate: '2026-01-02T00:00:00Z', serviceName: 's3', region: 'us-east-1' });
  });

  it('refuses to delete a user with keys, groups or policies, and deletes it once they are gone', async () => {
    await store.createUser({ userName: 'leaver' });
    await store.createGroup({ groupName: 'leavers' });
    await store.addUserToGroup('leavers', 'leaver');
    await assert.rejects(store.deleteUser('leaver'), code('iam.delete_conflict'));
    await store.removeUserFromGroup('leavers', 'leaver');
    await store.putInlinePolicy('user', 'leaver', 'P', DOC);
    await assert.rejects(store.deleteUser('leaver'), code('iam.delete_conflict'));
    await store.deleteInlinePolicy('user', 'leaver', 'P');
    await store.deleteUser('leaver');
    await assert.rejects(store.getUser('leaver'), code('iam.no_such_entity'));
  });

  it('keeps at most five policy versions and switches the default version', async () => {
    const p = await store.createPolicy({ policyName: 'Versioned', document: DOC });
    assert.equal(p.arn, `arn:aws:iam::${ACCOUNT}:policy/Versioned`);
    assert.equal(p.defaultVersionId, 'v1');
    for (let i = 2; i <= 5; i++) await store.createPolicyVersion(p.arn, DOC.replace('GetObject', `Get${i}`), i === 5);
    await assert.rejects(store.createPolicyVersion(p.arn, DOC, false), code('iam.limit_exceeded'));
    assert.equal((await store.getPolicy(p.arn)).defaultVersionId, 'v5');
    assert.match((await store.getPolicyVersion(p.arn, 'v5')).document, /Get5/);
    await assert.rejects(store.deletePolicyVersion(p.arn, 'v5'), code('iam.delete_conflict'));
    await store.deletePolicyVersion(p.arn, 'v2');
    assert.deepEqual((await store.listPolicyVersions(p.arn)).map((v) => v.versionId).sort(), ['v1', 'v3', 'v4', 'v5']);
  });

  it('collects identity policies from the user, its groups and attachments, with the default version', async () => {
    await store.createUser({ userName: 'member' });
    await store.createGroup({ groupName: 'readers' });
    await store.addUserToGroup('readers', 'member');
    const managed = await store.createPolicy({ policyName: 'ReadB', document: DOC });
    await store.attachPolicy('group', 'readers', managed.arn);
    await store.putInlinePolicy('user', 'member', 'Own', DOC);
    await assert.rejects(store.deletePolicy(managed.arn), code('iam.delete_conflict'));
    const docs = await store.userPolicyDocuments('member');
    assert.deepEqual(docs.identity.map((d) => d.id), ['user/member/Own', managed.arn]);
    assert.equal((await store.getPolicy(managed.arn)).attachmentCount, 1);
    assert.deepEqual((await store.listAttachedPolicies('group', 'readers')).items, [{ policyName: 'ReadB', policyArn: managed.arn }]);
    assert.deepEqual((await store.listGroupsForUser('member')).items.map((g) => g.groupName), ['readers']);
  });

  it('stores roles with their trust policy and refuses a duplicate role', async () => {
    const trust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}';
    const r = await store.createRole({ roleName: 'reader', assumeRolePolicyDocument: trust });
    assert.match(r.roleId, /^AROA/);
    assert.equal(r.arn, `arn:aws:iam::${ACCOUNT}:role/reader`);
    await assert.rejects(store.createRole({ roleName: 'Reader', assumeRolePolicyDocument: trust }), code('iam.entity_already_exists'));
    assert.equal((await store.getRole('reader')).assumeRolePolicyDocument, trust);
    await store.deleteRole('reader');
    await assert.rejects(store.getRole('reader'), code('iam.no_such_entity'));
  });

  it('refuses a password the policy rejects and checks a good one in constant time', async () => {
    await store.createUser({ userName: 'console' });
    await assert.rejects(store.createLoginProfile('console', 'short', false), code('iam.password_policy'));
    await store.createLoginProfile('console', 'correct horse battery', true);
    assert.equal(await store.checkPassword('console', 'wrong horse battery'), false);
    assert.equal(await store.checkPassword('nobody', 'correct horse battery'), false);
    assert.equal(await store.checkPassword('console', 'correct horse battery'), true);
    assert.equal((await store.getLoginProfile('console')).passwordResetRequired, true);
  });

  it('refuses to open with another master key or another account id', async () => {
    assert.throws(() => openSqliteIamStore({ path, masterKey: MasterKey.generate(), accountId: ACCOUNT }), code('storage.bad_key'));
    assert.throws(() => openSqliteIamStore({ path, masterKey: master, accountId: '999999999999' }), code('iam.account_mismatch'));
  });
});

describe('access key resolver', () => {
  it('returns null for unknown and inactive keys and the caller with compiled policies for active ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coffer-iam-'));
    const store = openSqliteIamStore({ path: join(dir, 'iam.db'), masterKey: MasterKey.generate(), accountId: ACCOUNT, clock });
    try {
      const resolver = createAccessKeyResolver({ store, clock });
      assert.equal(await resolver.findSecret('AKIAAAAAAAAAAAAAAAAA'), null);
      await store.createUser({ userName: 'r', tags: [{ key: 'team', value: 'a' }] });
      await store.putInlinePolicy('user', 'r', 'Read', DOC);
      const { key, secretAccessKey } = await store.createAccessKey('r');
      const found = await resolver.findSecret(key.accessKeyId);
      assert.equal(found?.secretAccessKey, secretAccessKey);
      assert.equal(found?.principal.userName, 'r');
      assert.equal(found?.principal.arn, `arn:aws:iam::${ACCOUNT}:user/r`);
      assert.deepEqual(found?.principal.tags, { team: 'a' });
      assert.equal(found?.principal.policies.identity?.length, 1);
      assert.equal(await resolver.findSecret(key.accessKeyId, { sessionToken: 'x' }), null);
      await store.updateAccessKey('r', key.accessKeyId, 'Inactive');
      assert.equal(await resolver.findSecret(key.accessKeyId), null, 'the cache is dropped when the store changes');
      await resolver.recordUse(key.accessKeyId, { serviceName: 's3', region: 'us-east-1' });
      assert.equal((await store.getAccessKeyLastUsed(key.accessKeyId)).lastUsed.serviceName, 's3');
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('provisionAdminUser', () => {
  it('keeps the bootstrap user id and key, attaches AdministratorAccess, and is idempotent', async () => {
    const { provisionAdminUser } = await import('./provision-admin.js');
    const dir = mkdtempSync(join(tmpdir(), 'coffer-iam-'));
    const store = openSqliteIamStore({ path: join(dir, 'iam.db'), masterKey: MasterKey.generate(), accountId: ACCOUNT, clock });
    try {
      const admin = { userName: 'admin', userId: 'AIDAAAAAAAAAAAAAAAAAA', accessKeyId: 'AKIAAAAAAAAAAAAAAAAA', secretAccessKey: 'a'.repeat(40), createdMs: 0 };
      await assert.rejects(provisionAdminUser(store, { ...admin, userId: 'bad' }), code('iam.validation'));
      const u = await provisionAdminUser(store, admin);
      await provisionAdminUser(store, admin);
      assert.equal(u.userId, admin.userId);
      assert.equal((await store.findAccessKey(admin.accessKeyId))?.secretAccessKey, admin.secretAccessKey);
      assert.deepEqual((await store.listAttachedPolicies('user', 'admin')).items.map((p) => p.policyName), ['AdministratorAccess']);
      assert.equal((await store.listAccessKeys('admin')).length, 1);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
