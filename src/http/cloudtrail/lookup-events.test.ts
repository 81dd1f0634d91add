import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthenticatedRequest } from '../../auth/index.js';
import type { LookupEventsInput, LookupEventsOutput } from '../../audit/index.js';
import { parsePolicy } from '../../iam/policy/index.js';
import { CofferError } from '../../shared/index.js';
import { CLOUDTRAIL_TARGET_PREFIX, createCloudTrailHandler } from './lookup-events.js';

const ACCOUNT = '123456789012';
/** An authenticated IAM user whose identity policy allows `actions`. */
function caller(actions: string[]): AuthenticatedRequest {
  const policy = parsePolicy({ Version: '2012-10-17', Statement: actions.length ? [{ Effect: 'Allow', Action: actions, Resource: '*' }] : [] }, { id: 'user/u/inline/p', kind: 'identity' });
  const principal = { type: 'User', id: 'AIDAU', arn: `arn:aws:iam::${ACCOUNT}:user/u`, accountId: ACCOUNT, userName: 'u', tags: {}, policies: { identity: [policy], boundary: null } };
  return { accessKeyId: 'AKIAU', principal } as unknown as AuthenticatedRequest;
}

describe('CloudTrail LookupEvents handler', () => {
  const seen: LookupEventsInput[] = [];
  const lookup = async (input: LookupEventsInput): Promise<LookupEventsOutput> => {
    seen.push(input);
    if (input.nextToken === 'bad') throw new CofferError('audit.invalid_next_token', { message: 'NextToken is invalid' });
    return { events: [{ EventId: 'e1', EventName: 'PutObject', ReadOnly: 'false', EventTime: new Date(1_767_225_723_500), EventSource: 's3.amazonaws.com', Username: 'u', Resources: [], CloudTrailEvent: '{}' }], nextToken: 'next' };
  };
  const handle = createCloudTrailHandler({ lookup });
  const call = (body: unknown, opts: { target?: string; actions?: string[] } = {}) =>
    handle({ auth: caller(opts.actions ?? ['cloudtrail:LookupEvents']), target: opts.target ?? `${CLOUDTRAIL_TARGET_PREFIX}LookupEvents`, body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), conditionKeys: {} });

  it('denies a caller without cloudtrail:LookupEvents before reading anything', async () => {
    seen.length = 0;
    const r = await call({}, { actions: ['s3:GetObject'] });
    assert.equal(r.status, 400);
    assert.equal(JSON.parse(r.body).__type, 'AccessDeniedException');
    assert.equal(r.audit.decision?.decision, 'ImplicitDeny');
    assert.equal(seen.length, 0);
  });

  it('passes attributes, epoch-second times and paging through, and answers in CloudTrail shape', async () => {
    const r = await call({ LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'u' }], StartTime: 1_767_225_600, EndTime: 1_767_229_200.5, MaxResults: 5, NextToken: 'tok' });
    assert.equal(r.status, 200);
    const input = seen.at(-1)!;
    assert.deepEqual(input.lookupAttributes, [{ AttributeKey: 'Username', AttributeValue: 'u' }]);
    assert.equal(input.startTime?.toISOString(), '2026-01-01T00:00:00.000Z');
    assert.equal(input.endTime?.getTime(), 1_767_229_200_500);
    assert.equal(input.maxResults, 5);
    assert.equal(input.nextToken, 'tok');
    const out = JSON.parse(r.body);
    assert.equal(out.NextToken, 'next');
    assert.equal(out.Events[0].EventTime, 1_767_225_723.5);
    assert.equal(out.Events[0].ReadOnly, 'false');
    assert.equal(r.audit.readOnly, true);
    assert.ok(!('nextToken' in (r.audit.requestParameters ?? {})));
  });

  it("maps errors to CloudTrail's exception names", async () => {
    const type = async (body: unknown, target?: string) => JSON.parse((await call(body, target ? { target } : {})).body).__type as string;
    assert.equal(await type('{not json'), 'SerializationException');
    assert.equal(await type({ LookupAttributes: 'x' }), 'InvalidLookupAttributesException');
    assert.equal(await type({ MaxResults: '5' }), 'InvalidMaxResultsException');
    assert.equal(await type({ StartTime: 'yesterday' }), 'InvalidTimeRangeException');
    assert.equal(await type({ EventCategory: 'management' }), 'InvalidEventCategoryException');
    assert.equal(await type({ NextToken: 'bad' }), 'InvalidNextTokenException');
    assert.equal(await type({}, `${CLOUDTRAIL_TARGET_PREFIX}DeleteTrail`), 'UnknownOperationException');
    assert.equal(await type({}, `${CLOUDTRAIL_TARGET_PREFIX}StopLogging`), 'UnknownOperationException');
  });

  it('returns no events for EventCategory insight (Coffer has no Insights events)', async () => {
    const r = await call({ EventCategory: 'insight' });
    assert.deepEqual(JSON.parse(r.body), { Events: [] });
  });
});
