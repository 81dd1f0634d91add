import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { s3Checks } from './s3-checks.js';

describe('s3Checks', () => {
  it('authorises listing on the bucket ARN, not the objects', () => {
    assert.deepEqual(s3Checks({ action: 's3:ListBucket', resource: 'bucket', bucket: 'b', key: null }), [{ action: 's3:ListBucket', resource: 'arn:aws:s3:::b' }]);
    assert.deepEqual(s3Checks({ action: 's3:ListAllMyBuckets', resource: 'service', bucket: null, key: null }), [{ action: 's3:ListAllMyBuckets', resource: 'arn:aws:s3:::*' }]);
  });

  it('switches to the Version action when a versionId is given', () => {
    assert.deepEqual(s3Checks({ action: 's3:GetObject', resource: 'object', bucket: 'b', key: 'a/b' }), [{ action: 's3:GetObject', resource: 'arn:aws:s3:::b/a/b' }]);
    assert.deepEqual(s3Checks({ action: 's3:GetObject', resource: 'object', bucket: 'b', key: 'k', versionId: 'v1' }), [{ action: 's3:GetObjectVersion', resource: 'arn:aws:s3:::b/k' }]);
    assert.equal(s3Checks({ action: 's3:DeleteObject', resource: 'object', bucket: 'b', key: 'k', versionId: 'v1' })[0]?.action, 's3:DeleteObjectVersion');
    assert.equal(s3Checks({ action: 's3:PutObject', resource: 'object', bucket: 'b', key: 'k', versionId: 'v1' })[0]?.action, 's3:PutObject');
  });

  it('adds GetObject on the copy source, tagging and governance bypass checks', () => {
    assert.deepEqual(s3Checks({ action: 's3:PutObject', resource: 'object', bucket: 'dst', key: 'k', copySource: 'src/a/b?versionId=v9', tagging: true }), [
      { action: 's3:PutObject', resource: 'arn:aws:s3:::dst/k' },
      { action: 's3:GetObjectVersion', resource: 'arn:aws:s3:::src/a/b', versionId: 'v9' },
      { action: 's3:PutObjectTagging', resource: 'arn:aws:s3:::dst/k' },
    ]);
    // The source check names the version it reads, also for a key that holds a '?'.
    assert.deepEqual(s3Checks({ action: 's3:PutObject', resource: 'object', bucket: 'dst', key: 'k', copySource: 'src/a?b?versionId=v2' })[1], { action: 's3:GetObjectVersion', resource: 'arn:aws:s3:::src/a?b', versionId: 'v2' });
    assert.deepEqual(s3Checks({ action: 's3:PutObject', resource: 'object', bucket: 'dst', key: 'k', copySource: 'src/a?b' })[1], { action: 's3:GetObject', resource: 'arn:aws:s3:::src/a?b' });
    assert.deepEqual(s3Checks({ action: 's3:DeleteObject', resource: 'object', bucket: 'b', key: 'k', bypassGovernance: true })[1], { action: 's3:BypassGovernanceRetention', resource: 'arn:aws:s3:::b/k' });
  });
});
