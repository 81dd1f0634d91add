import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveOperation, resolveTarget } from './router.js';

const op = (method: string, path: string, query = '', headers: Record<string, string> = {}) =>
  resolveOperation(method, new URLSearchParams(query), headers, resolveTarget(path, 'localhost:9000', null));

describe('S3 routing', () => {
  it('splits path-style requests into bucket and decoded key', () => {
    assert.deepEqual(resolveTarget('/b/a%20b/c%2Bd', 'localhost', null), { bucket: 'b', key: 'a b/c+d', style: 'path' });
    assert.deepEqual(resolveTarget('/b', 'localhost', null), { bucket: 'b', key: null, style: 'path' });
    assert.deepEqual(resolveTarget('/b/', 'localhost', null), { bucket: 'b', key: null, style: 'path' });
    assert.deepEqual(resolveTarget('/', 'localhost', null), { bucket: null, key: null, style: 'path' });
  });

  it('takes the bucket from the host for virtual-hosted-style requests under the base domain', () => {
    assert.deepEqual(resolveTarget('/k/x', 'photos.s3.example.test:443', 's3.example.test'), { bucket: 'photos', key: 'k/x', style: 'virtual' });
    assert.deepEqual(resolveTarget('/photos/k', 's3.example.test', 's3.example.test'), { bucket: 'photos', key: 'k', style: 'path' });
  });

  it('refuses malformed percent-encoding', () => {
    assert.throws(() => resolveTarget('/b/%E0%A4%A', 'localhost', null), /http.invalid_uri/);
  });

  it('routes by method, sub-resource and headers', () => {
    assert.equal(op('GET', '/'), 'ListBuckets');
    assert.equal(op('PUT', '/b'), 'CreateBucket');
    assert.equal(op('GET', '/b', 'list-type=2&prefix=a'), 'ListObjectsV2');
    assert.equal(op('GET', '/b'), 'ListObjects');
    assert.equal(op('GET', '/b', 'versions'), 'ListObjectVersions');
    assert.equal(op('GET', '/b', 'uploads'), 'ListMultipartUploads');
    assert.equal(op('POST', '/b', 'delete'), 'DeleteObjects');
    assert.equal(op('PUT', '/b/k'), 'PutObject');
    assert.equal(op('PUT', '/b/k', '', { 'x-amz-copy-source': '/a/b' }), 'CopyObject');
    assert.equal(op('PUT', '/b/k', 'partNumber=1&uploadId=u'), 'UploadPart');
    assert.equal(op('PUT', '/b/k', 'partNumber=1&uploadId=u', { 'x-amz-copy-source': '/a/b' }), 'UploadPartCopy');
    assert.equal(op('POST', '/b/k', 'uploads'), 'CreateMultipartUpload');
    assert.equal(op('POST', '/b/k', 'uploadId=u'), 'CompleteMultipartUpload');
    assert.equal(op('DELETE', '/b/k', 'uploadId=u'), 'AbortMultipartUpload');
    assert.equal(op('GET', '/b/k', 'uploadId=u'), 'ListParts');
    assert.equal(op('GET', '/b/k', 'x-id=GetObject'), 'GetObject');
    assert.equal(op('GET', '/b/k', 'tagging'), 'GetObjectTagging');
  });

  it('routes bucket policy and public access block requests to their operations', () => {
    assert.equal(op('PUT', '/b', 'policy'), 'PutBucketPolicy');
    assert.equal(op('GET', '/b', 'policy'), 'GetBucketPolicy');
    assert.equal(op('DELETE', '/b', 'policy'), 'DeleteBucketPolicy');
    assert.equal(op('GET', '/b', 'policyStatus'), 'GetBucketPolicyStatus');
    assert.equal(op('PUT', '/b', 'publicAccessBlock'), 'PutPublicAccessBlock');
    assert.equal(op('GET', '/b', 'publicAccessBlock'), 'GetPublicAccessBlock');
    assert.equal(op('DELETE', '/b', 'publicAccessBlock'), 'DeletePublicAccessBlock');
    assert.equal(op('GET', '/b/k', 'policy'), 'NotImplemented');
    assert.equal(op('PUT', '/b', 'encryption'), 'PutBucketEncryption');
    assert.equal(op('GET', '/b', 'encryption'), 'GetBucketEncryption');
    assert.equal(op('DELETE', '/b', 'encryption'), 'DeleteBucketEncryption');
    assert.equal(op('GET', '/b/k', 'encryption'), 'NotImplemented');
  });

  it('answers NotImplemented for known S3 sub-resources Coffer does not implement, never a plain GET', () => {
    for (const sub of ['acl', 'ownershipControls', 'cors', 'lifecycle', 'object-lock', 'retention', 'select', 'restore', 'attributes']) {
      assert.equal(op('GET', '/b/k', sub), 'NotImplemented', sub);
      assert.equal(op('PUT', '/b', sub), 'NotImplemented', sub);
    }
  });
});
