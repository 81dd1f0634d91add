/**
 * `aws iam simulate-custom-policy` (AWS CLI v2, /usr/bin/aws) against a real server, on cases
 * taken from AWS documentation examples. Each row asserts EvalDecision and MatchedStatements as
 * AWS returns them: only the deciding statements (the Deny ones for explicitDeny, the Allow ones
 * for allowed, none for implicitDeny), each with SourcePolicyId and the statement's Start/End
 * position (line, column just after '{' / '}'); case 1 is the CLI reference's own example and
 * output, character for character.
 *
 * | #  | AWS source (example)                                             | policies (PolicyInputList) | action                  | resource                                           | context entries                               | EvalDecision | MatchedStatements                       |
 * |----|------------------------------------------------------------------|----------------------------|-------------------------|----------------------------------------------------|-----------------------------------------------|--------------|-----------------------------------------|
 * | 1  | CLI simulate-custom-policy, example 1                            | dated                      | dynamodb:CreateBackup   | *                                                  | aws:CurrentTime=2019-04-25T11:00:00Z (date)   | allowed      | PolicyInputList.1 (1,38)-(1,167)        |
 * | 2  | CLI simulate-custom-policy, example 2                            | dated                      | dynamodb:CreateBackup   | *                                                  | aws:CurrentTime=2014-04-25T11:00:00Z (date)   | implicitDeny | —                                       |
 * | 3  | Policy evaluation logic: explicit deny overrides allow           | denyDelete                 | s3:DeleteBucket         | arn:aws:s3:::example_bucket                        | —                                             | explicitDeny | PolicyInputList.1 (1,89)-(1,147)        |
 * | 4  | Policy evaluation logic: implicit deny (nothing allows)          | denyDelete                 | iam:CreateUser          | *                                                  | —                                             | implicitDeny | —                                       |
 * | 5  | NotAction: DenyAllUsersNotUsingMFA, with AdministratorAccess     | admin, mfa                 | s3:ListAllMyBuckets     | *                                                  | aws:MultiFactorAuthPresent=false (boolean)    | explicitDeny | PolicyInputList.2 (1,39)-(1,190)        |
 * | 6  | NotAction: the same, IAM actions are not denied                  | admin, mfa                 | iam:ChangePassword      | *                                                  | aws:MultiFactorAuthPresent=false (boolean)    | allowed      | PolicyInputList.1 (1,39)-(1,84)         |
 * | 7  | NotAction + BoolIfExists: MFA present                            | admin, mfa                 | s3:ListAllMyBuckets     | *                                                  | aws:MultiFactorAuthPresent=true (boolean)     | allowed      | PolicyInputList.1 (1,39)-(1,84)         |
 * | 8  | NotResource: deny all but HRBucket/Payroll                       | payroll                    | s3:GetObject            | arn:aws:s3:::HRBucket/Other/x                      | —                                             | explicitDeny | PolicyInputList.1 (1,89)-(1,203)        |
 * | 9  | NotResource: inside HRBucket/Payroll                             | payroll                    | s3:GetObject            | arn:aws:s3:::HRBucket/Payroll/2026.csv             | —                                             | allowed      | PolicyInputList.1 (1,39)-(1,87)         |
 * | 10 | Condition IpAddress aws:SourceIp 203.0.113.0/24                  | ip                         | s3:GetObject            | arn:aws:s3:::b/k                                   | aws:SourceIp=203.0.113.10 (ip)                | allowed      | PolicyInputList.1 (1,38)-(1,154)        |
 * | 11 | Condition IpAddress, caller outside the range                    | ip                         | s3:GetObject            | arn:aws:s3:::b/k                                   | aws:SourceIp=198.51.100.7 (ip)                | implicitDeny | —                                       |
 * | 12 | ...IfExists: the key is absent                                   | sse                        | s3:PutObject            | arn:aws:s3:::b/k                                   | —                                             | allowed      | PolicyInputList.1 (1,38)-(1,176)        |
 * | 13 | ...IfExists: the key is present with another value               | sse                        | s3:PutObject            | arn:aws:s3:::b/k                                   | s3:x-amz-server-side-encryption=aws:kms       | implicitDeny | —                                       |
 * | 14 | ForAllValues on an empty set is true (multivalued keys)          | tags                       | iam:TagUser             | *                                                  | —                                             | allowed      | PolicyInputList.1 (1,38)-(1,181)        |
 * | 15 | ForAllValues: one tag key outside the list                       | tags                       | iam:TagUser             | *                                                  | aws:TagKeys=[environment, owner] (stringList) | implicitDeny | —                                       |
 * | 16 | Policy variables: home folder ${aws:username}                    | home                       | s3:GetObject            | arn:aws:s3:::amzn-s3-demo-bucket/home/alice/file   | aws:username=alice                            | allowed      | PolicyInputList.1 (1,253)-(1,393)       |
 * | 17 | Policy variables: another user's folder                          | home                       | s3:GetObject            | arn:aws:s3:::amzn-s3-demo-bucket/home/bob/file     | aws:username=alice                            | implicitDeny | —                                       |
 * | 18 | Policy variables in a condition: s3:prefix home/alice/           | home                       | s3:ListBucket           | arn:aws:s3:::amzn-s3-demo-bucket                   | aws:username=alice, s3:prefix=home/alice/     | allowed      | PolicyInputList.1 (1,39)-(1,251)        |
 * | 19 | Wildcard action s3:Get* matches s3:GetObjectTagging              | getStar                    | s3:GetObjectTagging     | arn:aws:s3:::b/k                                   | —                                             | allowed      | PolicyInputList.1 (1,38)-(1,89)         |
 * | 20 | Wildcard action s3:Get* does not match s3:PutObject              | getStar                    | s3:PutObject            | arn:aws:s3:::b/k                                   | —                                             | implicitDeny | —                                       |
 *
 * Policies are sent as one-line JSON (JSON.stringify of the objects below); positions are those
 * of that text.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startCoffer, type Coffer } from '../harness.js';

const AWS = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';
const V = '2012-10-17';

const POLICIES: Record<string, unknown> = {
  // The CLI reference's example document, verbatim.
  dated: { Version: V, Statement: { Effect: 'Allow', Action: 'dynamodb:*', Resource: '*', Condition: { DateGreaterThan: { 'aws:CurrentTime': '2018-08-16T12:00:00Z' } } } },
  denyDelete: { Version: V, Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' }] },
  admin: { Version: V, Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  mfa: { Version: V, Statement: [{ Sid: 'DenyAllUsersNotUsingMFA', Effect: 'Deny', NotAction: 'iam:*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }] },
  payroll: { Version: V, Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::HRBucket/Payroll', 'arn:aws:s3:::HRBucket/Payroll/*'] }] },
  ip: { Version: V, Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } } },
  sse: { Version: V, Statement: { Effect: 'Allow', Action: 's3:PutObject', Resource: '*', Condition: { StringEqualsIfExists: { 's3:x-amz-server-side-encryption': 'AES256' } } } },
  tags: { Version: V, Statement: { Effect: 'Allow', Action: 'iam:TagUser', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['environment', 'cost-center'] } } } },
  home: {
    Version: V,
    Statement: [
      { Sid: 'AllowListingOfUserFolder', Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::amzn-s3-demo-bucket', Condition: { StringLike: { 's3:prefix': ['home/${aws:username}/*', 'home/${aws:username}'] } } },
      { Sid: 'AllowAllS3ActionsInUserFolder', Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*' },
    ],
  },
  getStar: { Version: V, Statement: { Effect: 'Allow', Action: 's3:Get*', Resource: '*' } },
};

type Context = Array<{ ContextKeyName: string; ContextKeyValues: string[]; ContextKeyType: string }>;
type Matched = [policyId: string, start: [number, number], end: [number, number]];
interface Case {
  n: number;
  name: string;
  policies: string[];
  action: string;
  resource?: string;
  context?: Context;
  decision: 'allowed' | 'explicitDeny' | 'implicitDeny';
  matched: Matched[];
}

const ctx = (name: string, type: string, ...values: string[]) => ({ ContextKeyName: name, ContextKeyValues: values, ContextKeyType: type });

const CASES: Case[] = [
  { n: 1, name: 'CLI example 1: DateGreaterThan with a later aws:CurrentTime', policies: ['dated'], action: 'dynamodb:CreateBackup', context: [ctx('aws:CurrentTime', 'date', '2019-04-25T11:00:00Z')], decision: 'allowed', matched: [['PolicyInputList.1', [1, 38], [1, 167]]] },
  { n: 2, name: 'CLI example 2: DateGreaterThan with an earlier aws:CurrentTime', policies: ['dated'], action: 'dynamodb:CreateBackup', context: [ctx('aws:CurrentTime', 'date', '2014-04-25T11:00:00Z')], decision: 'implicitDeny', matched: [] },
  { n: 3, name: 'an explicit Deny overrides the Allow and is the only statement listed', policies: ['denyDelete'], action: 's3:DeleteBucket', resource: 'arn:aws:s3:::example_bucket', decision: 'explicitDeny', matched: [['PolicyInputList.1', [1, 89], [1, 147]]] },
  { n: 4, name: 'nothing allows the action: implicit deny', policies: ['denyDelete'], action: 'iam:CreateUser', decision: 'implicitDeny', matched: [] },
  { n: 5, name: 'NotAction with BoolIfExists denies non-IAM actions without MFA (second policy)', policies: ['admin', 'mfa'], action: 's3:ListAllMyBuckets', context: [ctx('aws:MultiFactorAuthPresent', 'boolean', 'false')], decision: 'explicitDeny', matched: [['PolicyInputList.2', [1, 39], [1, 190]]] },
  { n: 6, name: 'NotAction leaves IAM actions to the Allow', policies: ['admin', 'mfa'], action: 'iam:ChangePassword', context: [ctx('aws:MultiFactorAuthPresent', 'boolean', 'false')], decision: 'allowed', matched: [['PolicyInputList.1', [1, 39], [1, 84]]] },
  { n: 7, name: 'NotAction with MFA present does not deny', policies: ['admin', 'mfa'], action: 's3:ListAllMyBuckets', context: [ctx('aws:MultiFactorAuthPresent', 'boolean', 'true')], decision: 'allowed', matched: [['PolicyInputList.1', [1, 39], [1, 84]]] },
  { n: 8, name: 'NotResource denies outside HRBucket/Payroll', policies: ['payroll'], action: 's3:GetObject', resource: 'arn:aws:s3:::HRBucket/Other/x', decision: 'explicitDeny', matched: [['PolicyInputList.1', [1, 89], [1, 203]]] },
  { n: 9, name: 'NotResource does not deny inside HRBucket/Payroll', policies: ['payroll'], action: 's3:GetObject', resource: 'arn:aws:s3:::HRBucket/Payroll/2026.csv', decision: 'allowed', matched: [['PolicyInputList.1', [1, 39], [1, 87]]] },
  { n: 10, name: 'IpAddress allows a caller inside the range', policies: ['ip'], action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: [ctx('aws:SourceIp', 'ip', '203.0.113.10')], decision: 'allowed', matched: [['PolicyInputList.1', [1, 38], [1, 154]]] },
  { n: 11, name: 'IpAddress denies a caller outside the range', policies: ['ip'], action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: [ctx('aws:SourceIp', 'ip', '198.51.100.7')], decision: 'implicitDeny', matched: [] },
  { n: 12, name: 'StringEqualsIfExists is true when the key is absent', policies: ['sse'], action: 's3:PutObject', resource: 'arn:aws:s3:::b/k', decision: 'allowed', matched: [['PolicyInputList.1', [1, 38], [1, 176]]] },
  { n: 13, name: 'StringEqualsIfExists tests a present key', policies: ['sse'], action: 's3:PutObject', resource: 'arn:aws:s3:::b/k', context: [ctx('s3:x-amz-server-side-encryption', 'string', 'aws:kms')], decision: 'implicitDeny', matched: [] },
  { n: 14, name: 'ForAllValues is true for an absent (empty) set of tag keys', policies: ['tags'], action: 'iam:TagUser', decision: 'allowed', matched: [['PolicyInputList.1', [1, 38], [1, 181]]] },
  { n: 15, name: 'ForAllValues is false when one tag key is outside the list', policies: ['tags'], action: 'iam:TagUser', context: [ctx('aws:TagKeys', 'stringList', 'environment', 'owner')], decision: 'implicitDeny', matched: [] },
  { n: 16, name: "${aws:username} allows the caller's own home folder", policies: ['home'], action: 's3:GetObject', resource: 'arn:aws:s3:::amzn-s3-demo-bucket/home/alice/file', context: [ctx('aws:username', 'string', 'alice')], decision: 'allowed', matched: [['PolicyInputList.1', [1, 253], [1, 393]]] },
  { n: 17, name: "${aws:username} does not allow another user's folder", policies: ['home'], action: 's3:GetObject', resource: 'arn:aws:s3:::amzn-s3-demo-bucket/home/bob/file', context: [ctx('aws:username', 'string', 'alice')], decision: 'implicitDeny', matched: [] },
  { n: 18, name: '${aws:username} in a StringLike condition on s3:prefix', policies: ['home'], action: 's3:ListBucket', resource: 'arn:aws:s3:::amzn-s3-demo-bucket', context: [ctx('aws:username', 'string', 'alice'), ctx('s3:prefix', 'string', 'home/alice/')], decision: 'allowed', matched: [['PolicyInputList.1', [1, 39], [1, 251]]] },
  { n: 19, name: 's3:Get* matches s3:GetObjectTagging', policies: ['getStar'], action: 's3:GetObjectTagging', resource: 'arn:aws:s3:::b/k', decision: 'allowed', matched: [['PolicyInputList.1', [1, 38], [1, 89]]] },
  { n: 20, name: 's3:Get* does not match s3:PutObject', policies: ['getStar'], action: 's3:PutObject', resource: 'arn:aws:s3:::b/k', decision: 'implicitDeny', matched: [] },
];

interface EvaluationResult {
  EvalActionName: string;
  EvalResourceName: string;
  EvalDecision: string;
  MatchedStatements: Array<{ SourcePolicyId: string; StartPosition: { Line: number; Column: number }; EndPosition: { Line: number; Column: number } }>;
}

// The CLI takes seconds to start; five cases at a time.
describe('aws iam simulate-custom-policy answers like AWS on documented cases', { concurrency: 5 }, () => {
  let coffer: Coffer;
  before(async () => {
    coffer = await startCoffer();
  });
  after(async () => coffer?.dispose());

  const simulate = (c: Case) =>
    new Promise<EvaluationResult[]>((resolve, reject) => {
      const args = ['--endpoint-url', coffer.endpoint, '--output', 'json', 'iam', 'simulate-custom-policy', '--policy-input-list', ...c.policies.map((p) => JSON.stringify(POLICIES[p])), '--action-names', c.action];
      if (c.resource) args.push('--resource-arns', c.resource);
      if (c.context) args.push('--context-entries', JSON.stringify(c.context));
      const child = spawn(AWS, args, { env: coffer.cliEnv() });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code !== 0) reject(new Error(`aws iam simulate-custom-policy exited ${code}: ${err}`));
        else resolve((JSON.parse(out) as { EvaluationResults: EvaluationResult[] }).EvaluationResults);
      });
    });

  it('has at least ten cases, covering allowed, explicitDeny and implicitDeny', () => {
    assert.ok(CASES.length >= 10);
    for (const d of ['allowed', 'explicitDeny', 'implicitDeny']) assert.ok(CASES.some((c) => c.decision === d), d);
  });

  for (const c of CASES) {
    it(`case ${c.n}: ${c.name} -> ${c.decision}`, async () => {
      const [r, ...rest] = await simulate(c);
      assert.equal(rest.length, 0);
      assert.ok(r);
      assert.equal(r.EvalActionName, c.action);
      assert.equal(r.EvalResourceName, c.resource ?? '*');
      assert.equal(r.EvalDecision, c.decision);
      assert.deepEqual(
        r.MatchedStatements.map((m) => [m.SourcePolicyId, [m.StartPosition.Line, m.StartPosition.Column], [m.EndPosition.Line, m.EndPosition.Column]]),
        c.matched,
      );
    });
  }
});
