import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { globalConditionKeys, s3ConditionKeys } from './request-keys.js';
import { alice } from './testing.js';

describe('globalConditionKeys', () => {
  it('leaves out MFA keys and the user name for anonymous callers and long-term keys', () => {
    const anon = globalConditionKeys({ principal: null, secureTransport: false, sourceIp: '::ffff:127.0.0.1', nowMs: 0, region: 'us-east-1' });
    assert.equal(anon['aws:PrincipalType'], 'Anonymous');
    assert.equal(anon['aws:userid'], 'anonymous');
    assert.equal(anon['aws:SourceIp'], '127.0.0.1');
    assert.equal(anon['aws:SecureTransport'], 'false');
    assert.equal(anon['aws:PrincipalArn'], undefined);
    assert.equal(anon['aws:MultiFactorAuthPresent'], undefined);
    const user = globalConditionKeys({ principal: alice, userName: 'alice', userId: 'AIDAEXAMPLE', secureTransport: true, sourceIp: '::1', nowMs: 1767225600500, region: 'us-east-1' });
    assert.equal(user['aws:MultiFactorAuthPresent'], undefined);
    assert.equal(user['aws:username'], 'alice');
    assert.equal(user['aws:CurrentTime'], '2026-01-01T00:00:00Z');
    assert.equal(user['aws:EpochTime'], '1767225600');
    assert.equal(user['aws:PrincipalType'], 'User');
  });

  it('sets MFA presence and age for sessions created with MFA', () => {
    const k = globalConditionKeys({ principal: alice, secureTransport: true, sourceIp: '::1', nowMs: 100_000, region: 'r', mfa: { present: true, authTimeMs: 40_000 } });
    assert.equal(k['aws:MultiFactorAuthPresent'], 'true');
    assert.equal(k['aws:MultiFactorAuthAge'], '60');
  });
});

describe('s3ConditionKeys', () => {
  it('sets list keys only for list actions, with max-keys defaulting to 1000', () => {
    const q = new URLSearchParams('prefix=home/alice/&delimiter=/');
    const none = s3ConditionKeys({ query: q, header: () => undefined, authMethod: 'header', action: 's3:GetObject' });
    assert.equal(none['s3:prefix'], undefined);
    const k = s3ConditionKeys({ query: q, header: () => undefined, authMethod: 'header', action: 's3:ListBucket' });
    assert.deepEqual([k['s3:prefix'], k['s3:delimiter'], k['s3:max-keys']], ['home/alice/', '/', '1000']);
  });

  it('maps headers, auth type, TLS version and tags', () => {
    const h: Record<string, string> = { 'x-amz-server-side-encryption': 'AES256', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'x-amz-copy-source': '/src/a%20b' };
    const k = s3ConditionKeys({
      query: new URLSearchParams('versionId=v1'),
      header: (n) => h[n],
      authMethod: 'presigned',
      action: 's3:PutObject',
      tlsProtocol: 'TLSv1.3',
      requestObjectTags: { env: 'prod' },
    });
    assert.equal(k['s3:x-amz-server-side-encryption'], 'AES256');
    assert.equal(k['s3:authType'], 'REST-QUERY-STRING');
    assert.equal(k['s3:x-amz-content-sha256'], undefined, 'only header auth carries the payload hash key');
    assert.equal(k['s3:x-amz-copy-source'], 'src/a b');
    assert.equal(k['s3:VersionId'], 'v1');
    assert.equal(k['s3:TlsVersion'], '1.3');
    assert.equal(k['s3:RequestObjectTag/env'], 'prod');
    assert.deepEqual(k['s3:RequestObjectTagKeys'], ['env']);
  });
});
