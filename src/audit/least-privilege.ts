/**
 * Least privilege from evidence: what a user actually did, read from the trail.
 *
 *   uses(e)        = the IAM actions and resources a request needed (a resolver supplied by the
 *                    caller maps S3 operations through the operation table; other services use
 *                    eventSource prefix + eventName and the event's resources, else "*")
 *   counted        = events of the user (userIdentity.userName, IAM user or its sessions) that
 *                    were allowed: policy decision Allow, or no error at all; denied requests and
 *                    failed authentication never widen a policy
 *   last-accessed  = per action: newest eventTime, number of requests, last resource
 *   generate       = per action the set of resources used; S3 object ARNs of one bucket are kept
 *                    exact up to MAX_EXACT, else narrowed to bucket/<longest common key prefix>*;
 *                    actions with identical resource sets share one statement
 * Data events are included (S3 reads and writes), unlike AWS Access Analyzer's policy generation.
 */
import type { AuditEvent, StoredEvent } from './event.js';

export interface ActionUse {
  /** IAM action, e.g. 's3:GetObject'. */
  action: string;
  /** ARN, or '*'. */
  resource: string;
}

/** Maps one event to the actions it needed. */
export type ActionResolver = (e: AuditEvent) => ActionUse[];

export interface LastAccessedEntry {
  action: string;
  /** eventTime of the newest allowed request. */
  lastAccessed: string;
  requests: number;
  lastResource: string;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: { Sid: string; Effect: 'Allow'; Action: string[]; Resource: string[] }[];
}

const MAX_EXACT = 10;

/** Whether the event is a request made by IAM user `user` (with its keys or its STS sessions). */
export function isByUser(e: AuditEvent, user: string): boolean {
  return e.userIdentity.type === 'IAMUser' && e.userIdentity.userName === user;
}

/** Whether the request was authorised (denied and unauthenticated requests are not evidence of need). */
export function wasAllowed(e: AuditEvent): boolean {
  const decision = (e.additionalEventData?.policyDecision as { decision?: string } | undefined)?.decision;
  if (decision !== undefined) return decision === 'Allow';
  return e.errorCode === undefined;
}

/** Resolver for non-S3 services: `<service>:<eventName>` on the event's resources, else '*'. */
export function serviceActionUses(e: AuditEvent): ActionUse[] {
  const service = e.eventSource.replace(/\.amazonaws\.com$/, '');
  const resources = (e.resources ?? []).map((r) => r.ARN).filter((a) => a.startsWith('arn:'));
  return (resources.length ? resources : ['*']).map((resource) => ({ action: `${service}:${e.eventName}`, resource }));
}

async function* selected(events: AsyncIterable<StoredEvent>, user: string, sinceMs: number): AsyncGenerator<AuditEvent> {
  for await (const { event } of events) {
    if (isByUser(event, user) && wasAllowed(event) && Date.parse(event.eventTime) >= sinceMs) yield event;
  }
}

/** When each action was last used by `user`, newest first. */
export async function lastAccessed(events: AsyncIterable<StoredEvent>, user: string, resolve: ActionResolver, opts: { since?: Date } = {}): Promise<LastAccessedEntry[]> {
  const by = new Map<string, LastAccessedEntry>();
  for await (const e of selected(events, user, opts.since?.getTime() ?? -Infinity)) {
    for (const u of resolve(e)) {
      const cur = by.get(u.action);
      if (!cur) by.set(u.action, { action: u.action, lastAccessed: e.eventTime, requests: 1, lastResource: u.resource });
      else {
        cur.requests += 1;
        if (e.eventTime >= cur.lastAccessed) {
          cur.lastAccessed = e.eventTime;
          cur.lastResource = u.resource;
        }
      }
    }
  }
  return [...by.values()].sort((a, b) => (a.lastAccessed === b.lastAccessed ? a.action.localeCompare(b.action) : a.lastAccessed < b.lastAccessed ? 1 : -1));
}

function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}

/** S3 object ARNs of one bucket: exact when few, else one prefix pattern; other ARNs unchanged. */
function compact(resources: Set<string>): string[] {
  if (resources.has('*')) return ['*'];
  const objects = new Map<string, string[]>();
  const out = new Set<string>();
  for (const r of resources) {
    const m = /^arn:aws:s3:::([^/]+)\/(.*)$/.exec(r);
    if (!m) out.add(r);
    else objects.set(m[1] as string, [...(objects.get(m[1] as string) ?? []), m[2] as string]);
  }
  for (const [bucket, keys] of objects) {
    if (keys.length <= MAX_EXACT) for (const k of keys) out.add(`arn:aws:s3:::${bucket}/${k}`);
    else out.add(`arn:aws:s3:::${bucket}/${keys.reduce(commonPrefix)}*`);
  }
  return [...out].sort();
}

/** The smallest identity policy that allows every use in `uses` (grouped by identical resources). */
export function minimalPolicy(uses: Iterable<ActionUse>): PolicyDocument {
  const byAction = new Map<string, Set<string>>();
  for (const u of uses) byAction.set(u.action, (byAction.get(u.action) ?? new Set()).add(u.resource));
  const groups = new Map<string, { actions: string[]; resources: string[] }>();
  for (const [action, set] of [...byAction].sort(([a], [b]) => a.localeCompare(b))) {
    const resources = compact(set);
    const key = JSON.stringify(resources);
    const g = groups.get(key) ?? { actions: [], resources };
    g.actions.push(action);
    groups.set(key, g);
  }
  const statements = [...groups.values()].sort((a, b) => (a.actions[0] as string).localeCompare(b.actions[0] as string));
  return {
    Version: '2012-10-17',
    Statement: statements.map((g, i) => ({ Sid: `Observed${i + 1}`, Effect: 'Allow', Action: g.actions, Resource: g.resources })),
  };
}

/** The smallest policy allowing everything `user` was allowed to do since `since`. */
export async function generatePolicy(events: AsyncIterable<StoredEvent>, user: string, resolve: ActionResolver, opts: { since?: Date } = {}): Promise<PolicyDocument> {
  const uses: ActionUse[] = [];
  for await (const e of selected(events, user, opts.since?.getTime() ?? -Infinity)) uses.push(...resolve(e));
  return minimalPolicy(uses);
}
