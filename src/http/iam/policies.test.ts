import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ACCOUNT, ADMIN, harness, type Harness } from './testing.js';

let h: Harness;
before(async () => {
  h = await harness();
  await h.call(ADMIN, { Action: 'CreateUser', UserName: 'bob' });
  await h.call(ADMIN, { Action: 'CreateGroup', GroupName: 'ops' });
});
after(() => h.close());

const READ = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/team-a/*' }] });
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] });

function error(r: { status: number; xml: Record<string, any> }) {
  return { status: r.status, code: r.xml.ErrorResponse?.Error?.Code as string, message: String(r.xml.ErrorResponse?.Error?.Message ?? '') };
}

describe('IAM query API: managed policies', () => {
  it('rejects a policy with an unknown condition key with MalformedPolicyDocument naming the key', async () => {
    const bad = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringEquals: { 's3:nosuchkey': 'x' } } }] });
    const e = error(await h.call(ADMIN, { Action: 'CreatePolicy', PolicyName: 'Bad', PolicyDocument: bad }));
    assert.equal(e.status, 400);
    assert.equal(e.code, 'MalformedPolicyDocument');
    assert.match(e.message, /unknown or unsupported condition key 's3:nosuchkey'/);
    const op = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringEqualsSometimes: { 'aws:username': 'x' } } }] });
    assert.match(error(await h.call(ADMIN, { Action: 'CreatePolicy', PolicyName: 'Bad', PolicyDocument: op })).message, /unknown condition operator 'StringEqualsSometimes'/);
  });

  it('refuses an oversized policy with LimitExceeded', async () => {
    const big = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: Array.from({ length: 300 }, (_, i) => `arn:aws:s3:::bucket/${i}/*`) }] });
    assert.equal(error(await h.call(ADMIN, { Action: 'CreatePolicy', PolicyName: 'Big', PolicyDocument: big })).code, 'LimitExceeded');
  });

  it('creates, gets and lists a managed policy, and refuses a duplicate name', async () => {
    const r = await h.call(ADMIN, { Action: 'CreatePolicy', PolicyName: 'ReadTeamA', Path: '/teams/', PolicyDocument: READ, Description: 'read team-a' });
    assert.equal(r.status, 200);
    const p = r.xml.CreatePolicyResponse.CreatePolicyResult.Policy;
    assert.equal(p.Arn, `arn:aws:iam::${ACCOUNT}:policy/teams/ReadTeamA`);
    assert.equal(p.DefaultVersionId, 'v1');
    assert.equal(p.AttachmentCount, 0);
    assert.equal(error(await h.call(ADMIN, { Action: 'CreatePolicy', PolicyName: 'ReadTeamA', PolicyDocument: READ })).code, 'EntityAlreadyExists');
    assert.equal(error(await h.call(ADMIN, { Action: 'GetPolicy', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/Nope` })).code, 'NoSuchEntity');
    assert.equal((await h.call(ADMIN, { Action: 'GetPolicy', PolicyArn: p.Arn })).xml.GetPolicyResponse.GetPolicyResult.Policy.PolicyName, 'ReadTeamA');
    const list = await h.call(ADMIN, { Action: 'ListPolicies', Scope: 'Local' });
    assert.ok(list.xml.ListPoliciesResponse.ListPoliciesResult.Policies.member.some((x: { PolicyName: string }) => x.PolicyName === 'ReadTeamA'));
    assert.equal((await h.call(ADMIN, { Action: 'ListPolicies', Scope: 'AWS' })).xml.ListPoliciesResponse.ListPoliciesResult.Policies, '');
  });

  it('returns policy version documents URL-encoded, as IAM does', async () => {
    const arn = `arn:aws:iam::${ACCOUNT}:policy/teams/ReadTeamA`;
    const v = await h.call(ADMIN, { Action: 'GetPolicyVersion', PolicyArn: arn, VersionId: 'v1' });
    const doc = v.xml.GetPolicyVersionResponse.GetPolicyVersionResult.PolicyVersion.Document as string;
    assert.equal(decodeURIComponent(doc), READ);
    const nv = await h.call(ADMIN, { Action: 'CreatePolicyVersion', PolicyArn: arn, PolicyDocument: READ.replace('team-a', 'team-b'), SetAsDefault: 'true' });
    assert.equal(nv.xml.CreatePolicyVersionResponse.CreatePolicyVersionResult.PolicyVersion.VersionId, 'v2');
    assert.equal(nv.xml.CreatePolicyVersionResponse.CreatePolicyVersionResult.PolicyVersion.IsDefaultVersion, true);
    await h.call(ADMIN, { Action: 'SetDefaultPolicyVersion', PolicyArn: arn, VersionId: 'v1' });
    assert.equal(error(await h.call(ADMIN, { Action: 'DeletePolicyVersion', PolicyArn: arn, VersionId: 'v1' })).code, 'DeleteConflict');
  });

  it('refuses to detach a policy that is not attached, and attaches and lists policies for users and groups', async () => {
    const arn = `arn:aws:iam::${ACCOUNT}:policy/teams/ReadTeamA`;
    assert.equal(error(await h.call(ADMIN, { Action: 'DetachUserPolicy', UserName: 'bob', PolicyArn: arn })).code, 'NoSuchEntity');
    assert.equal(error(await h.call(ADMIN, { Action: 'AttachUserPolicy', UserName: 'bob', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/Nope` })).code, 'NoSuchEntity');
    assert.equal((await h.call(ADMIN, { Action: 'AttachUserPolicy', UserName: 'bob', PolicyArn: arn })).status, 200);
    assert.equal((await h.call(ADMIN, { Action: 'AttachGroupPolicy', GroupName: 'ops', PolicyArn: arn })).status, 200);
    const listed = await h.call(ADMIN, { Action: 'ListAttachedUserPolicies', UserName: 'bob' });
    assert.deepEqual(listed.xml.ListAttachedUserPoliciesResponse.ListAttachedUserPoliciesResult.AttachedPolicies.member, [{ PolicyName: 'ReadTeamA', PolicyArn: arn }]);
    assert.equal((await h.call(ADMIN, { Action: 'GetPolicy', PolicyArn: arn })).xml.GetPolicyResponse.GetPolicyResult.Policy.AttachmentCount, 2);
    assert.equal(error(await h.call(ADMIN, { Action: 'DeletePolicy', PolicyArn: arn })).code, 'DeleteConflict');
    assert.equal((await h.call(ADMIN, { Action: 'DetachUserPolicy', UserName: 'bob', PolicyArn: arn })).status, 200);
    assert.equal((await h.call(ADMIN, { Action: 'ListAttachedUserPolicies', UserName: 'bob' })).xml.ListAttachedUserPoliciesResponse.ListAttachedUserPoliciesResult.AttachedPolicies, '');
  });
});

describe('IAM query API: inline policies', () => {
  it('rejects a malformed inline policy, then puts, gets and deletes one', async () => {
    const withPrincipal = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }] });
    assert.equal(error(await h.call(ADMIN, { Action: 'PutUserPolicy', UserName: 'bob', PolicyName: 'P', PolicyDocument: withPrincipal })).code, 'MalformedPolicyDocument');
    assert.equal(error(await h.call(ADMIN, { Action: 'PutUserPolicy', UserName: 'bob', PolicyName: 'P', PolicyDocument: '{not json' })).code, 'MalformedPolicyDocument');
    assert.equal((await h.call(ADMIN, { Action: 'PutUserPolicy', UserName: 'bob', PolicyName: 'P', PolicyDocument: READ })).status, 200);
    const got = await h.call(ADMIN, { Action: 'GetUserPolicy', UserName: 'bob', PolicyName: 'P' });
    const r = got.xml.GetUserPolicyResponse.GetUserPolicyResult;
    assert.equal(r.UserName, 'bob');
    assert.equal(r.PolicyName, 'P');
    assert.equal(decodeURIComponent(r.PolicyDocument), READ);
    assert.deepEqual((await h.call(ADMIN, { Action: 'ListUserPolicies', UserName: 'bob' })).xml.ListUserPoliciesResponse.ListUserPoliciesResult.PolicyNames.member, ['P']);
    assert.equal((await h.call(ADMIN, { Action: 'DeleteUserPolicy', UserName: 'bob', PolicyName: 'P' })).status, 200);
    assert.equal(error(await h.call(ADMIN, { Action: 'GetUserPolicy', UserName: 'bob', PolicyName: 'P' })).code, 'NoSuchEntity');
    assert.equal(error(await h.call(ADMIN, { Action: 'DeleteUserPolicy', UserName: 'bob', PolicyName: 'P' })).code, 'NoSuchEntity');
  });

  it('puts and gets group and role inline policies', async () => {
    assert.equal((await h.call(ADMIN, { Action: 'PutGroupPolicy', GroupName: 'ops', PolicyName: 'G', PolicyDocument: READ })).status, 200);
    assert.equal((await h.call(ADMIN, { Action: 'GetGroupPolicy', GroupName: 'ops', PolicyName: 'G' })).xml.GetGroupPolicyResponse.GetGroupPolicyResult.GroupName, 'ops');
  });
});

describe('IAM query API: roles', () => {
  it('rejects a trust policy without a Principal, then creates, gets and deletes a role', async () => {
    const noPrincipal = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] });
    assert.equal(error(await h.call(ADMIN, { Action: 'CreateRole', RoleName: 'reader', AssumeRolePolicyDocument: noPrincipal })).code, 'MalformedPolicyDocument');
    const r = await h.call(ADMIN, { Action: 'CreateRole', RoleName: 'reader', AssumeRolePolicyDocument: TRUST, Description: 'reads' });
    assert.equal(r.status, 200);
    const role = r.xml.CreateRoleResponse.CreateRoleResult.Role;
    assert.match(role.RoleId, /^AROA/);
    assert.equal(role.Arn, `arn:aws:iam::${ACCOUNT}:role/reader`);
    assert.equal(decodeURIComponent(role.AssumeRolePolicyDocument), TRUST);
    assert.equal(error(await h.call(ADMIN, { Action: 'CreateRole', RoleName: 'reader', AssumeRolePolicyDocument: TRUST })).code, 'EntityAlreadyExists');
    assert.equal((await h.call(ADMIN, { Action: 'GetRole', RoleName: 'reader' })).xml.GetRoleResponse.GetRoleResult.Role.Description, 'reads');
    assert.equal((await h.call(ADMIN, { Action: 'PutRolePolicy', RoleName: 'reader', PolicyName: 'R', PolicyDocument: READ })).status, 200);
    assert.equal(error(await h.call(ADMIN, { Action: 'DeleteRole', RoleName: 'reader' })).code, 'DeleteConflict');
    await h.call(ADMIN, { Action: 'DeleteRolePolicy', RoleName: 'reader', PolicyName: 'R' });
    assert.equal((await h.call(ADMIN, { Action: 'DeleteRole', RoleName: 'reader' })).status, 200);
    assert.equal(error(await h.call(ADMIN, { Action: 'GetRole', RoleName: 'reader' })).code, 'NoSuchEntity');
  });
});

describe('IAM query API: account', () => {
  it('denies GetAccountAuthorizationDetails to a user without policies and returns every entity to the admin', async () => {
    await h.call(ADMIN, { Action: 'CreateUser', UserName: 'plain' });
    const k = (await h.call(ADMIN, { Action: 'CreateAccessKey', UserName: 'plain' })).xml.CreateAccessKeyResponse.CreateAccessKeyResult.AccessKey;
    assert.equal(error(await h.call({ accessKeyId: k.AccessKeyId, secretAccessKey: k.SecretAccessKey }, { Action: 'GetAccountAuthorizationDetails' })).code, 'AccessDenied');
    const r = (await h.call(ADMIN, { Action: 'GetAccountAuthorizationDetails' })).xml.GetAccountAuthorizationDetailsResponse.GetAccountAuthorizationDetailsResult;
    const users = r.UserDetailList.member.map((u: { UserName: string }) => u.UserName);
    assert.deepEqual(users.sort(), ['admin', 'bob', 'plain']);
    const admin = r.UserDetailList.member.find((u: { UserName: string }) => u.UserName === 'admin');
    assert.equal(admin.AttachedManagedPolicies.member[0].PolicyName, 'AdministratorAccess');
    assert.ok(r.Policies.member.some((p: { PolicyName: string }) => p.PolicyName === 'ReadTeamA'));
  });
});
