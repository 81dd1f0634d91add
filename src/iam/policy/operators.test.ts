import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ContextValue } from './types.js';
import { bucketPolicy, decide, identity } from './testing.js';

/** The decision for alice's s3:GetObject under one Allow statement carrying this Condition. */
function under(condition: Record<string, unknown>, keys: Record<string, ContextValue>): string {
  return decide({ identity: [identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: condition })] }, { keys });
}

type Row = [name: string, condition: Record<string, unknown>, denied: Record<string, ContextValue>, allowed: Record<string, ContextValue>];

const T = 'aws:CurrentTime';
const rows: Row[] = [
  ['StringEquals is exact and case-sensitive', { StringEquals: { 'aws:username': 'alice' } }, { 'aws:username': 'Alice' }, { 'aws:username': 'alice' }],
  ['StringNotEquals with several values acts as AND', { StringNotEquals: { 's3:prefix': ['a', 'b'] } }, { 's3:prefix': 'b' }, { 's3:prefix': 'c' }],
  ['StringEqualsIgnoreCase ignores case', { StringEqualsIgnoreCase: { 's3:prefix': 'Docs' } }, { 's3:prefix': 'docs2' }, { 's3:prefix': 'DOCS' }],
  ['StringNotEqualsIgnoreCase ignores case', { StringNotEqualsIgnoreCase: { 's3:prefix': 'Docs' } }, { 's3:prefix': 'DOCS' }, { 's3:prefix': 'other' }],
  ['StringLike supports * and ?', { StringLike: { 's3:prefix': 'logs/?/*' } }, { 's3:prefix': 'logs/ab/x' }, { 's3:prefix': 'logs/a/x/y' }],
  ['StringNotLike negates the pattern', { StringNotLike: { 's3:prefix': 'private/*' } }, { 's3:prefix': 'private/x' }, { 's3:prefix': 'public/x' }],
  ['StringLike lets * cross colons', { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*' } }, { 'aws:PrincipalArn': 'arn:aws:sts::1:x' }, { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:user/a' }],
  ['NumericEquals compares numbers', { NumericEquals: { 's3:max-keys': '10' } }, { 's3:max-keys': '11' }, { 's3:max-keys': '10.0' }],
  ['NumericNotEquals', { NumericNotEquals: { 's3:max-keys': 10 } }, { 's3:max-keys': '10' }, { 's3:max-keys': '9' }],
  ['NumericLessThan', { NumericLessThan: { 's3:max-keys': 10 } }, { 's3:max-keys': '10' }, { 's3:max-keys': '9' }],
  ['NumericLessThanEquals', { NumericLessThanEquals: { 's3:max-keys': 10 } }, { 's3:max-keys': '11' }, { 's3:max-keys': '10' }],
  ['NumericGreaterThan', { NumericGreaterThan: { 'aws:MultiFactorAuthAge': 3600 } }, { 'aws:MultiFactorAuthAge': '3600' }, { 'aws:MultiFactorAuthAge': '3601' }],
  ['NumericGreaterThanEquals', { NumericGreaterThanEquals: { 'aws:MultiFactorAuthAge': 3600 } }, { 'aws:MultiFactorAuthAge': '3599' }, { 'aws:MultiFactorAuthAge': '3600' }],
  ['Numeric denies a value that is not a number', { NumericLessThan: { 's3:max-keys': 10 } }, { 's3:max-keys': 'ten' }, { 's3:max-keys': '1' }],
  ['DateEquals', { DateEquals: { [T]: '2026-01-01T00:00:00Z' } }, { [T]: '2026-01-01T00:00:01Z' }, { [T]: '2026-01-01T00:00:00Z' }],
  ['DateNotEquals', { DateNotEquals: { [T]: '2026-01-01T00:00:00Z' } }, { [T]: '2026-01-01T00:00:00Z' }, { [T]: '2026-01-02T00:00:00Z' }],
  ['DateLessThan', { DateLessThan: { [T]: '2026-01-01T00:00:00Z' } }, { [T]: '2026-01-01T00:00:00Z' }, { [T]: '2025-12-31T23:59:59Z' }],
  ['DateLessThanEquals', { DateLessThanEquals: { [T]: '2026-01-01' } }, { [T]: '2026-01-01T00:00:01Z' }, { [T]: '2026-01-01T00:00:00Z' }],
  ['DateGreaterThan', { DateGreaterThan: { [T]: '2026-01-01T00:00:00Z' } }, { [T]: '2026-01-01T00:00:00Z' }, { [T]: '2026-01-01T00:00:01Z' }],
  ['DateGreaterThanEquals accepts epoch seconds', { DateGreaterThanEquals: { 'aws:EpochTime': 1767225600 } }, { 'aws:EpochTime': '1767225599' }, { 'aws:EpochTime': '1767225600' }],
  ['Bool compares true/false', { Bool: { 'aws:SecureTransport': 'true' } }, { 'aws:SecureTransport': 'false' }, { 'aws:SecureTransport': 'true' }],
  ['Bool accepts JSON booleans', { Bool: { 'aws:SecureTransport': true } }, { 'aws:SecureTransport': 'false' }, { 'aws:SecureTransport': 'TRUE' }],
  ['BinaryEquals compares decoded bytes', { BinaryEquals: { 'aws:username': 'QmluYXJ5' } }, { 'aws:username': 'QmluYXJa' }, { 'aws:username': 'QmluYXJ5' }],
  ['IpAddress matches IPv4 CIDR blocks', { IpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '203.0.113.7'] } }, { 'aws:SourceIp': '192.0.3.1' }, { 'aws:SourceIp': '203.0.113.7' }],
  ['IpAddress matches IPv4-mapped IPv6 callers', { IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } }, { 'aws:SourceIp': '::ffff:198.51.100.1' }, { 'aws:SourceIp': '::ffff:192.0.2.9' }],
  ['IpAddress matches IPv6 CIDR blocks', { IpAddress: { 'aws:SourceIp': '2001:db8::/32' } }, { 'aws:SourceIp': '2001:db9::1' }, { 'aws:SourceIp': '2001:db8:1::5' }],
  ['NotIpAddress negates', { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, { 'aws:SourceIp': '10.1.2.3' }, { 'aws:SourceIp': '127.0.0.1' }],
  ['ArnLike matches per segment', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/ops-*' } }, { 'aws:PrincipalArn': 'arn:aws:iam::1:2:user/ops-a' }, { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:user/ops-a' }],
  ['ArnEquals behaves like ArnLike', { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:user/*' } }, { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/r' }, { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:user/x' }],
  ['ArnNotEquals negates', { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:user/admin' } }, { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:user/admin' }, { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:user/x' }],
  ['ArnNotLike negates', { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/*' } }, { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/r' }, { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:user/x' }],
  ['Null true requires the key to be absent', { Null: { 's3:x-amz-server-side-encryption': 'true' } }, { 's3:x-amz-server-side-encryption': 'AES256' }, {}],
  ['Null false requires the key to be present', { Null: { 's3:x-amz-server-side-encryption': 'false' } }, {}, { 's3:x-amz-server-side-encryption': 'AES256' }],
  ['a missing key makes a positive operator false', { StringEquals: { 's3:prefix': 'a' } }, {}, { 's3:prefix': 'a' }],
  ['a missing key makes a negated operator true', { StringNotEquals: { 's3:prefix': 'a' } }, { 's3:prefix': 'a' }, {}],
  ['IfExists is true when the key is missing (AWS example)', { StringEqualsIfExists: { 's3:x-amz-server-side-encryption': 'AES256' } }, { 's3:x-amz-server-side-encryption': 'aws:kms' }, {}],
  ['IfExists still tests a present key', { NumericLessThanEqualsIfExists: { 's3:max-keys': 10 } }, { 's3:max-keys': '11' }, { 's3:max-keys': '10' }],
  ['a single-valued operator on a multivalued key is false, even a negated one', { StringNotEquals: { 'aws:TagKeys': 'env' } }, { 'aws:TagKeys': ['x'] }, {}],
  ['ForAllValues is true for an empty set (AWS pitfall example)', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'cost-center'] } }, { 'aws:TagKeys': ['env', 'owner'] }, { 'aws:TagKeys': [] }],
  ['ForAllValues is true when the key is absent', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env'] } }, { 'aws:TagKeys': ['x'] }, {}],
  ['ForAllValues requires every value to match', { 'ForAllValues:StringLike': { 's3:RequestObjectTagKeys': ['env*', 'team'] } }, { 's3:RequestObjectTagKeys': ['env1', 'owner'] }, { 's3:RequestObjectTagKeys': ['env1', 'team'] }],
  ['ForAnyValue is false for an empty set', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'env' } }, { 'aws:TagKeys': [] }, { 'aws:TagKeys': ['x', 'env'] }],
  ['ForAnyValue is false when the key is absent', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'env' } }, {}, { 'aws:TagKeys': ['env'] }],
  ['ForAllValues with a negated operator tests each value against all policy values', { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['secret', 'pii'] } }, { 'aws:TagKeys': ['env', 'pii'] }, { 'aws:TagKeys': ['env', 'team'] }],
  ['ForAnyValue with IfExists is true when the key is missing', { 'ForAnyValue:StringEqualsIfExists': { 'aws:TagKeys': 'env' } }, { 'aws:TagKeys': ['x'] }, {}],
  ['a set operator treats a single value as a one-element set', { 'ForAnyValue:StringEquals': { 'aws:username': 'alice' } }, { 'aws:username': 'bob' }, { 'aws:username': 'alice' }],
  ['conditions on several keys are ANDed', { StringEquals: { 's3:prefix': 'a', 's3:delimiter': '/' } }, { 's3:prefix': 'a', 's3:delimiter': '-' }, { 's3:prefix': 'a', 's3:delimiter': '/' }],
  ['condition key names are case-insensitive', { StringEquals: { 'AWS:USERNAME': 'carol' } }, { 'aws:username': 'dave' }, { 'Aws:UserName': 'carol' }],
  ['S3 tag keys in condition key names keep their case', { StringEquals: { 's3:ExistingObjectTag/Team': 'a' } }, { 's3:ExistingObjectTag/team': 'a' }, { 'S3:existingobjecttag/Team': 'a' }],
];

describe('condition operators', () => {
  for (const [name, condition, denied, allowed] of rows) {
    it(`${name}: denies, then allows`, () => {
      assert.equal(under(condition, denied), 'ImplicitDeny', 'denied case');
      assert.equal(under(condition, allowed), 'Allow', 'allowed case');
    });
  }

  it('denies plain HTTP with a bucket policy on aws:SecureTransport false (AWS example)', () => {
    const deny = bucketPolicy({
      Sid: 'AllowSSLRequestsOnly',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    const admin = identity({ Effect: 'Allow', Action: 's3:*', Resource: '*' });
    assert.equal(decide({ identity: [admin], resource: [deny] }, { keys: { 'aws:SecureTransport': 'false' } }), 'ExplicitDeny');
    assert.equal(decide({ identity: [admin], resource: [deny] }, { keys: { 'aws:SecureTransport': 'true' } }), 'Allow');
  });

  it('denies uploads without server-side encryption with a Null condition (AWS example)', () => {
    const deny = bucketPolicy({ Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/*', Condition: { Null: { 's3:x-amz-server-side-encryption': 'true' } } });
    const admin = identity({ Effect: 'Allow', Action: 's3:*', Resource: '*' });
    assert.equal(decide({ identity: [admin], resource: [deny] }, { action: 's3:PutObject' }), 'ExplicitDeny');
    assert.equal(decide({ identity: [admin], resource: [deny] }, { action: 's3:PutObject', keys: { 's3:x-amz-server-side-encryption': 'AES256' } }), 'Allow');
  });

  it('denies outside an IP range and a time window (AWS examples)', () => {
    const p = identity({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: '*',
      Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' }, DateGreaterThan: { [T]: '2026-04-01T00:00:00Z' }, DateLessThan: { [T]: '2026-06-30T23:59:59Z' } },
    });
    assert.equal(decide({ identity: [p] }, { keys: { 'aws:SourceIp': '203.0.113.5', [T]: '2026-07-01T00:00:00Z' } }), 'ImplicitDeny');
    assert.equal(decide({ identity: [p] }, { keys: { 'aws:SourceIp': '198.51.100.5', [T]: '2026-05-01T00:00:00Z' } }), 'ImplicitDeny');
    assert.equal(decide({ identity: [p] }, { keys: { 'aws:SourceIp': '203.0.113.5', [T]: '2026-05-01T00:00:00Z' } }), 'Allow');
  });
});
