import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ACCOUNT, ADMIN, harness, type Creds, type Harness } from './testing.js';

let h: Harness;
before(async () => {
  h = await harness();
});
after(() => h.close());

function error(r: { status: number; xml: Record<string, any> }) {
  return { status: r.status, code: r.xml.ErrorResponse?.Error?.Code as string, message: String(r.xml.ErrorResponse?.Error?.Message ?? '') };
}

async function ok(params: Record<string, string>, creds: Creds = ADMIN) {
  const r = await h.call(creds, params);
  assert.equal(r.status, 200, r.body);
  return r;
}

const doc = (...Statement: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement });

describe('permissions boundaries', () => {
  let carol: Creds;
  const boundaryArn = `arn:aws:iam::${ACCOUNT}:policy/OnlyGetUser`;

  before(async () => {
    await ok({ Action: 'CreateUser', UserName: 'carol' });
    const k = await ok({ Action: 'CreateAccessKey', UserName: 'carol' });
    const key = k.xml.CreateAccessKeyResponse.CreateAccessKeyResult.AccessKey;
    carol = { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
    await ok({ Action: 'PutUserPolicy', UserName: 'carol', PolicyName: 'AllIam', PolicyDocument: doc({ Effect: 'Allow', Action: 'iam:*', Resource: '*' }) });
    await ok({ Action: 'CreatePolicy', PolicyName: 'OnlyGetUser', PolicyDocument: doc({ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }) });
  });

  it('refuses a boundary that is not an existing managed policy', async () => {
    assert.equal(error(await h.call(ADMIN, { Action: 'PutUserPermissionsBoundary', UserName: 'carol', PermissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/Missing` })).code, 'NoSuchEntity');
    assert.equal(error(await h.call(ADMIN, { Action: 'PutUserPermissionsBoundary', UserName: 'carol', PermissionsBoundary: 'not-an-arn' })).code, 'InvalidInput');
    assert.equal(error(await h.call(ADMIN, { Action: 'PutUserPermissionsBoundary', UserName: 'nobody', PermissionsBoundary: boundaryArn })).code, 'NoSuchEntity');
  });

  it('limits a user to what both its policies and its boundary allow, shows the boundary in GetUser, and lifts it on delete', async () => {
    await ok({ Action: 'ListUsers' }, carol);
    await ok({ Action: 'PutUserPermissionsBoundary', UserName: 'carol', PermissionsBoundary: boundaryArn });
    const denied = await h.call(carol, { Action: 'ListUsers' });
    assert.equal(error(denied).code, 'AccessDenied');
    assert.equal(denied.audit.decision, 'ImplicitDeny');
    const self = await ok({ Action: 'GetUser' }, carol);
    assert.deepEqual(self.xml.GetUserResponse.GetUserResult.User.PermissionsBoundary, { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: boundaryArn });
    await ok({ Action: 'DeleteUserPermissionsBoundary', UserName: 'carol' });
    await ok({ Action: 'ListUsers' }, carol);
    assert.equal((await ok({ Action: 'GetUser', UserName: 'carol' })).xml.GetUserResponse.GetUserResult.User.PermissionsBoundary, undefined);
  });

  it('sets and removes a role boundary, and refuses to delete a policy used as one', async () => {
    const trust = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' });
    await ok({ Action: 'CreateRole', RoleName: 'reader', AssumeRolePolicyDocument: trust });
    await ok({ Action: 'PutRolePermissionsBoundary', RoleName: 'reader', PermissionsBoundary: boundaryArn });
    assert.equal((await ok({ Action: 'GetRole', RoleName: 'reader' })).xml.GetRoleResponse.GetRoleResult.Role.PermissionsBoundary.PermissionsBoundaryArn, boundaryArn);
    assert.equal((await h.store.rolePolicyDocuments('reader')).boundary?.id, boundaryArn);
    assert.equal(error(await h.call(ADMIN, { Action: 'DeletePolicy', PolicyArn: boundaryArn })).code, 'DeleteConflict');
    await ok({ Action: 'DeleteRolePermissionsBoundary', RoleName: 'reader' });
    assert.equal((await h.store.rolePolicyDocuments('reader')).boundary, null);
  });

  it('denies setting a boundary to a caller without iam:PutUserPermissionsBoundary', async () => {
    await ok({ Action: 'PutUserPermissionsBoundary', UserName: 'carol', PermissionsBoundary: boundaryArn });
    const r = await h.call(carol, { Action: 'DeleteUserPermissionsBoundary', UserName: 'carol' });
    assert.equal(error(r).code, 'AccessDenied');
    await ok({ Action: 'DeleteUserPermissionsBoundary', UserName: 'carol' });
  });
});

describe('account password policy', () => {
  it('answers NoSuchEntity until a policy is set', async () => {
    const r = await h.call(ADMIN, { Action: 'GetAccountPasswordPolicy' });
    assert.equal(error(r).code, 'NoSuchEntity');
    assert.match(error(r).message, new RegExp(`Password Policy with domain name ${ACCOUNT}`));
    assert.equal(error(await h.call(ADMIN, { Action: 'DeleteAccountPasswordPolicy' })).code, 'NoSuchEntity');
  });

  it('stores the policy and enforces it on CreateLoginProfile and UpdateLoginProfile', async () => {
    await ok({ Action: 'UpdateAccountPasswordPolicy', MinimumPasswordLength: '14', RequireNumbers: 'true', RequireSymbols: 'true' });
    const p = (await ok({ Action: 'GetAccountPasswordPolicy' })).xml.GetAccountPasswordPolicyResponse.GetAccountPasswordPolicyResult.PasswordPolicy;
    assert.equal(p.MinimumPasswordLength, 14);
    assert.equal(p.RequireNumbers, true);
    assert.equal(p.RequireSymbols, true);
    assert.equal(p.RequireUppercaseCharacters, false);
    assert.equal(p.ExpirePasswords, false);
    await ok({ Action: 'CreateUser', UserName: 'dave' });
    const weak = error(await h.call(ADMIN, { Action: 'CreateLoginProfile', UserName: 'dave', Password: 'longbutnodigitsorsymbols' }));
    assert.equal(weak.code, 'PasswordPolicyViolation');
    assert.match(weak.message, /a symbol, a number/);
    assert.doesNotMatch(weak.message, /longbutnodigits/);
    await ok({ Action: 'CreateLoginProfile', UserName: 'dave', Password: 'correct-horse-42-battery' });
    assert.equal(error(await h.call(ADMIN, { Action: 'UpdateLoginProfile', UserName: 'dave', Password: 'short-1' })).code, 'PasswordPolicyViolation');
    await ok({ Action: 'UpdateLoginProfile', UserName: 'dave', Password: 'another-horse-43-staple' });
    assert.equal(await h.store.checkPassword('dave', 'another-horse-43-staple'), true);
  });

  it('gives parameters left out their AWS defaults, and refuses settings Coffer would not enforce', async () => {
    await ok({ Action: 'UpdateAccountPasswordPolicy', RequireUppercaseCharacters: 'true' });
    const p = (await ok({ Action: 'GetAccountPasswordPolicy' })).xml.GetAccountPasswordPolicyResponse.GetAccountPasswordPolicyResult.PasswordPolicy;
    assert.equal(p.MinimumPasswordLength, 8);
    assert.equal(p.RequireNumbers, false);
    assert.equal(p.RequireUppercaseCharacters, true);
    assert.equal(error(await h.call(ADMIN, { Action: 'UpdateAccountPasswordPolicy', MinimumPasswordLength: '5' })).code, 'ValidationError');
    assert.equal(error(await h.call(ADMIN, { Action: 'UpdateAccountPasswordPolicy', MaxPasswordAge: '90' })).code, 'ValidationError');
    assert.equal(error(await h.call(ADMIN, { Action: 'UpdateAccountPasswordPolicy', PasswordReusePrevention: '3' })).code, 'ValidationError');
  });

  it('returns to the built-in default (12 characters) after DeleteAccountPasswordPolicy', async () => {
    await ok({ Action: 'DeleteAccountPasswordPolicy' });
    assert.equal(error(await h.call(ADMIN, { Action: 'GetAccountPasswordPolicy' })).code, 'NoSuchEntity');
    await ok({ Action: 'CreateUser', UserName: 'erin' });
    assert.equal(error(await h.call(ADMIN, { Action: 'CreateLoginProfile', UserName: 'erin', Password: 'Elevenchars' })).code, 'PasswordPolicyViolation');
    await ok({ Action: 'CreateLoginProfile', UserName: 'erin', Password: 'twelve chars' });
  });
});

describe('ChangePassword', () => {
  let frank: Creds;
  before(async () => {
    await ok({ Action: 'CreateUser', UserName: 'frank' });
    const k = await ok({ Action: 'CreateAccessKey', UserName: 'frank' });
    const key = k.xml.CreateAccessKeyResponse.CreateAccessKeyResult.AccessKey;
    frank = { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
    await ok({ Action: 'CreateLoginProfile', UserName: 'frank', Password: 'frank-first-password-1', PasswordResetRequired: 'true' });
  });

  it('is denied to a user without iam:ChangePassword while AllowUsersToChangePassword is off', async () => {
    await ok({ Action: 'UpdateAccountPasswordPolicy', MinimumPasswordLength: '12' });
    const r = await h.call(frank, { Action: 'ChangePassword', OldPassword: 'frank-first-password-1', NewPassword: 'frank-second-password-2' });
    assert.equal(error(r).code, 'AccessDenied');
    assert.equal(await h.store.checkPassword('frank', 'frank-first-password-1'), true);
  });

  it('lets users change their own password when the policy allows it, checking the old one and the policy', async () => {
    await ok({ Action: 'UpdateAccountPasswordPolicy', MinimumPasswordLength: '12', AllowUsersToChangePassword: 'true' });
    assert.equal(error(await h.call(frank, { Action: 'ChangePassword', OldPassword: 'wrong-password-000', NewPassword: 'frank-second-password-2' })).code, 'AccessDenied');
    assert.equal(error(await h.call(frank, { Action: 'ChangePassword', OldPassword: 'frank-first-password-1', NewPassword: 'short' })).code, 'PasswordPolicyViolation');
    await ok({ Action: 'ChangePassword', OldPassword: 'frank-first-password-1', NewPassword: 'frank-second-password-2' }, frank);
    assert.equal(await h.store.checkPassword('frank', 'frank-second-password-2'), true);
    assert.equal((await h.store.getLoginProfile('frank')).passwordResetRequired, false);
  });

  it('still honours an explicit Deny on iam:ChangePassword', async () => {
    await ok({ Action: 'PutUserPolicy', UserName: 'frank', PolicyName: 'NoChange', PolicyDocument: doc({ Effect: 'Deny', Action: 'iam:ChangePassword', Resource: '*' }) });
    assert.equal(error(await h.call(frank, { Action: 'ChangePassword', OldPassword: 'frank-second-password-2', NewPassword: 'frank-third-password-3' })).code, 'AccessDenied');
    await ok({ Action: 'DeleteUserPolicy', UserName: 'frank', PolicyName: 'NoChange' });
    await ok({ Action: 'DeleteAccountPasswordPolicy' });
  });
});
