/**
 * The CloudTrail API (awsJson 1.1, X-Amz-Target com.amazonaws.cloudtrail.v20131101.
 * CloudTrail_20131101.<Operation>), read side only: LookupEvents over the audit trail.
 *
 *   target  -> LookupEvents, else UnknownOperationException (no API edits or deletes events:
 *              CloudTrail has none, and Coffer adds none; root included)
 *   authz   -> cloudtrail:LookupEvents on "*" with the caller's identity policies (fail closed)
 *   input   -> LookupAttributes (at most one), StartTime/EndTime (epoch seconds), MaxResults
 *              (1..50), NextToken (MAC'd cursor bound to the other parameters), EventCategory
 *   output  -> {Events:[{EventId, EventName, ReadOnly "true"|"false", AccessKeyId, EventTime (epoch
 *              seconds), EventSource, Username, Resources[{ResourceType, ResourceName}],
 *              CloudTrailEvent (the stored record as a JSON string)}], NextToken}
 * Unlike AWS, data events (S3 object reads and writes) are returned too: Coffer records them by default.
 */
import type { AuthenticatedRequest } from '../../auth/index.js';
import type { LookupEventsInput, LookupEventsOutput, LookupAttributeKey } from '../../audit/index.js';
import type { ContextValue } from '../../iam/policy/index.js';
import { evaluateForPrincipal } from '../iam/index.js';

export const CLOUDTRAIL_TARGET_PREFIX = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.';

export interface CloudTrailHandlerDeps {
  /** LookupEvents over the trail (the running trail's indexed lookup). */
  lookup(input: LookupEventsInput): Promise<LookupEventsOutput>;
}

export interface CloudTrailRequest {
  auth: AuthenticatedRequest;
  target: string | undefined;
  body: Buffer;
  conditionKeys: Readonly<Record<string, ContextValue>>;
}

export interface CloudTrailResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  audit: {
    eventName: string;
    readOnly: boolean;
    requestParameters: Record<string, unknown> | null;
    errorCode?: string;
    errorMessage?: string;
    decision?: { decision: string; matched: readonly { policyId: string; sid?: string | undefined; effect: string }[] };
  };
}

const JSON_TYPE = { 'content-type': 'application/x-amz-json-1.1' };

/** CofferError codes of the lookup -> CloudTrail exception names (all HTTP 400). */
const ERRORS: Record<string, string> = {
  'audit.invalid_lookup_attributes': 'InvalidLookupAttributesException',
  'audit.invalid_time_range': 'InvalidTimeRangeException',
  'audit.invalid_max_results': 'InvalidMaxResultsException',
  'audit.invalid_next_token': 'InvalidNextTokenException',
};

class InputError extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
  }
}

function timeOf(v: unknown, name: string): Date | undefined {
  if (v === undefined || v === null) return undefined;
  const d = typeof v === 'number' ? new Date(v * 1000) : typeof v === 'string' ? new Date(/^\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : v) : new Date(NaN);
  if (Number.isNaN(d.getTime())) throw new InputError('InvalidTimeRangeException', `${name} is not a valid timestamp`);
  return d;
}

