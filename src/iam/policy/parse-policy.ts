/**
 * Parses, validates and compiles a policy document (AWS IAM policy grammar).
 *
 * Strict mode (the default, used when a policy is saved) rejects every unknown element,
 * operator and condition key with 'iam.malformed_policy', naming each problem. Lenient mode
 * (for documents already stored) compiles unknown operators and keys into conditions that
 * fail closed: they can never make an Allow apply, and always make a Deny apply.
 */
import { CofferError } from '../../shared/index.js';
import { isMultiValuedKey, keyType, normalizeKey } from './condition-keys.js';
import { parseCidr, parseDate, parseNumber, parseOperator, type Family } from './operators.js';
import { parseTemplate, templateVariables, TemplateSyntaxError, type GlobMode } from './template.js';
import type { CompiledCondition, CompiledPolicy, CompiledStatement, CompiledValue, PolicyKind, PrincipalMatcher, Template } from './types.js';

export interface ParsePolicyOptions {
  /** Identifier reported in decisions (e.g. the policy ARN, or 'user/alice/inline/Name'). */
  id: string;
  kind: PolicyKind;
  /** Largest document, in characters not counting whitespace (AWS's measure). */
  maxLength?: number;
  /** Reject unknown operators and keys (default). False compiles them to fail-closed conditions. */
  strict?: boolean;
}

const TOP = new Set(['Version', 'Id', 'Statement']);
const STATEMENT = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
const PRINCIPAL_TYPES = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);
const ACTION_RE = /^[A-Za-z0-9-]+:[A-Za-z0-9*?_-]+$/;

class Problems {
  readonly list: string[] = [];
  add(msg: string): void {
    if (this.list.length < 20) this.list.push(msg);
  }
}

function malformed(problems: string[]): CofferError {
  return new CofferError('iam.malformed_policy', { message: problems.join('; '), details: { problems } });
}

/** Parses a policy (JSON text or an already-parsed value). Throws 'iam.malformed_policy'. */
export function parsePolicy(document: unknown, options: ParsePolicyOptions): CompiledPolicy {
  const strict = options.strict ?? true;
  let doc = document;
  if (typeof document === 'string') {
    if (options.maxLength !== undefined && document.replace(/\s+/g, '').length > options.maxLength) {
      throw new CofferError('iam.policy_too_large', { message: `Cannot exceed quota for PolicySize: ${options.maxLength}` });
    }
    try {
      doc = JSON.parse(document);
    } catch {
      throw malformed(['Syntax errors in policy: the document is not valid JSON']);
    }
  }
  const problems = new Problems();
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw malformed(['The policy must be a JSON object']);
  const obj = doc as Record<string, unknown>;
  for (const k of Object.keys(obj)) if (!TOP.has(k)) problems.add(`Unknown element '${k}' in the policy`);
  let version: CompiledPolicy['version'] = '2008-10-17';
  if (obj.Version !== undefined) {
    if (obj.Version === '2012-10-17' || obj.Version === '2008-10-17') version = obj.Version;
    else problems.add(`The policy Version must be 2012-10-17 or 2008-10-17`);
  }
  if (obj.Id !== undefined && typeof obj.Id !== 'string') problems.add('Id must be a string');
  const raw = obj.Statement;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  if (list.length === 0) problems.add('The policy must contain at least one Statement');
  const statements: CompiledStatement[] = [];
  const sids = new Set<string>();
  list.forEach((st, i) => {
    const compiled = compileStatement(st, i, { kind: options.kind, variables: version === '2012-10-17', strict }, problems);
    if (compiled?.sid) {
      if (sids.has(compiled.sid)) problems.add(`Statement IDs (SID) in a single policy must be unique: '${compiled.sid}'`);
      sids.add(compiled.sid);
    }
    if (compiled) statements.push(compiled);
  });
  if (problems.list.length > 0) throw malformed(problems.list);
  return Object.freeze({ id: options.id, kind: options.kind, version, statements: Object.freeze(statements) });
}

