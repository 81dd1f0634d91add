import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildS3Event } from './build-s3-event.js';

const ctx = { accountId: '123456789012', region: 'eu-west-1', clock: { now: () => Date.UTC(2026, 4, 6, 7, 8, 9, 123) } };
const alice = { type: 'IAMUser' as const, principalId: 'AIDAALICE', arn: 'arn:aws:iam::123456789012:user/alice', accountId: '123456789012', userName: 'alice' };

describe('buildS3Event', () => {
  it('maps an object request to a CloudTrail data event with TLS details and the policy decision', () => {
    const e = buildS3Event(
      {
        operation: 'PutObject', principal: alice, accessKeyId: 'AKIAALICE', sourceIp: '198.51.100.7', userAgent: 'aws-cli/2',
        tls: { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' }, host: 's3.example.test', bucket: 'b1', key: 'dir/o.txt',
        requestId: 'RID', hostId: 'HID', readOnly: false, responseElements: { 'x-amz-version-id': '3' }, eventId: 'EID',
        decision: { decision: 'Allow', matched: [{ policyId: 'p1', sid: 'S1', effect: 'Allow' }] },
        signatureVersion: 'SigV4', authenticationMethod: 'AuthHeader', bytesTransferredIn: 5,
      },
      ctx,
    );
    assert.deepEqual(e, {
      eventVersion: '1.08',
      userIdentity: { ...alice, accessKeyId: 'AKIAALICE' },
      eventTime: '2026-05-06T07:08:09Z',
      eventSource: 's3.amazonaws.com',
      eventName: 'PutObject',
      awsRegion: 'eu-west-1',
      sourceIPAddress: '198.51.100.7',
      userAgent: 'aws-cli/2',
      requestParameters: { bucketName: 'b1', Host: 's3.example.test', key: 'dir/o.txt' },
      responseElements: { 'x-amz-version-id': '3' },
      additionalEventData: {
        SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_256_GCM_SHA384', AuthenticationMethod: 'AuthHeader', bytesTransferredIn: 5, 'x-amz-id-2': 'HID',
        policyDecision: { decision: 'Allow', matchedStatements: [{ policyId: 'p1', sid: 'S1', effect: 'Allow' }] },
      },
      requestID: 'RID',
      eventID: 'EID',
      readOnly: false,
      resources: [
        { type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::b1/dir/o.txt' },
        { accountId: '123456789012', type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::b1' },
      ],
      eventType: 'AwsApiCall',
      managementEvent: false,
      recipientAccountId: '123456789012',
      eventCategory: 'Data',
      tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_256_GCM_SHA384', clientProvidedHostHeader: 's3.example.test' },
    });
  });

  it('records a failed, unauthenticated bucket request as a management event with its error', () => {
    const e = buildS3Event(
      { operation: 'CreateBucket', accessKeyId: 'AKIAUNKNOWN', sourceIp: '203.0.113.9', bucket: 'b2', requestId: 'R', readOnly: false, errorCode: 'InvalidAccessKeyId', errorMessage: 'The AWS Access Key Id you provided does not exist in our records.' },
      ctx,
    );
    assert.deepEqual(e.userIdentity, { type: 'Unknown', accessKeyId: 'AKIAUNKNOWN' });
    assert.equal(e.eventCategory, 'Management');
    assert.equal(e.managementEvent, true);
    assert.equal(e.errorCode, 'InvalidAccessKeyId');
    assert.equal(e.responseElements, null);
    assert.deepEqual(e.resources, [{ accountId: '123456789012', type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::b2' }]);
    assert.equal(e.tlsDetails, undefined);
  });

  it('does not log the key names of DeleteObjects, like CloudTrail', () => {
    const e = buildS3Event({ operation: 'DeleteObjects', principal: alice, sourceIp: '::1', bucket: 'b3', key: 'secret-name.txt', query: { delete: '' }, requestId: 'R', readOnly: false }, ctx);
    assert.equal(JSON.stringify(e).includes('secret-name'), false);
    assert.deepEqual(e.requestParameters, { bucketName: 'b3', delete: '' });
  });
});
