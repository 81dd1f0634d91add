import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkMfa, needsMfa } from './mfa-gate.js';

const longTerm = { type: 'User', userName: 'admin', accountId: '123456789012' };
const plainSession = { ...longTerm, session: { createdMs: 0, expiresMs: 1, mfaAuthenticated: false } };
const mfaSession = { ...longTerm, session: { createdMs: 0, expiresMs: 1, mfaAuthenticated: true, mfaAuthTimeMs: 0 } };

describe('the mfa setting', () => {
  it('under privileged, needs MFA for IAM changes, bucket deletion, version deletion, policy and KMS administration but not for data or reads', () => {
    for (const a of ['iam:CreateUser', 'iam:CreateAccessKey', 'iam:PutUserPolicy', 's3:DeleteBucket', 's3:DeleteObjectVersion', 's3:PutBucketPolicy', 's3:PutBucketVersioning', 'kms:ScheduleKeyDeletion', 'kms:CreateKey', 'coffer:ReleaseQuarantinedObject']) {
      assert.equal(needsMfa('privileged', a), true, a);
    }
    for (const a of ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:CreateBucket', 'iam:ListUsers', 'iam:GetPolicy', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey', 'cloudtrail:LookupEvents', 'coffer:GetQuarantinedObject']) {
      assert.equal(needsMfa('privileged', a), false, a);
    }
  });

  it('always lets a caller enroll a device and get an MFA session', () => {
    for (const mode of ['required', 'privileged', 'optional'] as const) {
      for (const a of ['iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'sts:GetSessionToken', 'sts:GetCallerIdentity']) assert.equal(checkMfa(mode, a, longTerm), null, `${mode} ${a}`);
    }
  });

  it('under required, refuses long-term keys and sessions without MFA everything else, and says exactly what to do', () => {
    const msg = checkMfa('required', 's3:GetObject', longTerm);
    assert.ok(msg);
    assert.match(msg, /aws iam create-virtual-mfa-device/);
    assert.match(msg, /aws iam enable-mfa-device --user-name admin --serial-number arn:aws:iam::123456789012:mfa\/admin/);
    assert.match(msg, /aws sts get-session-token --serial-number arn:aws:iam::123456789012:mfa\/admin --token-code CODE/);
    assert.ok(checkMfa('required', 's3:GetObject', plainSession));
    assert.equal(checkMfa('required', 's3:GetObject', mfaSession), null);
    assert.equal(checkMfa('required', 'iam:CreateUser', mfaSession), null);
  });

  it('under optional, still keeps GetSessionToken sessions without MFA out of IAM, as AWS does', () => {
    assert.equal(checkMfa('optional', 'iam:CreateUser', longTerm), null);
    assert.ok(checkMfa('optional', 'iam:CreateUser', plainSession));
    assert.equal(checkMfa('optional', 'iam:CreateUser', mfaSession), null);
    assert.equal(checkMfa('optional', 's3:DeleteBucket', plainSession), null);
  });
});

describe('the mfa gate on a REST-JSON service', () => {
  it('names the operation by method and path, so reads pass and changes need MFA', async () => {
    const { withMfaGate } = await import('./mfa-gate.js');
    const def = {
      name: 'macie2',
      eventSource: 'macie2.amazonaws.com',
      protocol: { kind: 'json' as const },
      eventNameOf: (req: { method?: string }) => (req.method === 'GET' ? 'ListClassificationJobs' : 'CreateClassificationJob'),
      handle: async () => ({ status: 200, body: '{}', audit: { eventName: 'x', readOnly: true } }),
    };
    const gated = withMfaGate(def, 'privileged');
    const call = (method: string, principal: unknown) =>
      gated.handle({ auth: { principal } as never, body: Buffer.from('{}'), requestId: 'r', req: { method, headers: {} } as never, secureTransport: true, region: 'us-east-1', conditionKeys: {} });
    assert.equal((await call('GET', longTerm)).status, 200);
    const refused = await call('POST', longTerm);
    assert.equal(refused.status, 403);
    assert.match(String(refused.body), /macie2:CreateClassificationJob needs an MFA session/);
    assert.equal((await call('POST', mfaSession)).status, 200);
  });
});