/** Parses the JSON body into lookup input plus what the trail may record about the request. */
function parseInput(body: Buffer): { input: LookupEventsInput; recorded: Record<string, unknown>; insightsOnly: boolean } {
  let raw: unknown;
  try {
    raw = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    throw new InputError('SerializationException', 'The request body is not valid JSON.');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InputError('SerializationException', 'The request body must be a JSON object.');
  const r = raw as Record<string, unknown>;
  const input: LookupEventsInput = {};
  const recorded: Record<string, unknown> = {};
  if (r.LookupAttributes !== undefined) {
    const list = r.LookupAttributes;
    if (!Array.isArray(list) || !list.every((a) => typeof a === 'object' && a !== null && typeof (a as Record<string, unknown>).AttributeKey === 'string' && typeof (a as Record<string, unknown>).AttributeValue === 'string')) {
      throw new InputError('InvalidLookupAttributesException', 'LookupAttributes must be a list of {AttributeKey, AttributeValue}.');
    }
    input.lookupAttributes = list.map((a) => ({ AttributeKey: (a as { AttributeKey: string }).AttributeKey as LookupAttributeKey, AttributeValue: (a as { AttributeValue: string }).AttributeValue }));
    recorded.lookupAttributes = input.lookupAttributes.map((a) => ({ attributeKey: a.AttributeKey, attributeValue: a.AttributeValue.slice(0, 2000) }));
  }
  const start = timeOf(r.StartTime, 'StartTime');
  const end = timeOf(r.EndTime, 'EndTime');
  if (start) {
    input.startTime = start;
    recorded.startTime = start.toISOString();
  }
  if (end) {
    input.endTime = end;
    recorded.endTime = end.toISOString();
  }
  if (r.MaxResults !== undefined) {
    if (typeof r.MaxResults !== 'number') throw new InputError('InvalidMaxResultsException', 'MaxResults must be a number.');
    input.maxResults = r.MaxResults;
    recorded.maxResults = r.MaxResults;
  }
  if (r.NextToken !== undefined) {
    if (typeof r.NextToken !== 'string') throw new InputError('InvalidNextTokenException', 'NextToken must be a string.');
    input.nextToken = r.NextToken;
  }
  let insightsOnly = false;
  if (r.EventCategory !== undefined) {
    if (r.EventCategory !== 'insight') throw new InputError('InvalidEventCategoryException', 'EventCategory must be insight.');
    insightsOnly = true;
    recorded.eventCategory = 'insight';
  }
  return { input, recorded, insightsOnly };
}

function render(out: LookupEventsOutput): string {
  return JSON.stringify({
    Events: out.events.map((e) => ({
      EventId: e.EventId,
      EventName: e.EventName,
      ReadOnly: e.ReadOnly,
      ...(e.AccessKeyId !== undefined ? { AccessKeyId: e.AccessKeyId } : {}),
      EventTime: e.EventTime.getTime() / 1000,
      EventSource: e.EventSource,
      ...(e.Username !== undefined ? { Username: e.Username } : {}),
      Resources: e.Resources,
      CloudTrailEvent: e.CloudTrailEvent,
    })),
    ...(out.nextToken !== undefined ? { NextToken: out.nextToken } : {}),
  });
}

/** Builds the handler; it never throws (every failure is a JSON error reply with its audit entry). */
export function createCloudTrailHandler(deps: CloudTrailHandlerDeps): (req: CloudTrailRequest) => Promise<CloudTrailResponse> {
  return async (req) => {
    const operation = req.target?.startsWith(CLOUDTRAIL_TARGET_PREFIX) ? req.target.slice(CLOUDTRAIL_TARGET_PREFIX.length) : '';
    const eventName = /^[A-Za-z0-9]{1,64}$/.test(operation) ? operation : 'Unknown';
    const error = (status: number, type: string, message: string, audit: Partial<CloudTrailResponse['audit']> = {}): CloudTrailResponse => ({
      status,
      headers: { ...JSON_TYPE, 'x-amzn-errortype': type },
      body: JSON.stringify({ __type: type, message }),
      audit: { eventName, readOnly: true, requestParameters: null, ...audit, errorCode: type, errorMessage: message },
    });
    if (operation !== 'LookupEvents') return error(400, 'UnknownOperationException', 'The operation is not supported by this server.');
    const decision = evaluateForPrincipal(req.auth.principal, { action: 'cloudtrail:LookupEvents', resource: '*', conditionKeys: req.conditionKeys });
    const decided = { decision: decision.decision, matched: decision.matched };
    if (decision.decision !== 'Allow') {
      return error(400, 'AccessDeniedException', 'User is not authorized to perform: cloudtrail:LookupEvents', { decision: decided });
    }
    let parsed: ReturnType<typeof parseInput>;
    try {
      parsed = parseInput(req.body);
    } catch (e) {
      if (e instanceof InputError) return error(400, e.type, e.message, { decision: decided });
      throw e;
    }
    const audit = { eventName, readOnly: true, requestParameters: Object.keys(parsed.recorded).length ? parsed.recorded : null, decision: decided };
    if (parsed.insightsOnly) return { status: 200, headers: JSON_TYPE, body: JSON.stringify({ Events: [] }), audit };
    try {
      const out = await deps.lookup(parsed.input);
      return { status: 200, headers: JSON_TYPE, body: render(out), audit };
    } catch (e) {
      const type = ERRORS[(e as { code?: string }).code ?? ''];
      if (type) return error(400, type, (e as Error).message, audit);
      throw e;
    }
  };
}