interface Ctx {
  kind: PolicyKind;
  variables: boolean;
  strict: boolean;
}

function stringList(v: unknown, what: string, where: string, problems: Problems): string[] | null {
  const arr = Array.isArray(v) ? v : [v];
  if (arr.length === 0 || !arr.every((x) => typeof x === 'string' && x.length > 0)) {
    problems.add(`${where}: ${what} must be a non-empty string or a non-empty list of strings`);
    return null;
  }
  return arr as string[];
}

function compileStatement(st: unknown, i: number, ctx: Ctx, problems: Problems): CompiledStatement | null {
  const where = `Statement ${i + 1}`;
  if (st === null || typeof st !== 'object' || Array.isArray(st)) {
    problems.add(`${where} must be an object`);
    return null;
  }
  const s = st as Record<string, unknown>;
  for (const k of Object.keys(s)) if (!STATEMENT.has(k)) problems.add(`${where}: unknown element '${k}'`);
  let sid: string | undefined;
  if (s.Sid !== undefined) {
    if (typeof s.Sid !== 'string') problems.add(`${where}: Sid must be a string`);
    else if (ctx.kind === 'identity' && !/^[A-Za-z0-9]*$/.test(s.Sid)) problems.add(`${where}: Sid may contain only letters and digits`);
    else sid = s.Sid || undefined;
  }
  const effect = s.Effect;
  if (effect !== 'Allow' && effect !== 'Deny') problems.add(`${where}: Effect must be Allow or Deny`);

  const hasP = s.Principal !== undefined;
  const hasNP = s.NotPrincipal !== undefined;
  if (ctx.kind === 'identity' && (hasP || hasNP)) problems.add(`${where}: Principal and NotPrincipal are not allowed in identity-based policies`);
  if (ctx.kind !== 'identity' && hasP === hasNP) problems.add(`${where}: a ${ctx.kind} policy statement needs exactly one of Principal or NotPrincipal`);
  if (ctx.kind === 'trust' && hasNP) problems.add(`${where}: NotPrincipal is not allowed in a trust policy`);
  const principal = hasP ? compilePrincipal(s.Principal, where, problems) : null;
  const notPrincipal = hasNP ? compilePrincipal(s.NotPrincipal, where, problems) : null;

  const hasA = s.Action !== undefined;
  const hasNA = s.NotAction !== undefined;
  if (hasA === hasNA) problems.add(`${where}: exactly one of Action or NotAction is required`);
  const actions = hasA ? compileActions(s.Action, 'Action', where, problems) : null;
  const notActions = hasNA ? compileActions(s.NotAction, 'NotAction', where, problems) : null;

  const hasR = s.Resource !== undefined;
  const hasNR = s.NotResource !== undefined;
  if (hasR && hasNR) problems.add(`${where}: Resource and NotResource cannot both be present`);
  if (!hasR && !hasNR && ctx.kind !== 'trust') problems.add(`${where}: one of Resource or NotResource is required`);
  const resources = hasR ? compileResources(s.Resource, 'Resource', where, ctx, problems) : null;
  const notResources = hasNR ? compileResources(s.NotResource, 'NotResource', where, ctx, problems) : null;

  const conditions = s.Condition === undefined ? [] : compileConditions(s.Condition, where, ctx, problems);
  return Object.freeze({
    sid,
    effect: effect === 'Deny' ? 'Deny' : 'Allow',
    principal,
    notPrincipal,
    actions,
    notActions,
    resources,
    notResources,
    conditions: Object.freeze(conditions),
  });
}

