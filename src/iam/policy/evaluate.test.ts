import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate } from './evaluate.js';
import { parsePolicy } from './parse-policy.js';
import { ACCOUNT, alice, bucketPolicy, decide, federated, identity, policy, root, roleSession } from './testing.js';

const getAll = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' };
const denyAll = { Effect: 'Deny', Action: 's3:*', Resource: '*' };

describe('decision logic', () => {
  it('denies by default when no policy applies', () => {
    assert.equal(decide({}), 'ImplicitDeny');
  });

  it('allows when an identity policy allows the action on the resource', () => {
    assert.equal(decide({ identity: [identity(getAll)] }), 'Allow');
  });

  it('denies when an explicit Deny matches even if an Allow also matches', () => {
    assert.equal(decide({ identity: [identity(getAll), identity(denyAll)] }), 'ExplicitDeny');
  });

  it('denies when a bucket policy Deny matches even though the identity policy allows', () => {
    const deny = bucketPolicy({ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' });
    assert.equal(decide({ identity: [identity(getAll)], resource: [deny] }), 'ExplicitDeny');
  });

  it('denies an identity Allow for another resource and allows one for this resource', () => {
    const other = identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::other/*' });
    assert.equal(decide({ identity: [other] }), 'ImplicitDeny');
    assert.equal(decide({ identity: [other] }, { resource: 'arn:aws:s3:::other/x' }), 'Allow');
  });

  it('denies without a bucket policy and allows when the bucket policy names the user ARN', () => {
    const bp = bucketPolicy({ Effect: 'Allow', Principal: { AWS: alice.arn }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' });
    assert.equal(decide({}), 'ImplicitDeny');
    assert.equal(decide({ resource: [bp] }), 'Allow');
  });

  it('denies when the bucket policy names only the account and no identity policy allows', () => {
    const bp = bucketPolicy({ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' });
    assert.equal(decide({ resource: [bp] }), 'ImplicitDeny');
    const asRootArn = bucketPolicy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 's3:*', Resource: '*' });
    assert.equal(decide({ resource: [asRootArn], identity: [identity(getAll)] }), 'Allow');
  });

  it('denies when a permissions boundary does not allow what the identity policy allows', () => {
    const boundary = identity({ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' });
    assert.equal(decide({ identity: [identity(getAll)], boundary }), 'ImplicitDeny');
    const wide = identity({ Effect: 'Allow', Action: 's3:*', Resource: '*' });
    assert.equal(decide({ identity: [identity(getAll)], boundary: wide }), 'Allow');
  });

  it('denies on a boundary Deny but does not let the boundary limit a bucket policy naming the user', () => {
    const boundaryDeny = identity({ Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Deny', Action: 's3:GetObject', Resource: '*' });
    assert.equal(decide({ identity: [identity(getAll)], boundary: boundaryDeny }), 'ExplicitDeny');
    const narrow = identity({ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' });
    const bp = bucketPolicy({ Effect: 'Allow', Principal: { AWS: alice.arn }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' });
    assert.equal(decide({ resource: [bp], boundary: narrow }), 'Allow');
  });

  it('denies a role session when its session policy does not allow, even though the role policy does', () => {
    const session = identity({ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' });
    assert.equal(decide({ identity: [identity(getAll)], session: [session] }, { principal: roleSession }), 'ImplicitDeny');
    assert.equal(decide({ identity: [identity(getAll)] }, { principal: roleSession }), 'Allow');
  });

  it('limits a bucket policy grant to the role ARN by the session policy but not a grant to the session ARN', () => {
    const session = identity({ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' });
    const toRole = bucketPolicy({ Effect: 'Allow', Principal: { AWS: roleSession.arn }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' });
    const toSession = bucketPolicy({ Effect: 'Allow', Principal: { AWS: roleSession.sessionArn }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' });
    assert.equal(decide({ resource: [toRole], session: [session] }, { principal: roleSession }), 'ImplicitDeny');
    assert.equal(decide({ resource: [toRole] }, { principal: roleSession }), 'Allow');
    assert.equal(decide({ resource: [toSession], session: [session] }, { principal: roleSession }), 'Allow');
  });

  it('denies a federated user without a session policy and allows one whose session policy allows', () => {
    assert.equal(decide({ identity: [identity(getAll)] }, { principal: federated }), 'ImplicitDeny');
    assert.equal(decide({ identity: [identity(getAll)], session: [identity(getAll)] }, { principal: federated }), 'Allow');
  });

  it('denies the root user on a bucket policy Deny and otherwise allows it without policies', () => {
    assert.equal(decide({ resource: [bucketPolicy({ ...denyAll, Principal: '*' })] }, { principal: root }), 'ExplicitDeny');
    assert.equal(decide({}, { principal: root }), 'Allow');
  });

  it('denies anonymous callers unless a bucket policy allows everyone', () => {
    const toAccount = bucketPolicy({ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 's3:GetObject', Resource: '*' });
    assert.equal(decide({ resource: [toAccount], identity: [identity(getAll)] }, { principal: null }), 'ImplicitDeny');
    const pub = bucketPolicy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' });
    assert.equal(decide({ resource: [pub] }, { principal: null }), 'Allow');
    const pubAws = bucketPolicy({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' });
    assert.equal(decide({ resource: [pubAws] }, { principal: null }), 'Allow');
  });

  it('denies everyone but the named user with a NotPrincipal Deny', () => {
    const bp = bucketPolicy({ Effect: 'Deny', NotPrincipal: { AWS: [alice.arn, `arn:aws:iam::${ACCOUNT}:root`] }, Action: 's3:*', Resource: '*' });
    const other = { ...alice, arn: `arn:aws:iam::${ACCOUNT}:user/mallory` };
    assert.equal(decide({ identity: [identity(getAll)], resource: [bp] }, { principal: { ...other, accountId: '999999999999' } }), 'ExplicitDeny');
    assert.equal(decide({ identity: [identity(getAll)], resource: [bp] }), 'Allow');
  });

  it('reports every matched statement with its policy id and Sid', () => {
    const p = parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Read', ...getAll }, { Sid: 'NoDelete', Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' }] }), {
      id: 'arn:aws:iam::123456789012:policy/P',
      kind: 'identity',
    });
    const r = evaluate({ identity: [p] }, { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', principal: alice, keys: {} });
    assert.deepEqual(r, { decision: 'Allow', matched: [{ policyId: 'arn:aws:iam::123456789012:policy/P', sid: 'Read', effect: 'Allow', statement: 0 }] });
    const d = evaluate({ identity: [p] }, { action: 's3:DeleteObject', resource: 'arn:aws:s3:::b/k', principal: alice, keys: {} });
    assert.deepEqual(d, { decision: 'ExplicitDeny', matched: [{ policyId: 'arn:aws:iam::123456789012:policy/P', sid: 'NoDelete', effect: 'Deny', statement: 1 }] });
  });
});

describe('actions and resources', () => {
  it('denies a different action and matches action names case-insensitively with * and ?', () => {
    const p = identity({ Effect: 'Allow', Action: ['s3:Get*', 'iam:?etUser'], Resource: '*' });
    assert.equal(decide({ identity: [p] }, { action: 's3:PutObject' }), 'ImplicitDeny');
    assert.equal(decide({ identity: [p] }, { action: 'S3:getobject' }), 'Allow');
    assert.equal(decide({ identity: [p] }, { action: 'iam:GetUser' }), 'Allow');
    assert.equal(decide({ identity: [p] }, { action: 'iam:GetUsers' }), 'ImplicitDeny');
  });

  it('denies keys outside the prefix and lets * in the resource part span slashes', () => {
    const p = identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/team-a/*' });
    assert.equal(decide({ identity: [p] }, { resource: 'arn:aws:s3:::bucket/team-b/x' }), 'ImplicitDeny');
    assert.equal(decide({ identity: [p] }, { resource: 'arn:aws:s3:::bucket/team-a/x/y:z' }), 'Allow');
  });

  it('matches resources case-sensitively', () => {
    const p = identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/Doc*' });
    assert.equal(decide({ identity: [p] }, { resource: 'arn:aws:s3:::b/doc1' }), 'ImplicitDeny');
    assert.equal(decide({ identity: [p] }, { resource: 'arn:aws:s3:::b/Doc1' }), 'Allow');
  });

  it('keeps wildcards in the first five ARN segments inside their segment', () => {
    const p = identity({ Effect: 'Allow', Action: 'iam:GetUser', Resource: 'arn:aws:iam::*:user/*' });
    assert.equal(decide({ identity: [p] }, { action: 'iam:GetUser', resource: 'arn:aws:iam::1:2:user/x' }), 'ImplicitDeny');
    assert.equal(decide({ identity: [p] }, { action: 'iam:GetUser', resource: `arn:aws:iam::${ACCOUNT}:user/x` }), 'Allow');
  });

  it('denies everything except IAM without MFA (NotAction with BoolIfExists, AWS example)', () => {
    // reference_policies_elements_notaction.md: "DenyAllUsersNotUsingMFA"
    const p = identity(
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Sid: 'DenyAllUsersNotUsingMFA', Effect: 'Deny', NotAction: 'iam:*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } },
    );
    assert.equal(decide({ identity: [p] }), 'ExplicitDeny');
    assert.equal(decide({ identity: [p] }, { keys: { 'aws:MultiFactorAuthPresent': 'false' } }), 'ExplicitDeny');
    assert.equal(decide({ identity: [p] }, { action: 'iam:ChangePassword', resource: alice.arn }), 'Allow');
    assert.equal(decide({ identity: [p] }, { keys: { 'aws:MultiFactorAuthPresent': 'true' } }), 'Allow');
  });

  it('denies everything outside the listed resources with NotResource (AWS example)', () => {
    // reference_policies_elements_notresource.md: deny all but HRBucket/Payroll
    const p = identity(
      { Effect: 'Allow', Action: 's3:*', Resource: '*' },
      { Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::HRBucket/Payroll', 'arn:aws:s3:::HRBucket/Payroll/*'] },
    );
    assert.equal(decide({ identity: [p] }, { resource: 'arn:aws:s3:::HRBucket/Other/x' }), 'ExplicitDeny');
    assert.equal(decide({ identity: [p] }, { resource: 'arn:aws:s3:::HRBucket/Payroll/2026.csv' }), 'Allow');
  });
});

describe('policy variables', () => {
  // reference_policies_examples_s3_home-directory-console.md (abridged)
  const home = identity(
    {
      Sid: 'AllowListingOfUserFolder',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: 'arn:aws:s3:::amzn-s3-demo-bucket',
      Condition: { StringLike: { 's3:prefix': ['home/${aws:username}/*', 'home/${aws:username}'] } },
    },
    { Sid: 'AllowAllS3ActionsInUserFolder', Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*' },
  );

  it("denies another user's home folder and allows the caller's own (home-directory example)", () => {
    assert.equal(decide({ identity: [home] }, { resource: 'arn:aws:s3:::amzn-s3-demo-bucket/home/bob/f' }), 'ImplicitDeny');
    assert.equal(decide({ identity: [home] }, { resource: 'arn:aws:s3:::amzn-s3-demo-bucket/home/alice/f' }), 'Allow');
    const list = { action: 's3:ListBucket', resource: 'arn:aws:s3:::amzn-s3-demo-bucket' };
    assert.equal(decide({ identity: [home] }, { ...list, keys: { 's3:prefix': 'home/bob/' } }), 'ImplicitDeny');
    assert.equal(decide({ identity: [home] }, { ...list, keys: { 's3:prefix': 'home/alice/' } }), 'Allow');
    assert.equal(decide({ identity: [home] }, list), 'ImplicitDeny');
  });

  it('denies when the variable has no value, so the resource matches nothing', () => {
    assert.equal(decide({ identity: [home] }, { resource: 'arn:aws:s3:::amzn-s3-demo-bucket/home//f', keys: { 'aws:username': undefined } }), 'ImplicitDeny');
  });

  it('inserts variable values literally, so a user name with * is not a wildcard', () => {
    const keys = { 'aws:username': 'a*' };
    assert.equal(decide({ identity: [home] }, { resource: 'arn:aws:s3:::amzn-s3-demo-bucket/home/abc/f', keys }), 'ImplicitDeny');
    assert.equal(decide({ identity: [home] }, { resource: 'arn:aws:s3:::amzn-s3-demo-bucket/home/a*/f', keys }), 'Allow');
  });

  it('treats ${*} as a literal asterisk', () => {
    const p = identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/star${*}' });
    assert.equal(decide({ identity: [p] }, { resource: 'arn:aws:s3:::b/starfish' }), 'ImplicitDeny');
    assert.equal(decide({ identity: [p] }, { resource: 'arn:aws:s3:::b/star*' }), 'Allow');
  });

  it('uses the default value when the key is absent', () => {
    const p = identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: "arn:aws:s3:::b/${aws:PrincipalTag/team, 'company-wide'}/*" });
    assert.equal(decide({ identity: [p] }, { resource: 'arn:aws:s3:::b/finance/x' }), 'ImplicitDeny');
    assert.equal(decide({ identity: [p] }, { resource: 'arn:aws:s3:::b/company-wide/x' }), 'Allow');
    assert.equal(decide({ identity: [p] }, { resource: 'arn:aws:s3:::b/finance/x', keys: { 'aws:PrincipalTag/Team': 'finance' } }), 'Allow');
  });

  it('leaves variables as literal text in a 2008-10-17 policy', () => {
    const p = policy({ Version: '2008-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/${aws:username}' }] });
    assert.equal(decide({ identity: [p] }, { resource: 'arn:aws:s3:::b/alice' }), 'ImplicitDeny');
    assert.equal(decide({ identity: [p] }, { resource: 'arn:aws:s3:::b/${aws:username}' }), 'Allow');
  });

  it('substitutes variables in condition values', () => {
    const p = identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 's3:ExistingObjectTag/owner': '${aws:username}' } } });
    assert.equal(decide({ identity: [p] }, { keys: { 's3:ExistingObjectTag/owner': 'bob' } }), 'ImplicitDeny');
    assert.equal(decide({ identity: [p] }, { keys: { 's3:ExistingObjectTag/owner': 'alice' } }), 'Allow');
  });
});

