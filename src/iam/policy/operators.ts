/**
 * Condition operators and their semantics (AWS IAM "Condition operators" and "multivalued
 * context keys"):
 *
 *   positive op, one request value x:   any policy value v matches x          (values OR)
 *   negated op (…Not…, NotIpAddress):   no policy value matches x              (values AND)
 *   key absent:                         false; true for negated ops and …IfExists
 *   request value is a set, no set op:  false (a single-valued test on a multivalued key)
 *   ForAllValues:op                     every request value passes op; true for an absent/empty set
 *   ForAnyValue:op                      some request value passes op; false for an absent/empty set
 *   Null: true                          the key is absent; Null: false — it is present
 */
import { cidrMatcher } from './ip.js';
import type { CompiledCondition, CompiledValue, ContextValue } from './types.js';
import { resolveExact, resolveRegex } from './template.js';

export type Family = 'String' | 'StringIgnoreCase' | 'StringLike' | 'Numeric' | 'Date' | 'Bool' | 'Binary' | 'Ip' | 'Arn' | 'Null';
type Cmp = 'eq' | 'lt' | 'le' | 'gt' | 'ge';

export interface OperatorSpec {
  family: Family;
  negated: boolean;
  cmp: Cmp;
  /** Whether policy variables are interpreted in the values. */
  variables: boolean;
}

const spec = (family: Family, negated = false, cmp: Cmp = 'eq'): OperatorSpec => ({
  family,
  negated,
  cmp,
  variables: family === 'String' || family === 'StringIgnoreCase' || family === 'StringLike' || family === 'Bool' || family === 'Arn',
});

export const OPERATORS: Readonly<Record<string, OperatorSpec>> = {
  StringEquals: spec('String'),
  StringNotEquals: spec('String', true),
  StringEqualsIgnoreCase: spec('StringIgnoreCase'),
  StringNotEqualsIgnoreCase: spec('StringIgnoreCase', true),
  StringLike: spec('StringLike'),
  StringNotLike: spec('StringLike', true),
  NumericEquals: spec('Numeric'),
  NumericNotEquals: spec('Numeric', true),
  NumericLessThan: spec('Numeric', false, 'lt'),
  NumericLessThanEquals: spec('Numeric', false, 'le'),
  NumericGreaterThan: spec('Numeric', false, 'gt'),
  NumericGreaterThanEquals: spec('Numeric', false, 'ge'),
  DateEquals: spec('Date'),
  DateNotEquals: spec('Date', true),
  DateLessThan: spec('Date', false, 'lt'),
  DateLessThanEquals: spec('Date', false, 'le'),
  DateGreaterThan: spec('Date', false, 'gt'),
  DateGreaterThanEquals: spec('Date', false, 'ge'),
  Bool: spec('Bool'),
  BinaryEquals: spec('Binary'),
  IpAddress: spec('Ip'),
  NotIpAddress: spec('Ip', true),
  ArnEquals: spec('Arn'),
  ArnLike: spec('Arn'),
  ArnNotEquals: spec('Arn', true),
  ArnNotLike: spec('Arn', true),
  Null: spec('Null'),
};

export interface ParsedOperator {
  base: string;
  spec: OperatorSpec;
  set: 'ForAllValues' | 'ForAnyValue' | null;
  ifExists: boolean;
}

/** Splits 'ForAnyValue:StringLikeIfExists' into its parts; null when the operator is unknown. */
export function parseOperator(name: string): ParsedOperator | null {
  let rest = name;
  let set: ParsedOperator['set'] = null;
  if (rest.startsWith('ForAllValues:')) {
    set = 'ForAllValues';
    rest = rest.slice(13);
  } else if (rest.startsWith('ForAnyValue:')) {
    set = 'ForAnyValue';
    rest = rest.slice(12);
  }
  let ifExists = false;
  if (rest.endsWith('IfExists')) {
    ifExists = true;
    rest = rest.slice(0, -8);
  }
  const s = Object.hasOwn(OPERATORS, rest) ? OPERATORS[rest] : undefined;
  if (s === undefined) return null;
  if (s.family === 'Null' && (ifExists || set !== null)) return null;
  return { base: rest, spec: s, set, ifExists };
}

const NUMBER_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

export function parseNumber(s: string): number | null {
  return NUMBER_RE.test(s) ? Number(s) : null;
}

/** ISO 8601 date or date-time, or epoch seconds; milliseconds since the epoch, or null. */
export function parseDate(s: string): number | null {
  if (/^\d{1,12}$/.test(s)) return Number(s) * 1000;
  if (!/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(s)) return null;
  const ms = Date.parse(s);
  return Number.isFinite(ms) ? ms : null;
}

/** Builds an address test for a CIDR block or a single address; null when it is not one. */
export const parseCidr = cidrMatcher;

function compare(a: number, b: number, cmp: Cmp): boolean {
  switch (cmp) {
    case 'eq':
      return a === b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
  }
}

/** Does one request value pass one policy value under the (positive form of the) operator? */
function valueMatches(s: OperatorSpec, x: string, v: CompiledValue, keys: ReadonlyMap<string, ContextValue>): boolean {
  switch (v.kind) {
    case 'template': {
      const t = v.template;
      switch (s.family) {
        case 'String':
          return resolveExact(t, keys) === x;
        case 'StringIgnoreCase':
        case 'Bool': {
          const r = resolveExact(t, keys);
          return r !== null && r.toLowerCase() === x.toLowerCase();
        }
        case 'StringLike':
          return resolveRegex(t, 'string', keys)?.test(x) ?? false;
        case 'Arn':
          return resolveRegex(t, 'arn', keys)?.test(x) ?? false;
        default:
          return false;
      }
    }
    case 'number': {
      const n = parseNumber(x);
      return n !== null && compare(n, v.value, s.cmp);
    }
    case 'date': {
      const d = parseDate(x);
      return d !== null && compare(d, v.value, s.cmp);
    }
    case 'ip':
      return v.test(x);
    case 'binary': {
      const b = Buffer.from(x, 'base64');
      return b.length === v.value.length && b.equals(v.value);
    }
    case 'null':
      return false;
  }
}

function passes(c: CompiledCondition, s: OperatorSpec, x: string, keys: ReadonlyMap<string, ContextValue>): boolean {
  let any = false;
  for (const v of c.values) {
    if (valueMatches(s, x, v, keys)) {
      any = true;
      break;
    }
  }
  return s.negated ? !any : any;
}

/** Evaluates one compiled condition (one operator, one key) against the request's keys. */
export function evaluateCondition(c: CompiledCondition, keys: ReadonlyMap<string, ContextValue>): boolean {
  const s = OPERATORS[c.base];
  if (s === undefined) return false;
  const v = keys.get(c.key);
  if (s.family === 'Null') {
    const present = v !== undefined && !(Array.isArray(v) && v.length === 0);
    return c.values.some((pv) => pv.kind === 'null' && pv.value === !present);
  }
  if (c.set === null) {
    if (v === undefined) return c.ifExists || s.negated;
    if (typeof v !== 'string') return false;
    return passes(c, s, v, keys);
  }
  const values: readonly string[] = v === undefined ? [] : typeof v === 'string' ? [v] : v;
  if (values.length === 0) return v === undefined && c.ifExists ? true : c.set === 'ForAllValues';
  if (c.set === 'ForAllValues') return values.every((x) => passes(c, s, x, keys));
  return values.some((x) => passes(c, s, x, keys));
}