function compilePrincipal(v: unknown, where: string, problems: Problems): PrincipalMatcher {
  const m = { everyone: false, accounts: new Set<string>(), arns: new Set<string>(), other: [] as string[] };
  if (v === '*') {
    m.everyone = true;
    return m;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    problems.add(`${where}: Principal must be "*" or an object such as {"AWS": [...]}`);
    return m;
  }
  for (const [type, value] of Object.entries(v as Record<string, unknown>)) {
    if (!PRINCIPAL_TYPES.has(type)) {
      problems.add(`${where}: unknown principal type '${type}'`);
      continue;
    }
    const names = stringList(value, `Principal ${type}`, where, problems);
    if (!names) continue;
    for (const n of names) {
      if (type !== 'AWS') {
        m.other.push(`${type}:${n}`);
        continue;
      }
      if (n === '*') m.everyone = true;
      else if (/^\d{12}$/.test(n)) m.accounts.add(n);
      else if (/^arn:aws:iam::\d{12}:root$/.test(n)) m.accounts.add(n.slice(13, 25));
      else if (/^arn:aws:(?:iam::\d{12}:(?:user|role)\/|sts::\d{12}:(?:assumed-role|federated-user)\/)[^*?]+$/.test(n)) m.arns.add(n);
      else problems.add(`${where}: invalid principal in policy: '${n}'`);
    }
  }
  return m;
}

function compileActions(v: unknown, what: string, where: string, problems: Problems): RegExp[] | null {
  const names = stringList(v, what, where, problems);
  if (!names) return null;
  const out: RegExp[] = [];
  for (const n of names) {
    if (n !== '*' && !ACTION_RE.test(n)) {
      problems.add(`${where}: ${what} '${n}' must be '*' or look like 'service:Action'`);
      continue;
    }
    out.push(parseTemplate(n, 'action', false).compiled as RegExp);
  }
  return out;
}

/** Index of the colon that ends the fifth ARN segment, skipping colons inside ${...}; -1 if missing. */
function resourcePartStart(arn: string): number {
  let colons = 0;
  let inVar = false;
  for (let i = 0; i < arn.length; i++) {
    const ch = arn[i];
    if (!inVar && ch === '$' && arn[i + 1] === '{') inVar = true;
    else if (inVar && ch === '}') inVar = false;
    else if (!inVar && ch === ':' && ++colons === 5) return i + 1;
  }
  return -1;
}

function compileResources(v: unknown, what: string, where: string, ctx: Ctx, problems: Problems): Template[] | null {
  const names = stringList(v, what, where, problems);
  if (!names) return null;
  const out: Template[] = [];
  names.forEach((n, j) => {
    const label = `${what} ${j + 1}`;
    if (n !== '*') {
      const start = n.startsWith('arn:') ? resourcePartStart(n) : -1;
      if (start < 0) {
        problems.add(`${where}: ${label} must be '*' or an ARN (arn:partition:service:region:account:resource)`);
        return;
      }
      const service = n.split(':')[2] ?? '';
      if (service === '' || /[*?]/.test(service)) problems.add(`${where}: ${label} has no valid service (wildcards are not allowed there)`);
      if (ctx.variables && n.slice(0, start).includes('${')) problems.add(`${where}: ${label} uses a policy variable outside the resource part`);
    }
    const t = template(n, 'arn', ctx.variables, where, problems);
    if (t) out.push(t);
  });
  return out;
}

function template(text: string, mode: GlobMode, variables: boolean, where: string, problems: Problems): Template | null {
  try {
    const t = parseTemplate(text, mode, variables);
    for (const key of templateVariables(t)) {
      if (keyType(key) === undefined) problems.add(`${where}: unknown policy variable '\${${key}}'`);
      else if (isMultiValuedKey(key)) problems.add(`${where}: the multivalued key '${key}' cannot be a policy variable`);
    }
    return t;
  } catch (e) {
    if (e instanceof TemplateSyntaxError) {
      problems.add(`${where}: ${e.message}`);
      return null;
    }
    throw e;
  }
}

