/**
 * LookupEvents over the trail, newest first, for the future CloudTrail API (reference §1.7).
 *
 *   filter: StartTime <= eventTime <= EndTime, and at most one LookupAttribute
 *   page:   MaxResults (1..50, default 50); NextToken = b64url(payload) "." b64url(HMAC)
 *           payload = {v:1, q: H(normalised query without paging), b: smallest index returned}
 *           HMAC    = HMAC-SHA256(deriveKey(master, "audit-mac/v1"), "lookup-token/v1\n" || payload)
 *   A token used with other parameters, altered or forged is rejected ('audit.invalid_next_token').
 * Cost today: a scan of the segments older than the cursor (no index yet).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { deriveKey, type MasterKey } from '../crypto/index.js';
import { CofferError } from '../shared/index.js';
import { usernameOf, type AuditEvent } from './event.js';
import { readAuditEvents } from './read-events.js';

export type LookupAttributeKey = 'EventId' | 'EventName' | 'ReadOnly' | 'Username' | 'ResourceType' | 'ResourceName' | 'EventSource' | 'AccessKeyId';
const KEYS = new Set<string>(['EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId']);

export interface LookupEventsInput {
  startTime?: Date;
  endTime?: Date;
  /** At most one attribute, as on AWS. */
  lookupAttributes?: readonly { AttributeKey: LookupAttributeKey; AttributeValue: string }[];
  /** 1..50, default 50. */
  maxResults?: number;
  nextToken?: string;
}

/** One result, shaped like CloudTrail's LookupEvents `Events[]` member. */
export interface LookedUpEvent {
  EventId: string;
  EventName: string;
  ReadOnly: 'true' | 'false';
  AccessKeyId?: string;
  EventTime: Date;
  EventSource: string;
  Username?: string;
  Resources: { ResourceType: string; ResourceName: string }[];
  /** The whole (redacted) record as a JSON string. */
  CloudTrailEvent: string;
}

export interface LookupEventsOutput {
  events: LookedUpEvent[];
  nextToken?: string;
}

function invalid(code: string, message: string): CofferError {
  return new CofferError(`audit.${code}`, { message });
}

function matches(e: AuditEvent, attr: { AttributeKey: string; AttributeValue: string } | undefined): boolean {
  if (!attr) return true;
  const v = attr.AttributeValue;
  switch (attr.AttributeKey) {
    case 'EventId':
      return e.eventID === v;
    case 'EventName':
      return e.eventName === v;
    case 'ReadOnly':
      return String(e.readOnly) === v;
    case 'Username':
      return usernameOf(e.userIdentity) === v;
    case 'AccessKeyId':
      return e.userIdentity.accessKeyId === v;
    case 'EventSource':
      return e.eventSource === v;
    case 'ResourceType':
      return (e.resources ?? []).some((r) => r.type === v);
    case 'ResourceName':
      return (e.resources ?? []).some((r) => r.ARN === v || r.ARN.slice(r.ARN.indexOf(':::') + 3) === v);
    default:
      return false;
  }
}

function toLookedUp(e: AuditEvent): LookedUpEvent {
  const username = usernameOf(e.userIdentity);
  return {
    EventId: e.eventID,
    EventName: e.eventName,
    ReadOnly: e.readOnly ? 'true' : 'false',
    ...(e.userIdentity.accessKeyId ? { AccessKeyId: e.userIdentity.accessKeyId } : {}),
    EventTime: new Date(e.eventTime),
    EventSource: e.eventSource,
    ...(username !== undefined ? { Username: username } : {}),
    Resources: (e.resources ?? []).map((r) => ({ ResourceType: r.type, ResourceName: r.ARN })),
    CloudTrailEvent: JSON.stringify(e),
  };
}

export async function lookupEvents(dir: string, masterKey: MasterKey, input: LookupEventsInput = {}): Promise<LookupEventsOutput> {
  const attrs = input.lookupAttributes ?? [];
  if (attrs.length > 1) throw invalid('invalid_lookup_attributes', 'at most one lookup attribute is supported');
  const attr = attrs[0];
  if (attr && (!KEYS.has(attr.AttributeKey) || typeof attr.AttributeValue !== 'string' || attr.AttributeValue.length < 1 || attr.AttributeValue.length > 2000)) {
    throw invalid('invalid_lookup_attributes', 'lookup attribute key or value is invalid');
  }
  const start = input.startTime?.getTime() ?? -Infinity;
  const end = input.endTime?.getTime() ?? Infinity;
  if (Number.isNaN(start) || Number.isNaN(end) || start > end) throw invalid('invalid_time_range', 'start time must not be after end time');
  const max = input.maxResults ?? 50;
  if (!Number.isInteger(max) || max < 1 || max > 50) throw invalid('invalid_max_results', 'MaxResults must be between 1 and 50');
  const macKey = deriveKey(masterKey, 'audit-mac/v1');
  const query = createHash('sha256')
    .update(JSON.stringify([input.startTime?.getTime() ?? null, input.endTime?.getTime() ?? null, attr?.AttributeKey ?? null, attr?.AttributeValue ?? null]))
    .digest('base64url');
  const before = input.nextToken !== undefined ? openToken(input.nextToken, macKey, query) : undefined;

  const events: LookedUpEvent[] = [];
  let last = -1;
  let more = false;
  for await (const { index, event } of readAuditEvents(dir, masterKey, { reverse: true, ...(before !== undefined ? { beforeIndex: before } : {}) })) {
    const t = Date.parse(event.eventTime);
    if (t < start || t > end || !matches(event, attr)) continue;
    if (events.length === max) {
      more = true;
      break;
    }
    events.push(toLookedUp(event));
    last = index;
  }
  return { events, ...(more ? { nextToken: sealToken(macKey, query, last) } : {}) };
}

function tokenMac(macKey: Buffer, payload: string): Buffer {
  return createHmac('sha256', macKey).update(`lookup-token/v1\n${payload}`).digest();
}

function sealToken(macKey: Buffer, query: string, before: number): string {
  const payload = Buffer.from(JSON.stringify({ v: 1, q: query, b: before })).toString('base64url');
  return `${payload}.${tokenMac(macKey, payload).toString('base64url')}`;
}

function openToken(token: string, macKey: Buffer, query: string): number {
  const bad = () => invalid('invalid_next_token', 'NextToken is invalid or was issued for other parameters');
  const [payload, mac, extra] = token.split('.');
  if (!payload || !mac || extra !== undefined || token.length > 1024) throw bad();
  const given = Buffer.from(mac, 'base64url');
  const want = tokenMac(macKey, payload);
  if (given.length !== want.length || !timingSafeEqual(given, want)) throw bad();
  let p: { v?: unknown; q?: unknown; b?: unknown };
  try {
    p = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof p;
  } catch {
    throw bad();
  }
  if (p.v !== 1 || p.q !== query || typeof p.b !== 'number' || !Number.isInteger(p.b) || p.b < 0) throw bad();
  return p.b;
}
