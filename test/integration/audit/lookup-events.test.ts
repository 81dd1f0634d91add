import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startCoffer, type Coffer } from '../harness.js';

/** Runs the AWS CLI v2 against the server; returns exit status, stdout and stderr. */
function aws(coffer: Coffer, args: string[], creds?: { AccessKeyId: string; SecretAccessKey: string }) {
  const env = { ...coffer.cliEnv(), ...(creds ? { AWS_ACCESS_KEY_ID: creds.AccessKeyId, AWS_SECRET_ACCESS_KEY: creds.SecretAccessKey } : {}) };
  const r = spawnSync('/usr/bin/aws', [...args, '--endpoint-url', coffer.endpoint, '--output', 'json'], { env, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(r: ReturnType<typeof aws>): unknown {
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim() ? JSON.parse(r.stdout) : null;
}

interface LookedUp {
  Events: { EventId: string; EventName: string; Username?: string; ReadOnly: string; EventSource: string; AccessKeyId?: string; EventTime: string; Resources: { ResourceType: string; ResourceName: string }[]; CloudTrailEvent: string }[];
}

describe('CloudTrail LookupEvents over the AWS CLI', () => {
  it('denies a user without cloudtrail:LookupEvents, and filters by user and by event name', async () => {
    const coffer = await startCoffer();
    try {
      // A user without any policy is denied first.
      ok(aws(coffer, ['iam', 'create-user', '--user-name', 'nobody']));
      const nobody = (ok(aws(coffer, ['iam', 'create-access-key', '--user-name', 'nobody'])) as { AccessKey: { AccessKeyId: string; SecretAccessKey: string } }).AccessKey;
      const denied = aws(coffer, ['cloudtrail', 'lookup-events'], nobody);
      assert.notEqual(denied.status, 0);
      assert.match(denied.stderr, /AccessDeniedException/);

      // A user allowed to use S3 and to read the trail.
      ok(aws(coffer, ['iam', 'create-user', '--user-name', 'auditor']));
      const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:*', 'cloudtrail:LookupEvents'], Resource: '*' }] });
      ok(aws(coffer, ['iam', 'put-user-policy', '--user-name', 'auditor', '--policy-name', 'work', '--policy-document', policy]));
      const auditor = (ok(aws(coffer, ['iam', 'create-access-key', '--user-name', 'auditor'])) as { AccessKey: { AccessKeyId: string; SecretAccessKey: string } }).AccessKey;
      ok(aws(coffer, ['s3api', 'create-bucket', '--bucket', 'evidence'], auditor));
      ok(aws(coffer, ['s3api', 'list-objects-v2', '--bucket', 'evidence'], auditor));

      const byUser = ok(aws(coffer, ['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=Username,AttributeValue=auditor'], auditor)) as LookedUp;
      const names = byUser.Events.map((e) => e.EventName);
      assert.ok(names.includes('CreateBucket') && names.includes('ListObjectsV2'), names.join(','));
      assert.ok(byUser.Events.every((e) => e.Username === 'auditor'));
      const created = byUser.Events.find((e) => e.EventName === 'CreateBucket')!;
      assert.equal(created.EventSource, 's3.amazonaws.com');
      assert.equal(created.ReadOnly, 'false');
      assert.equal(created.AccessKeyId, auditor.AccessKeyId);
      assert.ok(created.Resources.some((r) => r.ResourceType === 'AWS::S3::Bucket'));
      assert.equal(JSON.parse(created.CloudTrailEvent).eventID, created.EventId);

      // By event name, across users (the admin created both users), newest first, paged by the CLI.
      const byName = ok(aws(coffer, ['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=CreateUser', '--page-size', '1'])) as LookedUp;
      assert.equal(byName.Events.length, 2);
      assert.deepEqual(byName.Events.map((e) => JSON.parse(e.CloudTrailEvent).requestParameters.userName), ['auditor', 'nobody']);
      assert.ok(byName.Events.every((e) => e.EventSource === 'iam.amazonaws.com'));

      // The denied lookup itself is in the trail, with its decision.
      const lookups = ok(aws(coffer, ['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=Username,AttributeValue=nobody'])) as LookedUp;
      const deniedEvent = lookups.Events.map((e) => JSON.parse(e.CloudTrailEvent)).find((e) => e.eventName === 'LookupEvents');
      assert.equal(deniedEvent?.errorCode, 'AccessDeniedException');
      assert.equal(deniedEvent?.eventSource, 'cloudtrail.amazonaws.com');
      assert.equal(deniedEvent?.additionalEventData.policyDecision.decision, 'ImplicitDeny');

      // A time range in the past finds nothing; a bad attribute is CloudTrail's error.
      const old = ok(aws(coffer, ['cloudtrail', 'lookup-events', '--start-time', '2001-01-01T00:00:00Z', '--end-time', '2001-01-02T00:00:00Z'])) as LookedUp;
      assert.equal(old.Events.length, 0);
      const bad = aws(coffer, ['cloudtrail', 'lookup-events', '--start-time', '2002-01-01T00:00:00Z', '--end-time', '2001-01-02T00:00:00Z']);
      assert.match(bad.stderr, /InvalidTimeRangeException/);
      // There is no API that edits or deletes events.
      const del = aws(coffer, ['cloudtrail', 'delete-trail', '--name', 'anything']);
      assert.match(del.stderr, /UnknownOperationException/);
    } finally {
      await coffer.dispose();
    }
  });
});
