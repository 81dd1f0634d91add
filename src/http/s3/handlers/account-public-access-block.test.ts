import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { effectivePublicAccessBlock, parsePublicAccessBlock, publicAccessBlockXml } from './account-public-access-block.js';
import { resolveOperation, resolveTarget } from '../router.js';

const OFF = { blockPublicAcls: false, ignorePublicAcls: false, blockPublicPolicy: false, restrictPublicBuckets: false };

describe('account-wide Block Public Access', () => {
  it('keeps a setting on when either level turns it on, and counts a level never configured as all on', () => {
    assert.deepEqual(effectivePublicAccessBlock(OFF, null), { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true });
    assert.deepEqual(effectivePublicAccessBlock(null, OFF), { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true });
    assert.deepEqual(effectivePublicAccessBlock(OFF, { ...OFF, restrictPublicBuckets: true }), { ...OFF, restrictPublicBuckets: true });
    assert.deepEqual(effectivePublicAccessBlock({ ...OFF, blockPublicPolicy: true }, OFF), { ...OFF, blockPublicPolicy: true });
    assert.deepEqual(effectivePublicAccessBlock(OFF, OFF), OFF);
  });

  it('refuses a setting that is not true or false, and reads omitted settings as false', () => {
    assert.throws(() => parsePublicAccessBlock(Buffer.from('<PublicAccessBlockConfiguration><BlockPublicAcls>yes</BlockPublicAcls></PublicAccessBlockConfiguration>')), { code: 'http.malformed_xml' });
    assert.deepEqual(parsePublicAccessBlock(Buffer.from('<PublicAccessBlockConfiguration xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/"><RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>')), { ...OFF, restrictPublicBuckets: true });
    assert.match(publicAccessBlockXml({ ...OFF, blockPublicPolicy: true }, false), /awss3control.*<BlockPublicPolicy>true<\/BlockPublicPolicy>/s);
  });

  it('routes the S3 Control path only with x-amz-account-id, so a bucket named v20180820 keeps working', () => {
    const t = resolveTarget('/v20180820/configuration/publicAccessBlock', '123456789012.localhost:9000', null);
    const q = new URLSearchParams();
    assert.equal(resolveOperation('GET', q, {}, t), 'GetObject');
    assert.equal(resolveOperation('GET', q, { 'x-amz-account-id': '123456789012' }, t), 'GetAccountPublicAccessBlock');
    assert.equal(resolveOperation('PUT', q, { 'x-amz-account-id': '123456789012' }, t), 'PutAccountPublicAccessBlock');
    assert.equal(resolveOperation('DELETE', q, { 'x-amz-account-id': '123456789012' }, t), 'DeleteAccountPublicAccessBlock');
  });
});
