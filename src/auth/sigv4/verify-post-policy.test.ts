import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isCofferError } from '../../shared/index.js';
import { verifyPostPolicy } from './verify-post-policy.js';

const ex = JSON.parse(readFileSync(fileURLToPath(new URL('../../../../shared/testdata/sigv4/s3-examples.json', import.meta.url)), 'utf8')) as {
  credentials: { access_key_id: string; secret_access_key: string };
  post_policy: { policy_base64: string; signature: string; form_fields: Record<string, string> };
};
const p = ex.post_policy;
const fields: Record<string, string> = { ...p.form_fields, Policy: p.policy_base64 };
const at = (iso: string) => ({ now: () => Date.parse(iso) });
const opts = (now = '2015-12-29T10:00:00Z') => ({
  findSecret: async (akid: string) => (akid === ex.credentials.access_key_id ? { secretAccessKey: ex.credentials.secret_access_key, principal: 'alice' } : null),
  region: 'us-east-1',
  clock: at(now),
});
const code = (c: string) => (e: unknown) => isCofferError(e, c);

describe('verifyPostPolicy with the S3 API Reference POST example', () => {
  it('accepts the published form and returns the decoded policy', async () => {
    const { auth, policy } = await verifyPostPolicy(fields, opts());
    assert.equal(auth.method, 'post-policy');
    assert.equal(auth.principal, 'alice');
    assert.equal(policy.expiration, '2015-12-30T12:00:00.000Z');
    assert.equal(auth.expiresAtMs, Date.parse('2015-12-30T12:00:00.000Z'));
    assert.deepEqual(policy.conditions[0], { bucket: 'sigv4examplebucket' });
    assert.equal(policy.conditions.length, 11);
  });

  it('rejects the form after the policy expiration', async () => {
    await assert.rejects(verifyPostPolicy(fields, opts('2015-12-30T12:00:01Z')), code('auth.expired'));
  });

  it('rejects a modified policy or signature as auth.signature_mismatch', async () => {
    const other = Buffer.from(Buffer.from(p.policy_base64, 'base64').toString('utf8').replace('user/user1/', 'user/user2/')).toString('base64');
    await assert.rejects(verifyPostPolicy({ ...fields, Policy: other }, opts()), code('auth.signature_mismatch'));
    const sig = p.signature.slice(0, -1) + (p.signature.endsWith('0') ? '1' : '0');
    await assert.rejects(verifyPostPolicy({ ...fields, 'X-Amz-Signature': sig }, opts()), code('auth.signature_mismatch'));
  });

  it('rejects missing fields, another region, an unknown key and SigV2 forms', async () => {
    const { 'X-Amz-Date': _d, ...noDate } = fields;
    await assert.rejects(verifyPostPolicy(noDate, opts()), code('auth.malformed'));
    await assert.rejects(verifyPostPolicy(fields, { ...opts(), region: 'eu-west-1' }), code('auth.malformed'));
    await assert.rejects(verifyPostPolicy({ ...fields, 'X-Amz-Credential': fields['X-Amz-Credential']!.replace('AKIAIOSFODNN7EXAMPLE', 'AKIAOTHER') }, opts()), code('auth.invalid_access_key'));
    await assert.rejects(verifyPostPolicy({ AWSAccessKeyId: 'AKIA', Policy: p.policy_base64, Signature: 'x' }, opts()), code('auth.unsupported_algorithm'));
    await assert.rejects(verifyPostPolicy({ key: 'k' }, opts()), code('auth.missing'));
  });
});
