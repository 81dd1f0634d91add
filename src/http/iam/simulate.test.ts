import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ACCOUNT, ADMIN, harness, type Harness } from './testing.js';

let h: Harness;
before(async () => {
  h = await harness();
});
after(() => h.close());

const doc = (...Statement: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement });

interface Sim {
  policies: string[];
  actions: string[];
  resources?: string[];
  context?: Array<[name: string, type: string, values: string[]]>;
  resourcePolicy?: string;
  callerArn?: string;
  boundary?: string;
}

function params(s: Sim, action = 'SimulateCustomPolicy'): Record<string, string> {
  const p: Record<string, string> = { Action: action };
  s.policies.forEach((d, i) => (p[`PolicyInputList.member.${i + 1}`] = d));
  s.actions.forEach((a, i) => (p[`ActionNames.member.${i + 1}`] = a));
  (s.resources ?? []).forEach((r, i) => (p[`ResourceArns.member.${i + 1}`] = r));
  (s.context ?? []).forEach(([name, type, values], i) => {
    p[`ContextEntries.member.${i + 1}.ContextKeyName`] = name;
    p[`ContextEntries.member.${i + 1}.ContextKeyType`] = type;
    values.forEach((v, j) => (p[`ContextEntries.member.${i + 1}.ContextKeyValues.member.${j + 1}`] = v));
  });
  if (s.resourcePolicy) p.ResourcePolicy = s.resourcePolicy;
  if (s.callerArn) p.CallerArn = s.callerArn;
  if (s.boundary) p['PermissionsBoundaryPolicyInputList.member.1'] = s.boundary;
  return p;
}

async function decisions(s: Sim): Promise<string[]> {
  const r = await h.call(ADMIN, params(s));
  assert.equal(r.status, 200, r.body);
  return r.xml.SimulateCustomPolicyResponse.SimulateCustomPolicyResult.EvaluationResults.member.map((m: { EvalDecision: string }) => m.EvalDecision);
}

const allowAll = doc({ Effect: 'Allow', Action: '*', Resource: '*' });

