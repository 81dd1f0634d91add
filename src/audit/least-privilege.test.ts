import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, parsePolicy } from '../iam/policy/index.js';
import { buildServiceEvent } from './build-service-event.js';
import type { AuditEvent, StoredEvent } from './event.js';
import { generatePolicy, lastAccessed, minimalPolicy, serviceActionUses, wasAllowed, type ActionResolver } from './least-privilege.js';
import { ACCOUNT, REGION, sampleEvent } from './testing.js';

// Object events: action s3:<operation>; the object ARN is the event's first resource.
const s3Uses: ActionResolver = (e) => (e.eventSource === 's3.amazonaws.com' ? [{ action: `s3:${e.eventName}`, resource: e.resources?.[0]?.ARN ?? '*' }] : serviceActionUses(e));

async function* stored(events: AuditEvent[]): AsyncGenerator<StoredEvent> {
  let index = 0;
  for (const event of events) yield { index: index++, event };
}

const iamEvent = (name: string, user: string, over: Partial<Parameters<typeof buildServiceEvent>[0]> = {}, t = Date.UTC(2026, 0, 2)) =>
  buildServiceEvent(
    {
      eventSource: 'iam.amazonaws.com',
      eventName: name,
      principal: { type: 'IAMUser', principalId: `AIDA${user}`, arn: `arn:aws:iam::${ACCOUNT}:user/${user}`, accountId: ACCOUNT, userName: user },
      sourceIp: '127.0.0.1',
      requestId: name,
      readOnly: name.startsWith('Get'),
      resources: [{ type: 'AWS::IAM::Resource', ARN: `arn:aws:iam::${ACCOUNT}:user/target` }],
      decision: { decision: 'Allow', matched: [] },
      ...over,
    },
    { accountId: ACCOUNT, region: REGION, clock: { now: () => t } },
  );

/** As failed authentication is recorded: no policy decision. */
function unauthenticated(e: AuditEvent): AuditEvent {
  delete e.additionalEventData;
  return e;
}

describe('least privilege from the trail', () => {
  const events = [
    sampleEvent(1, { operation: 'GetObject', bucket: 'reports', time: Date.UTC(2026, 0, 1, 1) }),
    sampleEvent(2, { operation: 'GetObject', bucket: 'reports', time: Date.UTC(2026, 0, 1, 3) }),
    sampleEvent(3, { operation: 'PutObject', bucket: 'uploads', time: Date.UTC(2026, 0, 1, 2) }),
    sampleEvent(4, { operation: 'DeleteObject', bucket: 'reports', user: 'bob' }),
    iamEvent('GetUser', 'alice'),
    iamEvent('DeleteUser', 'alice', { decision: { decision: 'ImplicitDeny', matched: [] }, errorCode: 'AccessDenied' }),
    unauthenticated(iamEvent('ListUsers', 'alice', { errorCode: 'SignatureDoesNotMatch' })),
  ];

  it('counts only allowed requests of the user', () => {
    assert.equal(wasAllowed(events[5]!), false);
    assert.equal(wasAllowed(events[6]!), false);
    assert.equal(wasAllowed(events[0]!), true);
  });

  it('reports when each action was last used, newest first', async () => {
    const rows = await lastAccessed(stored(events), 'alice', s3Uses);
    assert.deepEqual(rows.map((r) => [r.action, r.requests, r.lastAccessed]), [
      ['iam:GetUser', 1, '2026-01-02T00:00:00Z'],
      ['s3:GetObject', 2, '2026-01-01T03:00:00Z'],
      ['s3:PutObject', 1, '2026-01-01T02:00:00Z'],
    ]);
    assert.equal(rows[1]?.lastResource, 'arn:aws:s3:::reports/patients/record-2.pdf');
    assert.deepEqual((await lastAccessed(stored(events), 'alice', s3Uses, { since: new Date(Date.UTC(2026, 0, 1, 2, 30)) })).map((r) => r.action), ['iam:GetUser', 's3:GetObject']);
  });

  it('generates a policy that allows exactly what was done, and nothing that was denied or done by others', async () => {
    const policy = await generatePolicy(stored(events), 'alice', s3Uses);
    const compiled = parsePolicy(policy, { id: 'generated', kind: 'identity' });
    const principal = { type: 'User' as const, accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/alice` };
    const allowed = (action: string, resource: string) => evaluate({ identity: [compiled] }, { action, resource, principal, keys: {} }).decision === 'Allow';
    assert.ok(allowed('s3:GetObject', 'arn:aws:s3:::reports/patients/record-1.pdf'));
    assert.ok(allowed('s3:PutObject', 'arn:aws:s3:::uploads/patients/record-3.pdf'));
    assert.ok(allowed('iam:GetUser', `arn:aws:iam::${ACCOUNT}:user/target`));
    assert.ok(!allowed('s3:GetObject', 'arn:aws:s3:::reports/other.pdf'), 'other keys stay denied');
    assert.ok(!allowed('s3:PutObject', 'arn:aws:s3:::reports/patients/record-1.pdf'), 'actions stay on their own resources');
    assert.ok(!allowed('iam:DeleteUser', `arn:aws:iam::${ACCOUNT}:user/target`), 'a denied request grants nothing');
    assert.ok(!allowed('s3:DeleteObject', 'arn:aws:s3:::reports/patients/record-4.pdf'), "another user's request grants nothing");
  });

  it('keeps few object ARNs exact, narrows many to their common prefix, and groups actions with the same resources', () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ action: 's3:GetObject', resource: `arn:aws:s3:::b/logs/2026/${i}.gz` }));
    const p = minimalPolicy([...many, { action: 's3:ListBucket', resource: 'arn:aws:s3:::b' }, { action: 's3:GetBucketLocation', resource: 'arn:aws:s3:::b' }]);
    assert.deepEqual(p.Statement.map((s) => [s.Action, s.Resource]), [
      [['s3:GetBucketLocation', 's3:ListBucket'], ['arn:aws:s3:::b']],
      [['s3:GetObject'], ['arn:aws:s3:::b/logs/2026/*']],
    ]);
  });
});
