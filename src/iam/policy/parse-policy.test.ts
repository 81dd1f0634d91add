import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isCofferError } from '../../shared/index.js';
import { parsePolicy } from './parse-policy.js';
import type { PolicyKind } from './types.js';

function rejects(doc: unknown, fragment: RegExp, kind: PolicyKind = 'identity'): void {
  assert.throws(
    () => parsePolicy(typeof doc === 'string' ? doc : JSON.stringify(doc), { id: 't', kind }),
    (e: unknown) => isCofferError(e, 'iam.malformed_policy') && fragment.test(e.message),
  );
}

const stmt = (extra: Record<string, unknown> = {}) => ({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', ...extra });
const doc = (...s: unknown[]) => ({ Version: '2012-10-17', Statement: s });

describe('parsePolicy', () => {
  it('rejects an unknown condition operator and names it', () => {
    rejects(doc(stmt({ Condition: { StringEqualz: { 'aws:username': 'a' } } })), /unknown condition operator 'StringEqualz'/);
  });

  it('rejects an unknown or unsupported condition key and names it', () => {
    rejects(doc(stmt({ Condition: { StringEquals: { 'ec2:InstanceType': 't2.micro' } } })), /unknown or unsupported condition key 'ec2:InstanceType'/);
    rejects(doc(stmt({ Condition: { StringEquals: { 'aws:PrincipalTag/': 'x' } } })), /condition key 'aws:PrincipalTag\/'/);
  });

  it('rejects IfExists and set forms of Null', () => {
    rejects(doc(stmt({ Condition: { NullIfExists: { 's3:prefix': 'true' } } })), /unknown condition operator 'NullIfExists'/);
  });

  it('rejects unknown elements at the top and in statements', () => {
    rejects({ ...doc(stmt()), Extra: 1 }, /Unknown element 'Extra'/);
    rejects(doc(stmt({ Actions: 's3:*' })), /unknown element 'Actions'/);
  });

  it('rejects a Principal in an identity policy and requires one in a bucket policy', () => {
    rejects(doc(stmt({ Principal: '*' })), /not allowed in identity-based policies/);
    rejects(doc(stmt()), /needs exactly one of Principal or NotPrincipal/, 'resource');
  });

  it('rejects partial wildcards and unknown types in principals', () => {
    rejects(doc(stmt({ Principal: { AWS: 'arn:aws:iam::123456789012:user/*' } })), /invalid principal/, 'resource');
    rejects(doc(stmt({ Principal: { Robot: 'x' } })), /unknown principal type 'Robot'/, 'resource');
  });

  it('rejects a wrong Version, a wrong Effect and missing Action or Resource', () => {
    rejects({ Version: '2012-10-18', Statement: stmt() }, /Version must be/);
    rejects(doc({ Effect: 'Permit', Action: '*', Resource: '*' }), /Effect must be Allow or Deny/);
    rejects(doc({ Effect: 'Allow', Resource: '*' }), /exactly one of Action or NotAction/);
    rejects(doc({ Effect: 'Allow', Action: '*' }), /one of Resource or NotResource/);
  });

  it('rejects malformed actions and resources', () => {
    rejects(doc(stmt({ Action: 'GetObject' })), /must be '\*' or look like 'service:Action'/);
    rejects(doc(stmt({ Resource: 'bucket/key' })), /must be '\*' or an ARN/);
    rejects(doc(stmt({ Resource: 'arn:aws:s*:::b' })), /no valid service/);
  });

  it('rejects variables outside the resource part, unknown variables and multivalued variables', () => {
    rejects(doc(stmt({ Resource: 'arn:aws:iam::${aws:PrincipalAccount}:user/x' })), /outside the resource part/);
    rejects(doc(stmt({ Resource: 'arn:aws:s3:::b/${aws:nosuch}' })), /unknown policy variable/);
    rejects(doc(stmt({ Resource: 'arn:aws:s3:::b/${aws:TagKeys}' })), /multivalued key/);
    rejects(doc(stmt({ Resource: 'arn:aws:s3:::b/${aws:username' })), /unterminated policy variable/);
  });

  it('rejects values the operator cannot understand', () => {
    rejects(doc(stmt({ Condition: { NumericLessThan: { 's3:max-keys': 'ten' } } })), /not a number/);
    rejects(doc(stmt({ Condition: { DateLessThan: { 'aws:CurrentTime': 'tomorrow' } } })), /not an ISO 8601 date/);
    rejects(doc(stmt({ Condition: { IpAddress: { 'aws:SourceIp': '300.1.1.1/8' } } })), /not an IP address/);
    rejects(doc(stmt({ Condition: { Bool: { 'aws:SecureTransport': 'yes' } } })), /Bool values/);
    rejects(doc(stmt({ Condition: { StringEquals: { 's3:prefix': [] } } })), /must be strings, numbers or booleans/);
  });

  it('rejects duplicate Sids and non-alphanumeric Sids in identity policies', () => {
    rejects(doc(stmt({ Sid: 'A' }), stmt({ Sid: 'A' })), /must be unique/);
    rejects(doc(stmt({ Sid: 'has space' })), /letters and digits/);
  });

  it('rejects text that is not JSON and documents over the size limit', () => {
    rejects('{"Version":', /not valid JSON/);
    assert.throws(() => parsePolicy(JSON.stringify(doc(stmt())), { id: 't', kind: 'identity', maxLength: 10 }), (e: unknown) => isCofferError(e, 'iam.policy_too_large'));
  });

  it('accepts a valid identity policy with a single statement object and keeps its Sid', () => {
    const p = parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: { Sid: 'Read', ...stmt() } }), { id: 'x', kind: 'identity' });
    assert.equal(p.statements.length, 1);
    assert.equal(p.statements[0]?.sid, 'Read');
    assert.equal(p.version, '2012-10-17');
  });

  it('accepts a trust policy without Resource and bucket policy Sids with spaces', () => {
    const trust = parsePolicy(
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sts:AssumeRole' }] }),
      { id: 'trust', kind: 'trust' },
    );
    assert.equal(trust.statements[0]?.resources, null);
    const bp = parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Public read', Principal: '*', ...stmt() }] }), { id: 'b', kind: 'resource' });
    assert.equal(bp.statements[0]?.sid, 'Public read');
  });

  it('lists every problem in the error details', () => {
    try {
      parsePolicy(JSON.stringify(doc(stmt({ Condition: { Foo: { 'aws:username': 'a' }, StringEquals: { 'x:y': 'a' } } }))), { id: 't', kind: 'identity' });
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(isCofferError(e, 'iam.malformed_policy'));
      assert.deepEqual((e.details.problems as string[]).length, 2);
    }
  });
});