describe('SimulateCustomPolicy, with cases from the AWS IAM documentation', () => {
  it('denies actions the policy does not name (implicitDeny) and allows the named one', async () => {
    const p = doc({ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::example_bucket' });
    assert.deepEqual(await decisions({ policies: [p], actions: ['s3:GetObject', 's3:ListBucket'], resources: ['arn:aws:s3:::example_bucket'] }), ['implicitDeny', 'allowed']);
  });

  it('answers explicitDeny when a Deny overrides an Allow', async () => {
    const p = doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' });
    assert.deepEqual(await decisions({ policies: [p], actions: ['s3:DeleteObject', 's3:PutObject'], resources: ['arn:aws:s3:::b/k'] }), ['explicitDeny', 'allowed']);
  });

  it("denies another user's home folder and allows the caller's with ${aws:username}", async () => {
    const p = doc({ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::bucket/home/${aws:username}/*' });
    const context: Sim['context'] = [['aws:username', 'string', ['alice']]];
    assert.deepEqual(await decisions({ policies: [p], actions: ['s3:GetObject'], resources: ['arn:aws:s3:::bucket/home/bob/x', 'arn:aws:s3:::bucket/home/alice/x'], context }), ['implicitDeny', 'allowed']);
  });

  it('denies without MFA (BoolIfExists on a missing key) and allows with it', async () => {
    const p = doc({ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', NotAction: 'iam:*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } });
    assert.deepEqual(await decisions({ policies: [p], actions: ['s3:GetObject'] }), ['explicitDeny']);
    assert.deepEqual(await decisions({ policies: [p], actions: ['s3:GetObject'], context: [['aws:MultiFactorAuthPresent', 'boolean', ['true']]] }), ['allowed']);
  });

  it('denies requests from outside the allowed IP range (NotIpAddress)', async () => {
    const p = doc({ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: '*', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '203.0.113.0/24'] } } });
    assert.deepEqual(await decisions({ policies: [p], actions: ['s3:GetObject'], context: [['aws:SourceIp', 'ip', ['198.51.100.1']]] }), ['explicitDeny']);
    assert.deepEqual(await decisions({ policies: [p], actions: ['s3:GetObject'], context: [['aws:SourceIp', 'ip', ['192.0.2.10']]] }), ['allowed']);
  });

  it('denies outside a date window and allows inside it (DateGreaterThan / DateLessThan)', async () => {
    const p = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { DateGreaterThan: { 'aws:CurrentTime': '2020-04-01T00:00:00Z' }, DateLessThan: { 'aws:CurrentTime': '2020-06-30T23:59:59Z' } } });
    assert.deepEqual(await decisions({ policies: [p], actions: ['s3:GetObject'], context: [['aws:CurrentTime', 'date', ['2020-07-01T00:00:00Z']]] }), ['implicitDeny']);
    assert.deepEqual(await decisions({ policies: [p], actions: ['s3:GetObject'], context: [['aws:CurrentTime', 'date', ['2020-05-01T00:00:00Z']]] }), ['allowed']);
  });

  it('treats ForAllValues on an empty set as true, and denies a tag key outside the list', async () => {
    const p = doc({ Effect: 'Allow', Action: 's3:PutObject', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['environment', 'cost-center'] } } });
    assert.deepEqual(await decisions({ policies: [p], actions: ['s3:PutObject'], context: [['aws:TagKeys', 'stringList', ['environment', 'owner']]] }), ['implicitDeny']);
    assert.deepEqual(await decisions({ policies: [p], actions: ['s3:PutObject'] }), ['allowed']);
  });

  it('allows through a resource policy naming the caller even without an identity Allow', async () => {
    const none = doc({ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' });
    const caller = `arn:aws:iam::${ACCOUNT}:user/alice`;
    const rp = doc({ Effect: 'Allow', Principal: { AWS: caller }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' });
    assert.deepEqual(await decisions({ policies: [none], actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/k'] }), ['implicitDeny']);
    assert.deepEqual(await decisions({ policies: [none], actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/k'], resourcePolicy: rp, callerArn: caller }), ['allowed']);
  });

  it('limits an identity Allow with a permissions boundary', async () => {
    const boundary = doc({ Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' });
    assert.deepEqual(await decisions({ policies: [allowAll], actions: ['s3:PutObject', 's3:GetObject'], resources: ['arn:aws:s3:::b/k'], boundary }), ['implicitDeny', 'allowed']);
  });

  it('denies everything outside the NotResource list', async () => {
    const p = doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::HRBucket/Payroll', 'arn:aws:s3:::HRBucket/Payroll/*'] });
    assert.deepEqual(await decisions({ policies: [p], actions: ['s3:GetObject'], resources: ['arn:aws:s3:::HRBucket/Other', 'arn:aws:s3:::HRBucket/Payroll/x'] }), ['explicitDeny', 'allowed']);
  });

  it('reports the matched statements and the context keys the request lacked', async () => {
    const p = doc({ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*', Condition: { StringLike: { 's3:prefix': 'home/*' } } });
    const r = await h.call(ADMIN, params({ policies: [p], actions: ['s3:ListBucket'] }));
    const m = r.xml.SimulateCustomPolicyResponse.SimulateCustomPolicyResult.EvaluationResults.member[0];
    assert.equal(m.EvalDecision, 'implicitDeny');
    assert.deepEqual(m.MissingContextValues.member, ['s3:prefix']);
    const ok = await h.call(ADMIN, params({ policies: [p], actions: ['s3:ListBucket'], context: [['s3:prefix', 'string', ['home/a/']]] }));
    const m2 = ok.xml.SimulateCustomPolicyResponse.SimulateCustomPolicyResult.EvaluationResults.member[0];
    assert.equal(m2.EvalDecision, 'allowed');
    // One-line document: the statement's '{' is character 38 and its '}' the one before the last ']}'.
    assert.deepEqual(m2.MatchedStatements.member, [{ SourcePolicyId: 'PolicyInputList.1', StartPosition: { Line: 1, Column: 39 }, EndPosition: { Line: 1, Column: p.length - 1 } }]);
    // An implicit deny names no statement, even when an Allow statement matched the action.
    assert.equal(m.MatchedStatements, '');
  });
});

describe('SimulatePrincipalPolicy', () => {
  it("denies outside a stored user's attached policy and allows inside it", async () => {
    await h.call(ADMIN, { Action: 'CreateUser', UserName: 'sim' });
    const created = await h.call(ADMIN, { Action: 'CreatePolicy', PolicyName: 'TeamA', PolicyDocument: doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/team-a/*' }) });
    await h.call(ADMIN, { Action: 'AttachUserPolicy', UserName: 'sim', PolicyArn: created.xml.CreatePolicyResponse.CreatePolicyResult.Policy.Arn });
    const p: Record<string, string> = { Action: 'SimulatePrincipalPolicy', PolicySourceArn: `arn:aws:iam::${ACCOUNT}:user/sim`, 'ActionNames.member.1': 's3:GetObject', 'ResourceArns.member.1': 'arn:aws:s3:::bucket/team-b/x', 'ResourceArns.member.2': 'arn:aws:s3:::bucket/team-a/x' };
    const r = await h.call(ADMIN, p);
    assert.equal(r.status, 200, r.body);
    const d = r.xml.SimulatePrincipalPolicyResponse.SimulatePrincipalPolicyResult.EvaluationResults.member.map((m: { EvalDecision: string }) => m.EvalDecision);
    assert.deepEqual(d, ['implicitDeny', 'allowed']);
    const allowed = r.xml.SimulatePrincipalPolicyResponse.SimulatePrincipalPolicyResult.EvaluationResults.member[1];
    assert.equal(allowed.MatchedStatements.member[0].SourcePolicyId, 'TeamA');
    assert.equal(allowed.MatchedStatements.member[0].SourcePolicyType, 'user-managed');
  });
});