function compileConditions(v: unknown, where: string, ctx: Ctx, problems: Problems): CompiledCondition[] {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    problems.add(`${where}: Condition must be an object`);
    return [];
  }
  const out: CompiledCondition[] = [];
  for (const [operator, block] of Object.entries(v as Record<string, unknown>)) {
    const op = parseOperator(operator);
    if (block === null || typeof block !== 'object' || Array.isArray(block)) {
      problems.add(`${where}: condition operator '${operator}' must map condition keys to values`);
      continue;
    }
    if (!op) {
      if (ctx.strict) problems.add(`${where}: unknown condition operator '${operator}'`);
      else for (const key of Object.keys(block)) out.push(failClosed(operator, key));
      continue;
    }
    for (const [rawKey, rawValues] of Object.entries(block as Record<string, unknown>)) {
      const key = normalizeKey(rawKey);
      if (keyType(key) === undefined) {
        if (ctx.strict) problems.add(`${where}: unknown or unsupported condition key '${rawKey}'`);
        else out.push(failClosed(operator, rawKey));
        continue;
      }
      const arr = Array.isArray(rawValues) ? rawValues : [rawValues];
      if (arr.length === 0 || !arr.every((x) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean')) {
        problems.add(`${where}: values of '${operator}' '${rawKey}' must be strings, numbers or booleans`);
        continue;
      }
      const values: CompiledValue[] = [];
      for (const x of arr) {
        const cv = compileValue(String(x), op.spec.family, ctx.variables && op.spec.variables, `${where}: ${operator} ${rawKey}`, problems);
        if (cv) values.push(cv);
      }
      out.push(Object.freeze({ operator, base: op.base, set: op.set, ifExists: op.ifExists, key, values: Object.freeze(values), invalid: false }));
    }
  }
  return out;
}

function failClosed(operator: string, key: string): CompiledCondition {
  return Object.freeze({ operator, base: operator, set: null, ifExists: false, key: normalizeKey(key), values: [], invalid: true });
}

function compileValue(s: string, family: Family, variables: boolean, where: string, problems: Problems): CompiledValue | null {
  switch (family) {
    case 'String':
    case 'StringIgnoreCase': {
      const t = template(s, 'exact', variables, where, problems);
      return t && { kind: 'template', template: t };
    }
    case 'StringLike': {
      const t = template(s, 'string', variables, where, problems);
      return t && { kind: 'template', template: t };
    }
    case 'Arn': {
      const t = template(s, 'arn', variables, where, problems);
      return t && { kind: 'template', template: t };
    }
    case 'Bool': {
      if (!(variables && s.includes('${')) && s.toLowerCase() !== 'true' && s.toLowerCase() !== 'false') {
        problems.add(`${where}: Bool values must be true or false`);
        return null;
      }
      const t = template(s, 'exact', variables, where, problems);
      return t && { kind: 'template', template: t };
    }
    case 'Numeric': {
      const n = parseNumber(s);
      if (n === null) problems.add(`${where}: a value is not a number`);
      return n === null ? null : { kind: 'number', value: n };
    }
    case 'Date': {
      const d = parseDate(s);
      if (d === null) problems.add(`${where}: a value is not an ISO 8601 date or epoch seconds`);
      return d === null ? null : { kind: 'date', value: d };
    }
    case 'Ip': {
      const test = parseCidr(s);
      if (test === null) problems.add(`${where}: a value is not an IP address or CIDR block`);
      return test === null ? null : { kind: 'ip', test };
    }
    case 'Binary': {
      if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) {
        problems.add(`${where}: BinaryEquals values must be base64`);
        return null;
      }
      return { kind: 'binary', value: Buffer.from(s, 'base64') };
    }
    case 'Null': {
      const l = s.toLowerCase();
      if (l !== 'true' && l !== 'false') {
        problems.add(`${where}: Null values must be true or false`);
        return null;
      }
      return { kind: 'null', value: l === 'true' };
    }
  }
}
