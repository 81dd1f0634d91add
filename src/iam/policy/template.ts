/**
 * Policy text with wildcards and policy variables.
 *
 *   parse:   "home/${aws:username}/*"  ->  [glob "home/", var aws:username, glob "/*"]
 *   resolve: variable values are inserted as literals (a user named "a*" is not a wildcard);
 *            a variable without a value (and without a default) makes the whole text null,
 *            which matches nothing.
 *   match:   glob text becomes an anchored RegExp: '*' any run, '?' one character; in ARN mode
 *            wildcards in the first five colon-separated segments stay inside their segment and
 *            only the resource part (after the fifth colon) lets '*' span ':' and '/'.
 */
import type { ContextValue, Template, TemplatePart } from './types.js';
import { normalizeKey } from './condition-keys.js';

export type GlobMode = 'exact' | 'string' | 'string-ci' | 'arn' | 'action';

const VAR_RE = /^\s*([A-Za-z0-9:_\/.\-]+)\s*(?:,\s*'([^']*)'\s*)?$/;

export class TemplateSyntaxError extends Error {}

/** Splits text into parts; variables are recognised only when `variables` is true (Version 2012-10-17). */
export function parseTemplate(text: string, mode: GlobMode, variables: boolean): Template {
  const parts: TemplatePart[] = [];
  let hasVariables = false;
  if (!variables || !text.includes('${')) {
    parts.push({ glob: text });
  } else {
    let i = 0;
    let lit = '';
    while (i < text.length) {
      const start = text.indexOf('${', i);
      if (start < 0) {
        lit += text.slice(i);
        break;
      }
      lit += text.slice(i, start);
      const end = text.indexOf('}', start + 2);
      if (end < 0) throw new TemplateSyntaxError('unterminated policy variable');
      const inner = text.slice(start + 2, end);
      if (lit) parts.push({ glob: lit });
      lit = '';
      if (inner === '*' || inner === '?' || inner === '$') {
        parts.push({ exact: inner });
      } else {
        const m = VAR_RE.exec(inner);
        if (!m || !m[1]) throw new TemplateSyntaxError('malformed policy variable');
        parts.push({ variable: normalizeKey(m[1]), fallback: m[2] });
        hasVariables = true;
      }
      i = end + 1;
    }
    if (lit) parts.push({ glob: lit });
  }
  const compiled = hasVariables || mode === 'exact' ? null : cachedRegex(regexSource(parts, mode, null) as string, mode);
  return { parts, hasVariables, compiled, byValues: new Map(), last: null };
}

/** The variables a template refers to (canonical key names). */
export function templateVariables(t: Template): string[] {
  const out: string[] = [];
  for (const p of t.parts) if ('variable' in p) out.push(p.variable);
  return out;
}

function variableValue(keys: ReadonlyMap<string, ContextValue>, name: string, fallback: string | undefined): string | null {
  const v = keys.get(name);
  if (typeof v === 'string') return v;
  return fallback ?? null;
}

/** The template's text with variables substituted (no wildcard meaning); null when a variable has no value. */
export function resolveExact(t: Template, keys: ReadonlyMap<string, ContextValue>): string | null {
  let out = '';
  for (const p of t.parts) {
    if ('glob' in p) out += p.glob;
    else if ('exact' in p) out += p.exact;
    else {
      const v = variableValue(keys, p.variable, p.fallback);
      if (v === null) return null;
      out += v;
    }
  }
  return out;
}

/** The template as an anchored RegExp for this request; null when a variable has no value. */
export function resolveRegex(t: Template, mode: Exclude<GlobMode, 'exact'>, keys: ReadonlyMap<string, ContextValue>): RegExp | null {
  if (t.compiled) return t.compiled;
  // Fast path without allocation: the same values as last time.
  const last = t.last;
  if (last !== null) {
    let same = true;
    let i = 0;
    for (const p of t.parts) {
      if (!('variable' in p)) continue;
      if (variableValue(keys, p.variable, p.fallback) !== last.values[i++]) {
        same = false;
        break;
      }
    }
    if (same) return last.re;
  }
  // Otherwise key the compiled pattern by the variable values.
  const values: (string | null)[] = [];
  let k = mode;
  for (const p of t.parts) {
    if (!('variable' in p)) continue;
    const v = variableValue(keys, p.variable, p.fallback);
    if (v === null) return null;
    values.push(v);
    k += '\u0000' + v;
  }
  let re = t.byValues.get(k);
  if (re === undefined) {
    const src = regexSource(t.parts, mode, keys);
    if (src === null) return null;
    if (t.byValues.size >= PER_TEMPLATE_LIMIT) t.byValues.clear();
    re = new RegExp('^(?:' + src + ')$', mode === 'action' || mode === 'string-ci' ? 'i' : '');
    t.byValues.set(k, re);
  }
  t.last = { values, re };
  return re;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function regexSource(parts: readonly TemplatePart[], mode: GlobMode, keys: ReadonlyMap<string, ContextValue> | null): string | null {
  // A bare "*" means everything, also in ARN mode (where '*' would otherwise stay in segment 1).
  if (parts.length === 1) {
    const only = parts[0] as TemplatePart;
    if ('glob' in only && only.glob === '*') return '[\\s\\S]*';
  }
  let src = '';
  let colons = 0;
  const literal = (s: string): void => {
    for (const ch of s) if (ch === ':') colons++;
    src += escapeRegex(s);
  };
  for (const p of parts) {
    if ('exact' in p) literal(p.exact);
    else if ('variable' in p) {
      const v = keys === null ? null : variableValue(keys, p.variable, p.fallback);
      if (v === null) return null;
      literal(v);
    } else {
      for (const ch of p.glob) {
        if (ch === '*') src += mode === 'arn' && colons < 5 ? '[^:]*' : '[\\s\\S]*';
        else if (ch === '?') src += mode === 'arn' && colons < 5 ? '[^:]' : '[\\s\\S]';
        else {
          if (ch === ':') colons++;
          src += escapeRegex(ch);
        }
      }
    }
  }
  return src;
}

const PER_TEMPLATE_LIMIT = 256;
const cache = new Map<string, RegExp>();
const CACHE_LIMIT = 4096;

function cachedRegex(src: string, mode: GlobMode): RegExp {
  const flags = mode === 'action' || mode === 'string-ci' ? 'i' : '';
  const k = flags + '|' + src;
  let re = cache.get(k);
  if (re === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    re = new RegExp('^(?:' + src + ')$', flags);
    cache.set(k, re);
  }
  return re;
}
