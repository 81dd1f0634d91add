import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isCofferError } from '../../shared/index.js';
import { ACCOUNT, ADMIN, harness, type Creds, type Harness } from './testing.js';

let h: Harness;
before(async () => {
  h = await harness();
});
after(() => h.close());

async function userWithKey(name: string): Promise<Creds> {
  const r = await h.call(ADMIN, { Action: 'CreateUser', UserName: name });
  assert.equal(r.status, 200);
  const k = await h.call(ADMIN, { Action: 'CreateAccessKey', UserName: name });
  const key = k.xml.CreateAccessKeyResponse.CreateAccessKeyResult.AccessKey;
  return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
}

function error(r: { status: number; xml: Record<string, any> }) {
  return { status: r.status, code: r.xml.ErrorResponse?.Error?.Code as string, message: String(r.xml.ErrorResponse?.Error?.Message ?? '') };
}

describe('IAM query API: users', () => {
  it('denies CreateUser to a user without policies with an AccessDenied ErrorResponse', async () => {
    const nobody = await userWithKey('nobody');
    const r = await h.call(nobody, { Action: 'CreateUser', UserName: 'mallory' });
    assert.equal(r.status, 403);
    assert.equal(r.xml.ErrorResponse['@_xmlns'], 'https://iam.amazonaws.com/doc/2010-05-08/');
    assert.equal(r.xml.ErrorResponse.Error.Type, 'Sender');
    assert.equal(r.xml.ErrorResponse.Error.Code, 'AccessDenied');
    assert.equal(r.xml.ErrorResponse.RequestId, 'req-1');
    assert.match(r.xml.ErrorResponse.Error.Message, /is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::123456789012:user\/mallory/);
    assert.equal(r.audit.decision, 'ImplicitDeny');
  });

  it('creates a user, then refuses the same name with EntityAlreadyExists', async () => {
    const r = await h.call(ADMIN, { Action: 'CreateUser', UserName: 'alice', Path: '/team-a/', 'Tags.member.1.Key': 'team', 'Tags.member.1.Value': 'a' });
    assert.equal(r.status, 200);
    const u = r.xml.CreateUserResponse.CreateUserResult.User;
    assert.equal(u.UserName, 'alice');
    assert.equal(u.Arn, `arn:aws:iam::${ACCOUNT}:user/team-a/alice`);
    assert.match(u.UserId, /^AIDA/);
    assert.equal(u.Tags.member[0].Key, 'team');
    assert.equal(r.xml.CreateUserResponse.ResponseMetadata.RequestId, 'req-1');
    assert.equal(r.audit.decision, 'Allow');
    assert.deepEqual(error(await h.call(ADMIN, { Action: 'CreateUser', UserName: 'alice' })).code, 'EntityAlreadyExists');
    assert.equal((await h.call(ADMIN, { Action: 'CreateUser', UserName: 'alice' })).status, 409);
  });

  it('answers NoSuchEntity (404) for a missing user and returns an existing one, or the caller without UserName', async () => {
    assert.deepEqual(error(await h.call(ADMIN, { Action: 'GetUser', UserName: 'ghost' })).status, 404);
    assert.equal((await h.call(ADMIN, { Action: 'GetUser', UserName: 'alice' })).xml.GetUserResponse.GetUserResult.User.Path, '/team-a/');
    assert.equal((await h.call(ADMIN, { Action: 'GetUser' })).xml.GetUserResponse.GetUserResult.User.UserName, 'admin');
  });

  it('rejects a missing parameter with ValidationError and an unknown action with InvalidAction', async () => {
    assert.deepEqual(error(await h.call(ADMIN, { Action: 'CreateUser' })), { status: 400, code: 'ValidationError', message: "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null" });
    assert.equal(error(await h.call(ADMIN, { Action: 'LaunchRockets' })).code, 'InvalidAction');
    assert.equal(error(await h.call(ADMIN, { Action: 'CreateUser', UserName: 'bad name!' })).code, 'ValidationError');
  });

  it('denies a request signed for another service', async () => {
    assert.deepEqual(error(await h.call(ADMIN, { Action: 'ListUsers' }, { service: 's3' })).code, 'AccessDenied');
  });

  it('lists users page by page with IsTruncated and Marker', async () => {
    const first = await h.call(ADMIN, { Action: 'ListUsers', MaxItems: '1' });
    const r1 = first.xml.ListUsersResponse.ListUsersResult;
    assert.equal(r1.IsTruncated, true);
    assert.equal(r1.Users.member.length, 1);
    const second = await h.call(ADMIN, { Action: 'ListUsers', MaxItems: '1', Marker: r1.Marker });
    assert.notEqual(second.xml.ListUsersResponse.ListUsersResult.Users.member[0].UserName, r1.Users.member[0].UserName);
    const prefixed = await h.call(ADMIN, { Action: 'ListUsers', PathPrefix: '/team-a/' });
    assert.deepEqual(prefixed.xml.ListUsersResponse.ListUsersResult.Users.member.map((u: { UserName: string }) => u.UserName), ['alice']);
  });

  it('refuses DeleteUser with DeleteConflict while the user has keys, then deletes it', async () => {
    await userWithKey('temp');
    assert.deepEqual(error(await h.call(ADMIN, { Action: 'DeleteUser', UserName: 'temp' })).code, 'DeleteConflict');
    const keys = await h.call(ADMIN, { Action: 'ListAccessKeys', UserName: 'temp' });
    const id = keys.xml.ListAccessKeysResponse.ListAccessKeysResult.AccessKeyMetadata.member[0].AccessKeyId;
    assert.equal((await h.call(ADMIN, { Action: 'DeleteAccessKey', UserName: 'temp', AccessKeyId: id })).status, 200);
    const del = await h.call(ADMIN, { Action: 'DeleteUser', UserName: 'temp' });
    assert.equal(del.status, 200);
    assert.ok('DeleteUserResponse' in del.xml);
    assert.equal(error(await h.call(ADMIN, { Action: 'GetUser', UserName: 'temp' })).code, 'NoSuchEntity');
  });
});

