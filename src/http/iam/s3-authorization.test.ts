/**
 * The path the S3 pipeline takes: access key -> IamCaller (identity store) -> s3Checks ->
 * evaluateForPrincipal with the request's condition keys and the bucket policy.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { globalConditionKeys, parsePolicy, s3Checks, s3ConditionKeys, type CompiledPolicy, type Decision } from '../../iam/policy/index.js';
import { createAccessKeyResolver, type IamCaller } from '../../iam/store/index.js';
import { evaluateForPrincipal } from './authorize.js';
import { ADMIN, harness, type Harness } from './testing.js';

let h: Harness;
let caller: IamCaller;

before(async () => {
  h = await harness();
  await h.call(ADMIN, { Action: 'CreateUser', UserName: 'reader' });
  const key = (await h.call(ADMIN, { Action: 'CreateAccessKey', UserName: 'reader' })).xml.CreateAccessKeyResponse.CreateAccessKeyResult.AccessKey;
  const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/team-a/*' }] });
  const policy = (await h.call(ADMIN, { Action: 'CreatePolicy', PolicyName: 'ReadTeamA', PolicyDocument: doc })).xml.CreatePolicyResponse.CreatePolicyResult.Policy;
  await h.call(ADMIN, { Action: 'AttachUserPolicy', UserName: 'reader', PolicyArn: policy.Arn });
  const found = await createAccessKeyResolver({ store: h.store, clock: { now: () => Date.now() } }).findSecret(key.AccessKeyId);
  assert.ok(found);
  caller = found.principal;
});
after(() => h.close());

function decide(op: { action: string; resource: 'bucket' | 'object'; key?: string; query?: string; secure?: boolean }, bucketPolicy: CompiledPolicy[] = []): Decision {
  const query = new URLSearchParams(op.query ?? '');
  const keys = {
    ...globalConditionKeys({ principal: caller, userName: caller.userName, userId: caller.id, secureTransport: op.secure ?? true, sourceIp: '127.0.0.1', nowMs: Date.now(), region: 'us-east-1' }),
    ...s3ConditionKeys({ query, header: () => undefined, authMethod: 'header', action: op.action }),
  };
  const checks = s3Checks({ action: op.action, resource: op.resource, bucket: 'bucket', key: op.key ?? null, versionId: query.get('versionId') });
  for (const c of checks) {
    const r = evaluateForPrincipal(caller, { action: c.action, resource: c.resource, conditionKeys: keys, resourcePolicies: bucketPolicy });
    if (r.decision !== 'Allow') return r.decision;
  }
  return 'Allow';
}

describe('S3 authorisation for an IAM user allowed s3:GetObject on bucket/team-a/*', () => {
  it('denies reads elsewhere, listing, writing and deleting, and allows reads under team-a/', () => {
    assert.equal(decide({ action: 's3:GetObject', resource: 'object', key: 'team-b/x' }), 'ImplicitDeny');
    assert.equal(decide({ action: 's3:ListBucket', resource: 'bucket', query: 'prefix=team-a/' }), 'ImplicitDeny');
    assert.equal(decide({ action: 's3:PutObject', resource: 'object', key: 'team-a/x' }), 'ImplicitDeny');
    assert.equal(decide({ action: 's3:DeleteObject', resource: 'object', key: 'team-a/x' }), 'ImplicitDeny');
    assert.equal(decide({ action: 's3:GetObject', resource: 'object', key: 'team-a/x', query: 'versionId=v1' }), 'ImplicitDeny', 'a versioned read needs s3:GetObjectVersion');
    assert.equal(decide({ action: 's3:GetObject', resource: 'object', key: 'team-a/x' }), 'Allow');
  });

  it('denies plain HTTP when the bucket policy requires secure transport', () => {
    const bp = parsePolicy(
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::bucket', 'arn:aws:s3:::bucket/*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] }),
      { id: 'bucket-policy/bucket', kind: 'resource', maxLength: 20480 },
    );
    assert.equal(decide({ action: 's3:GetObject', resource: 'object', key: 'team-a/x', secure: false }, [bp]), 'ExplicitDeny');
    assert.equal(decide({ action: 's3:GetObject', resource: 'object', key: 'team-a/x', secure: true }, [bp]), 'Allow');
  });

  it('denies anonymous callers unless the bucket policy allows everyone', () => {
    const pub = parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/public/*' }] }), { id: 'bp', kind: 'resource' });
    const anon = (key: string, rp: CompiledPolicy[]) => evaluateForPrincipal(null, { action: 's3:GetObject', resource: `arn:aws:s3:::bucket/${key}`, conditionKeys: {}, resourcePolicies: rp }).decision;
    assert.equal(anon('public/x', []), 'ImplicitDeny');
    assert.equal(anon('team-a/x', [pub]), 'ImplicitDeny');
    assert.equal(anon('public/x', [pub]), 'Allow');
  });
});
