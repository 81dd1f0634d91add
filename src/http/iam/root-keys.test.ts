import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isCofferError, systemClock } from '../../shared/index.js';
import { createRootAccessKey, ROOT_ACCESS_KEYS_DISABLED } from '../../iam/index.js';
import { createAccessKeyResolver } from '../../iam/store/index.js';
import { parsePolicy } from '../../iam/policy/index.js';
import { evaluateForPrincipal } from './authorize.js';
import { ACCOUNT, ADMIN, harness, type Creds, type Harness } from './testing.js';

function error(r: { status: number; xml: Record<string, any> }) {
  return { status: r.status, code: r.xml.ErrorResponse?.Error?.Code as string, message: String(r.xml.ErrorResponse?.Error?.Message ?? '') };
}

describe('root user access keys, with iam.allowRootAccessKeys off (the default)', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(() => h.close());

  it('has none in a new account', async () => {
    assert.deepEqual(await h.store.rootKeys.list(), []);
  });

  it('refuses to create one, saying what to do instead and how to allow it', async () => {
    await assert.rejects(createRootAccessKey(h.store, { allowRootAccessKeys: false }), (e: unknown) => {
      assert.ok(isCofferError(e, 'iam.root_access_keys_disabled'));
      assert.equal(e.message, ROOT_ACCESS_KEYS_DISABLED);
      assert.match(e.message, /create-user/);
      assert.match(e.message, /iam\.allowRootAccessKeys/);
      assert.match(e.message, /COFFER_IAM_ALLOW_ROOT_ACCESS_KEYS=true/);
      return true;
    });
    assert.deepEqual(await h.store.rootKeys.list(), []);
  });

  it('refuses CreateAccessKey from the root user itself with AccessDenied and the same guidance', async () => {
    // A root key left from a time the setting was on.
    const { key, secretAccessKey } = await h.store.rootKeys.create();
    const root: Creds = { accessKeyId: key.accessKeyId, secretAccessKey };
    const r = await h.call(root, { Action: 'CreateAccessKey' });
    assert.equal(error(r).code, 'AccessDenied');
    assert.match(error(r).message, /iam\.allowRootAccessKeys/);
    assert.equal((await h.store.rootKeys.list()).length, 1);
    // An IAM user's keys are unaffected.
    assert.equal((await h.call(ADMIN, { Action: 'CreateUser', UserName: 'ops' })).status, 200);
    assert.equal((await h.call(ADMIN, { Action: 'CreateAccessKey', UserName: 'ops' })).status, 200);
  });
});

describe('root user access keys, with iam.allowRootAccessKeys on', () => {
  let h: Harness;
  let root: Creds;
  before(async () => {
    h = await harness({ allowRootAccessKeys: true });
    const { key, secretAccessKey } = await createRootAccessKey(h.store, { allowRootAccessKeys: true });
    root = { accessKeyId: key.accessKeyId, secretAccessKey };
  });
  after(() => h.close());

  it('authenticates the key as the account root, which needs no policy', async () => {
    const found = await createAccessKeyResolver({ store: h.store, clock: systemClock }).findSecret(root.accessKeyId);
    assert.equal(found?.principal.type, 'Account');
    assert.equal(found?.principal.arn, `arn:aws:iam::${ACCOUNT}:root`);
    const r = await h.call(root, { Action: 'ListUsers' });
    assert.equal(r.status, 200, r.body);
    assert.equal(r.audit.decision, 'Allow');
  });

  it('lets the root user manage its own keys without UserName, at most two', async () => {
    const created = await h.call(root, { Action: 'CreateAccessKey' });
    assert.equal(created.status, 200, created.body);
    const key = created.xml.CreateAccessKeyResponse.CreateAccessKeyResult.AccessKey;
    assert.equal(key.UserName, undefined);
    assert.match(key.AccessKeyId, /^AKIA/);
    assert.equal(error(await h.call(root, { Action: 'CreateAccessKey' })).code, 'LimitExceeded');
    const listed = (await h.call(root, { Action: 'ListAccessKeys' })).xml.ListAccessKeysResponse.ListAccessKeysResult.AccessKeyMetadata.member;
    assert.equal(listed.length, 2);
    assert.equal((await h.call(root, { Action: 'UpdateAccessKey', AccessKeyId: key.AccessKeyId, Status: 'Inactive' })).status, 200);
    assert.equal(await createAccessKeyResolver({ store: h.store, clock: systemClock }).findSecret(key.AccessKeyId), null);
    assert.equal((await h.call(root, { Action: 'DeleteAccessKey', AccessKeyId: key.AccessKeyId })).status, 200);
    assert.equal((await h.store.rootKeys.list()).length, 1);
  });

  it('is still bound by an explicit Deny in a bucket policy', async () => {
    const found = await createAccessKeyResolver({ store: h.store, clock: systemClock }).findSecret(root.accessKeyId);
    const deny = parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:DeleteBucket', Resource: 'arn:aws:s3:::b' }] }), { id: 'arn:aws:s3:::b', kind: 'resource' });
    const ask = (action: string) => evaluateForPrincipal(found?.principal, { action, resource: 'arn:aws:s3:::b', conditionKeys: {}, resourcePolicies: [deny] }).decision;
    assert.equal(ask('s3:DeleteBucket'), 'ExplicitDeny');
    assert.equal(ask('s3:ListBucket'), 'Allow');
  });
});