describe('IAM query API: access keys', () => {
  it('refuses a third key with LimitExceeded and shows the secret only at creation', async () => {
    const creds = await userWithKey('keyholder');
    await h.call(ADMIN, { Action: 'CreateAccessKey', UserName: 'keyholder' });
    assert.deepEqual(error(await h.call(ADMIN, { Action: 'CreateAccessKey', UserName: 'keyholder' })), { status: 409, code: 'LimitExceeded', message: 'Cannot exceed quota for AccessKeysPerUser: 2' });
    const list = await h.call(ADMIN, { Action: 'ListAccessKeys', UserName: 'keyholder' });
    assert.equal(list.xml.ListAccessKeysResponse.ListAccessKeysResult.AccessKeyMetadata.member.length, 2);
    assert.equal(list.body.includes(creds.secretAccessKey), false);
    assert.equal(list.body.includes('SecretAccessKey'), false);
  });

  it('stops accepting a key once it is Inactive and accepts it again when reactivated', async () => {
    const creds = await userWithKey('rotator');
    await h.call(ADMIN, { Action: 'PutUserPolicy', UserName: 'rotator', PolicyName: 'Self', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: 'arn:aws:iam::*:user/${aws:username}' }] }) });
    assert.equal((await h.call(creds, { Action: 'GetUser' })).status, 200);
    assert.equal((await h.call(ADMIN, { Action: 'UpdateAccessKey', UserName: 'rotator', AccessKeyId: creds.accessKeyId, Status: 'Inactive' })).status, 200);
    await assert.rejects(h.call(creds, { Action: 'GetUser' }), (e: unknown) => isCofferError(e) && e.code.startsWith('auth.'));
    await h.call(ADMIN, { Action: 'UpdateAccessKey', UserName: 'rotator', AccessKeyId: creds.accessKeyId, Status: 'Active' });
    assert.equal((await h.call(creds, { Action: 'GetUser' })).status, 200);
  });

  it('lets a user manage only its own keys through ${aws:username}', async () => {
    const creds = await userWithKey('selfservice');
    const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:*AccessKey*', 'iam:GetUser'], Resource: 'arn:aws:iam::*:user/${aws:username}' }] };
    await h.call(ADMIN, { Action: 'PutUserPolicy', UserName: 'selfservice', PolicyName: 'OwnKeys', PolicyDocument: JSON.stringify(doc) });
    assert.equal(error(await h.call(creds, { Action: 'ListAccessKeys', UserName: 'alice' })).code, 'AccessDenied');
    assert.equal(error(await h.call(creds, { Action: 'GetUser', UserName: 'alice' })).code, 'AccessDenied');
    const own = await h.call(creds, { Action: 'ListAccessKeys' });
    assert.equal(own.status, 200);
    assert.equal(own.xml.ListAccessKeysResponse.ListAccessKeysResult.UserName, 'selfservice');
  });

  it('answers GetAccessKeyLastUsed with N/A for an unused key and NoSuchEntity for an unknown one', async () => {
    const creds = await userWithKey('fresh');
    assert.equal(error(await h.call(ADMIN, { Action: 'GetAccessKeyLastUsed', AccessKeyId: 'AKIAUNKNOWNUNKNOWN22' })).code, 'NoSuchEntity');
    const r = await h.call(ADMIN, { Action: 'GetAccessKeyLastUsed', AccessKeyId: creds.accessKeyId });
    assert.deepEqual(r.xml.GetAccessKeyLastUsedResponse.GetAccessKeyLastUsedResult, { UserName: 'fresh', AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' } });
  });
});

describe('IAM query API: groups', () => {
  it('refuses to add a missing user to a group, then manages membership', async () => {
    assert.equal((await h.call(ADMIN, { Action: 'CreateGroup', GroupName: 'readers' })).status, 200);
    assert.equal(error(await h.call(ADMIN, { Action: 'AddUserToGroup', GroupName: 'readers', UserName: 'ghost' })).code, 'NoSuchEntity');
    assert.equal((await h.call(ADMIN, { Action: 'AddUserToGroup', GroupName: 'readers', UserName: 'alice' })).status, 200);
    const groups = await h.call(ADMIN, { Action: 'ListGroupsForUser', UserName: 'alice' });
    assert.equal(groups.xml.ListGroupsForUserResponse.ListGroupsForUserResult.Groups.member[0].GroupName, 'readers');
    const all = await h.call(ADMIN, { Action: 'ListGroups' });
    assert.equal(all.xml.ListGroupsResponse.ListGroupsResult.Groups.member[0].Arn, `arn:aws:iam::${ACCOUNT}:group/readers`);
    assert.equal(error(await h.call(ADMIN, { Action: 'DeleteGroup', GroupName: 'readers' })).code, 'DeleteConflict');
    assert.equal((await h.call(ADMIN, { Action: 'RemoveUserFromGroup', GroupName: 'readers', UserName: 'alice' })).status, 200);
    assert.equal((await h.call(ADMIN, { Action: 'ListGroupsForUser', UserName: 'alice' })).xml.ListGroupsForUserResponse.ListGroupsForUserResult.Groups, '');
  });
});
