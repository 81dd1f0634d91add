/**
 * The free-form field guard (src/guards) for the services on the service route: the names,
 * descriptions, aliases and tags that KMS, STS and Macie store are checked after the
 * signature and before the handler, so a refused request changes nothing. The refusal is the
 * service's validation error naming the field and the kind of data, never the value; in warn
 * mode the request runs and its event carries the findings (no values).
 *
 *   fields = extract(operation, body)          // [field name, value, options]
 *   for f in fields: session.check(f)          // reject: throw guards.sensitive_field
 *   reply = def.handle(call); reply.audit.additionalEventData.guardFindings = session.findings
 */
import type { IncomingMessage } from 'node:http';
import { isCofferError } from '../shared/index.js';
import { IAM_HINT, type CheckOptions, type FieldGuard } from '../guards/index.js';
import { protocolError, type ServiceDefinition } from './service-route.js';

export type GuardedField = [field: string, value: string, opts?: CheckOptions];
type Extract = (operation: string, body: Buffer, req: IncomingMessage) => GuardedField[];

const HINT = IAM_HINT;

function operationOf(def: ServiceDefinition, req: IncomingMessage, body: Buffer): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.slice(target.lastIndexOf('.') + 1);
  if (def.eventNameOf) return def.eventNameOf(req, body);
  try {
    return new URLSearchParams(body.toString('utf8')).get('Action') ?? '';
  } catch {
    return '';
  }
}

function json(body: Buffer): Record<string, unknown> {
  try {
    const v = JSON.parse(body.toString('utf8')) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const str = (v: unknown): v is string => typeof v === 'string';

function tagList(tags: unknown, keyName: string, valueName: string): GuardedField[] {
  const out: GuardedField[] = [];
  if (!Array.isArray(tags)) return out;
  tags.forEach((t: Record<string, unknown>, i) => {
    if (str(t?.[keyName])) out.push([`tag key (tag ${i + 1})`, t[keyName] as string]);
    if (str(t?.[valueName])) out.push([`tag value (tag ${i + 1})`, t[valueName] as string, { context: str(t?.[keyName]) ? [t[keyName] as string] : [], value: true }]);
  });
  return out;
}

function tagMap(tags: unknown): GuardedField[] {
  if (tags === null || typeof tags !== 'object' || Array.isArray(tags)) return [];
  const out: GuardedField[] = [];
  Object.entries(tags as Record<string, unknown>).forEach(([k, v], i) => {
    out.push([`tag key (tag ${i + 1})`, k]);
    if (str(v)) out.push([`tag value (tag ${i + 1})`, v, { context: [k], value: true }]);
  });
  return out;
}

/** KMS: key descriptions, aliases and tags. */
export const kmsFields: Extract = (op, body) => {
  const b = json(body);
  const out: GuardedField[] = [];
  if ((op === 'CreateKey' || op === 'UpdateKeyDescription') && str(b.Description)) out.push(['Description', b.Description, { value: true }]);
  if ((op === 'CreateAlias' || op === 'UpdateAlias') && str(b.AliasName)) out.push(['AliasName', b.AliasName]);
  if (op === 'CreateKey' || op === 'TagResource') out.push(...tagList(b.Tags, 'TagKey', 'TagValue'));
  return out;
};

/** STS: the role session name (it becomes part of the assumed-role ARN, in every log). */
export const stsFields: Extract = (op, body) => {
  if (op !== 'AssumeRole') return [];
  const p = new URLSearchParams(body.toString('utf8'));
  const name = p.get('RoleSessionName');
  return name === null ? [] : [['RoleSessionName', name]];
};

/** Macie: job, custom identifier and allow list names, descriptions and tags. */
export const macieFields: Extract = (op, body) => {
  if (!/^(Create|Update|Tag)/.test(op)) return [];
  const b = json(body);
  const out: GuardedField[] = [];
  if (str(b.name)) out.push(['name', b.name]);
  if (str(b.description)) out.push(['description', b.description, { value: true }]);
  out.push(...tagMap(b.tags));
  return out;
};

/** The definition with its stored free-form fields checked before the handler runs. */
export function withFieldGuard(def: ServiceDefinition, guard: FieldGuard, extract: Extract): ServiceDefinition {
  return {
    ...def,
    async handle(call) {
      const op = operationOf(def, call.req, call.body);
      const session = guard.session({ hint: HINT });
      try {
        for (const [field, value, opts] of extract(op, call.body, call.req)) session.check(field, value, opts);
      } catch (err) {
        if (!isCofferError(err, 'guards.sensitive_field')) throw err;
        const code = def.protocol.kind === 'query' ? 'ValidationError' : 'ValidationException';
        const r = protocolError(def, 400, code, err.message, call.requestId);
        return { ...r, audit: { eventName: op || 'Unknown', readOnly: false, errorCode: code, errorMessage: err.message, secrets: [...session.sensitive] } };
      }
      const reply = await def.handle(call);
      if (session.findings.length === 0) return reply;
      return {
        ...reply,
        audit: {
          ...reply.audit,
          additionalEventData: { ...(reply.audit.additionalEventData ?? {}), guardFindings: [...session.findings] },
          secrets: [...(reply.audit.secrets ?? []), ...session.sensitive],
        },
      };
    },
  };
}