describe('fail closed', () => {
  it('never lets a stored Allow with an unknown key apply, and always lets such a Deny apply', () => {
    const allow = parsePolicy(
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { 'ec2:InstanceType': 't2.micro' } } }] }),
      { id: 'stored', kind: 'identity', strict: false },
    );
    assert.equal(decide({ identity: [allow] }, { keys: { 'ec2:InstanceType': 't2.micro' } }), 'ImplicitDeny');
    const deny = parsePolicy(
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringEqualz: { 'aws:username': 'bob' } } }] }),
      { id: 'stored', kind: 'identity', strict: false },
    );
    assert.equal(decide({ identity: [identity(getAll), deny] }), 'ExplicitDeny');
  });
});

/**
 * Each step of the decision logic (evaluate.ts), as a table: the same request is denied by one
 * policy set and allowed by another that differs only in what the step looks at.
 */
type StepRow = [step: string, denied: { set: Parameters<typeof decide>[0]; case?: Parameters<typeof decide>[1]; expect: 'ExplicitDeny' | 'ImplicitDeny' }, allowed: { set: Parameters<typeof decide>[0]; case?: Parameters<typeof decide>[1] }];

const allowGet = () => identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' });
const stepRows: StepRow[] = [
  ['1. an explicit Deny in an identity policy wins over an Allow', { set: { identity: [allowGet(), identity(denyAll)] }, expect: 'ExplicitDeny' }, { set: { identity: [allowGet()] } }],
  ['1. an explicit Deny in a bucket policy wins over an identity Allow', { set: { identity: [allowGet()], resource: [bucketPolicy({ ...denyAll, Principal: '*' })] }, expect: 'ExplicitDeny' }, { set: { identity: [allowGet()], resource: [bucketPolicy({ ...denyAll, Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/bob` } })] } }],
  ['1. an explicit Deny in the permissions boundary wins', { set: { identity: [allowGet()], boundary: identity({ Effect: 'Allow', Action: '*', Resource: '*' }, denyAll) }, expect: 'ExplicitDeny' }, { set: { identity: [allowGet()], boundary: identity({ Effect: 'Allow', Action: '*', Resource: '*' }) } }],
  ['1. an explicit Deny in a session policy wins', { set: { identity: [allowGet()], session: [identity({ Effect: 'Allow', Action: '*', Resource: '*' }, denyAll)] }, case: { principal: roleSession }, expect: 'ExplicitDeny' }, { set: { identity: [allowGet()], session: [identity({ Effect: 'Allow', Action: '*', Resource: '*' })] }, case: { principal: roleSession } }],
  ['2. the account root is allowed without any policy, but not past a Deny', { set: { resource: [bucketPolicy({ ...denyAll, Principal: '*' })] }, case: { principal: root }, expect: 'ExplicitDeny' }, { set: {}, case: { principal: root } }],
  ['3. a bucket policy naming the user allows without an identity policy', { set: { resource: [bucketPolicy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/bob` }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' })] }, expect: 'ImplicitDeny' }, { set: { resource: [bucketPolicy({ Effect: 'Allow', Principal: { AWS: alice.arn }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' })] } }],
  ['3. a bucket policy allowing "*" admits anonymous callers', { set: { resource: [bucketPolicy({ Effect: 'Allow', Principal: '*', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b' })] }, case: { principal: null }, expect: 'ImplicitDeny' }, { set: { resource: [bucketPolicy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' })] }, case: { principal: null } }],
  ['4. without an identity Allow (or a grant to the role ARN) the answer is implicit deny', { set: { resource: [bucketPolicy({ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' })] }, expect: 'ImplicitDeny' }, { set: { identity: [allowGet()], resource: [bucketPolicy({ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' })] } }],
  ['4. a bucket policy grant to the role ARN counts like an identity Allow for its sessions', { set: { resource: [bucketPolicy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/other` }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' })] }, case: { principal: roleSession }, expect: 'ImplicitDeny' }, { set: { resource: [bucketPolicy({ Effect: 'Allow', Principal: { AWS: roleSession.arn }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' })] }, case: { principal: roleSession } }],
  ['5. the permissions boundary must also allow', { set: { identity: [allowGet()], boundary: identity({ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }) }, expect: 'ImplicitDeny' }, { set: { identity: [allowGet()], boundary: identity({ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }) } }],
  ['6. a role session’s session policies must also allow', { set: { identity: [allowGet()], session: [identity({ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' })] }, case: { principal: roleSession }, expect: 'ImplicitDeny' }, { set: { identity: [allowGet()], session: [identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })] }, case: { principal: roleSession } }],
  ['6. a federated user needs a session policy', { set: { identity: [allowGet()] }, case: { principal: federated }, expect: 'ImplicitDeny' }, { set: { identity: [allowGet()], session: [allowGet()] }, case: { principal: federated } }],
  ['7. an identity Allow with nothing against it allows', { set: { identity: [identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::other/*' })] }, expect: 'ImplicitDeny' }, { set: { identity: [allowGet()] } }],
];

describe('decision logic, step by step (table)', () => {
  for (const [step, denied, allowed] of stepRows) {
    it(`${step}: denies, then allows`, () => {
      assert.equal(decide(denied.set, denied.case), denied.expect, 'denied case');
      assert.equal(decide(allowed.set, allowed.case), 'Allow', 'allowed case');
    });
  }
});
