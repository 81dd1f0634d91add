/**
 * LookupEvents over the trail, newest first, for the CloudTrail API (reference §1.7).
 *
 *   filter: StartTime <= eventTime <= EndTime, and at most one LookupAttribute
 *   page:   MaxResults (1..50, default 50); NextToken = b64url(payload) "." b64url(HMAC)
 *           payload = {v:1, q: H(normalised query without paging), b: smallest index returned}
 *           HMAC    = HMAC-SHA256(deriveKey(master, "audit-mac/v1"), "lookup-token/v1\n" || payload)
 *   A token used with other parameters, altered or forged is rejected ('audit.invalid_next_token').
 * Sources: `lookupEvents` scans the segments (offline tools); a running trail answers from its
 * page-encrypted index (event-index.ts) through the same validation and cursor code.
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

/** The short name a ResourceName lookup also matches: S3 `bucket[/key]`, else the last path or colon part. */
export function resourceNameOf(arn: string): string {
  const s3 = arn.indexOf(':::');
  if (s3 >= 0) return arn.slice(s3 + 3);
  return arn.slice(Math.max(arn.lastIndexOf('/'), arn.lastIndexOf(':')) + 1);
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
      return (e.resources ?? []).some((r) => r.ARN === v || resourceNameOf(r.ARN) === v);
    default:
      return false;
  }
}

function toLookedUp(e: AuditEvent, json?: string): LookedUpEvent {
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
    CloudTrailEvent: json ?? JSON.stringify(e),
  };
}

/** One validated query, as a source (segment scan or the lookup index) answers it. */
export interface LookupQuery {
  attr?: { AttributeKey: LookupAttributeKey; AttributeValue: string };
  /** Inclusive bounds in ms since the epoch (-Infinity/Infinity when open). */
  startMs: number;
  endMs: number;
  /** Only records with a smaller log index (the cursor). */
  beforeIndex?: number;
  /** Return at most this many rows, newest first. */
  limit: number;
}

/** Matching records newest first; `json` is the stored event (CloudTrailEvent) when the source has it. */
export type LookupSource = (q: LookupQuery) => Promise<{ index: number; event: AuditEvent; json?: string }[]>;

/** Validates `input`, asks `source` for one page (plus one row to know if there is more) and seals the cursor. */
export async function runLookup(masterKey: MasterKey, input: LookupEventsInput, source: LookupSource): Promise<LookupEventsOutput> {
  const attrs = input.lookupAttributes ?? [];
  if (!Array.isArray(attrs) || attrs.length > 1) throw invalid('invalid_lookup_attributes', 'at most one lookup attribute is supported');
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
  const rows = await source({ ...(attr ? { attr } : {}), startMs: start, endMs: end, ...(before !== undefined ? { beforeIndex: before } : {}), limit: max + 1 });
  const page = rows.slice(0, max);
  const more = rows.length > max;
  const last = page[page.length - 1];
  return { events: page.map((r) => toLookedUp(r.event, r.json)), ...(more && last ? { nextToken: sealToken(macKey, query, last.index) } : {}) };
}

/** Offline LookupEvents: scans the segments newest first (no index; used by tools and tests). */
export function lookupEvents(dir: string, masterKey: MasterKey, input: LookupEventsInput = {}): Promise<LookupEventsOutput> {
  return runLookup(masterKey, input, async (q) => {
    const out: { index: number; event: AuditEvent }[] = [];
    for await (const { index, event } of readAuditEvents(dir, masterKey, { reverse: true, ...(q.beforeIndex !== undefined ? { beforeIndex: q.beforeIndex } : {}) })) {
      const t = Date.parse(event.eventTime);
      if (t < q.startMs || t > q.endMs || !matches(event, q.attr)) continue;
      out.push({ index, event });
      if (out.length === q.limit) break;
    }
    return out;
  });
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
