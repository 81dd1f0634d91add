import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isCofferError } from '../../../shared/index.js';
import { checkPolicyResources, compileBucketPolicy, isPublicPolicy } from './bucket-policy.js';

const doc = (...Statement: Record<string, unknown>[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const read = { Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' };
const isPublic = (d: string) => isPublicPolicy(compileBucketPolicy('b', d));

describe('bucket policy checks', () => {
  it('calls a policy public when an Allow applies to everyone without a restricting condition', () => {
    assert.equal(isPublic(doc({ Effect: 'Allow', Principal: '*', ...read })), true);
    assert.equal(isPublic(doc({ Effect: 'Allow', Principal: { AWS: '*' }, ...read })), true);
    assert.equal(isPublic(doc({ Effect: 'Allow', Principal: '*', ...read, Condition: { StringEquals: { 's3:ExistingObjectTag/team': 'a' } } })), true);
  });

  it('does not call a policy public when it names principals, only denies, or pins the caller or network', () => {
    assert.equal(isPublic(doc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:user/bob' }, ...read })), false);
    assert.equal(isPublic(doc({ Effect: 'Deny', Principal: '*', ...read })), false);
    assert.equal(isPublic(doc({ Effect: 'Allow', Principal: '*', ...read, Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })), false);
    assert.equal(isPublic(doc({ Effect: 'Allow', Principal: '*', ...read, Condition: { StringEquals: { 'aws:PrincipalAccount': '123456789012' } } })), false);
  });

  it('treats a negated restricting condition as no restriction', () => {
    assert.equal(isPublic(doc({ Effect: 'Allow', Principal: '*', ...read, Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })), true);
  });

  it('refuses resources outside the bucket', () => {
    assert.doesNotThrow(() => checkPolicyResources('b', doc({ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'] })));
    for (const r of ['arn:aws:s3:::other/*', 'arn:aws:s3:::b2/*', '*']) {
      assert.throws(() => checkPolicyResources('b', doc({ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: r })), (e) => isCofferError(e, 'iam.malformed_policy'), r);
    }
  });
});
