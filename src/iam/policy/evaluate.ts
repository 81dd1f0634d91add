/**
 * The authorisation decision, following AWS's evaluation logic for one account:
 *
 *   1. any applicable Deny (identity, resource, boundary or session policy)   -> ExplicitDeny
 *   2. the caller is the account root                                         -> Allow
 *   3. a resource policy Allow naming the caller's user or session ARN, or "*" -> Allow
 *      (not limited by identity policies, the permissions boundary or session policies)
 *   4. no identity Allow, and no resource Allow naming the caller's role ARN  -> ImplicitDeny
 *      (naming only the account delegates to identity policies)
 *   5. a permissions boundary that does not allow                             -> ImplicitDeny
 *   6. a session principal whose session policies do not allow, or a federated
 *      user without session policies                                         -> ImplicitDeny
 *   7.                                                                        -> Allow
 *
 * A statement applies when its principal (resource policies), action, resource and every
 * condition match. Conditions that could not be understood fail closed: they never let an
 * Allow apply and always let a Deny apply. Pure: no I/O, no clock (time comes in the keys).
 */
import { normalizeKey } from './condition-keys.js';
import { evaluateCondition } from './operators.js';
import { resolveRegex } from './template.js';
import type {
  CompiledPolicy,
  CompiledStatement,
  ContextValue,
  EvaluationResult,
  MatchedStatement,
  PolicySet,
  PrincipalInfo,
  PrincipalMatcher,
  RequestContext,
  Template,
} from './types.js';

type PrincipalMatch = 'none' | 'account' | 'role' | 'exact' | 'everyone';

function matchPrincipal(m: PrincipalMatcher, p: PrincipalInfo | null): PrincipalMatch {
  if (m.everyone) return 'everyone';
  if (p === null) return 'none';
  if (p.sessionArn !== undefined && m.arns.has(p.sessionArn)) return 'exact';
  if (m.arns.has(p.arn)) return p.type === 'AssumedRole' ? 'role' : 'exact';
  if (m.accounts.has(p.accountId)) return 'account';
  return 'none';
}

function matchesAny(patterns: readonly Template[], resource: string, keys: ReadonlyMap<string, ContextValue>): boolean {
  for (let i = 0; i < patterns.length; i++) if (resolveRegex(patterns[i] as Template, 'arn', keys)?.test(resource)) return true;
  return false;
}

function actionMatches(st: CompiledStatement, action: string): boolean {
  if (st.actions) {
    for (const re of st.actions) if (re.test(action)) return true;
    return false;
  }
  if (st.notActions) {
    for (const re of st.notActions) if (re.test(action)) return false;
    return true;
  }
  return false;
}

function resourceMatches(st: CompiledStatement, resource: string, keys: ReadonlyMap<string, ContextValue>): boolean {
  if (st.resources) return matchesAny(st.resources, resource, keys);
  if (st.notResources) return !matchesAny(st.notResources, resource, keys);
  return true; // trust policies have no Resource element
}

function conditionsMatch(st: CompiledStatement, keys: ReadonlyMap<string, ContextValue>): boolean {
  for (const c of st.conditions) {
    if (c.invalid) return st.effect === 'Deny';
    if (!evaluateCondition(c, keys)) return false;
  }
  return true;
}

function applies(st: CompiledStatement, ctx: RequestContext, keys: ReadonlyMap<string, ContextValue>): boolean {
  return actionMatches(st, ctx.action) && resourceMatches(st, ctx.resource, keys) && conditionsMatch(st, keys);
}

/** Condition keys under their canonical names. */
export function normalizeKeys(keys: Readonly<Record<string, ContextValue>>): Map<string, ContextValue> {
  const m = new Map<string, ContextValue>();
  for (const k in keys) {
    const v = keys[k];
    if (v !== undefined) m.set(normalizeKey(k), v);
  }
  return m;
}

interface Tally {
  deny: boolean;
  allow: boolean;
}

function scan(policies: readonly CompiledPolicy[], ctx: RequestContext, keys: ReadonlyMap<string, ContextValue>, matched: MatchedStatement[]): Tally {
  const t: Tally = { deny: false, allow: false };
  for (const p of policies) {
    const statements = p.statements;
    for (let i = 0; i < statements.length; i++) {
      const st = statements[i] as CompiledStatement;
      if (!applies(st, ctx, keys)) continue;
      matched.push({ policyId: p.id, sid: st.sid, effect: st.effect, statement: i });
      if (st.effect === 'Deny') t.deny = true;
      else t.allow = true;
    }
  }
  return t;
}

/** Decides one request. `matched` lists every statement that applied (Allow and Deny). */
export function evaluate(policies: PolicySet, context: RequestContext): EvaluationResult {
  const keys = normalizeKeys(context.keys);
  const matched: MatchedStatement[] = [];
  const p = context.principal;
  const session = p !== null && (p.type === 'AssumedRole' || p.type === 'FederatedUser');

  // Anonymous callers have no identity, boundary or session policies.
  const identity = p === null ? { deny: false, allow: false } : scan(policies.identity ?? [], context, keys, matched);

  let deny = identity.deny;
  let resourceFinal = false;
  let resourceRole = false;
  for (const rp of policies.resource ?? []) {
    for (let i = 0; i < rp.statements.length; i++) {
      const st = rp.statements[i] as CompiledStatement;
      let pm: PrincipalMatch;
      if (st.principal) pm = matchPrincipal(st.principal, p);
      else if (st.notPrincipal) pm = matchPrincipal(st.notPrincipal, p) === 'none' ? 'exact' : 'none';
      else pm = 'none';
      if (pm === 'none' || !applies(st, context, keys)) continue;
      matched.push({ policyId: rp.id, sid: st.sid, effect: st.effect, statement: i });
      if (st.effect === 'Deny') deny = true;
      else if (pm === 'exact' || pm === 'everyone') resourceFinal = true;
      else if (pm === 'role') resourceRole = true;
    }
  }
  const boundary = p !== null && policies.boundary ? scan([policies.boundary], context, keys, matched) : null;
  const sessionPolicies = session && policies.session ? policies.session : null;
  const sess = sessionPolicies ? scan(sessionPolicies, context, keys, matched) : null;
  if (deny || boundary?.deny || sess?.deny) return { decision: 'ExplicitDeny', matched };

  if (p !== null && p.type === 'Account') return { decision: 'Allow', matched };
  if (resourceFinal) return { decision: 'Allow', matched };
  if (!identity.allow && !resourceRole) return { decision: 'ImplicitDeny', matched };
  if (boundary && !boundary.allow) return { decision: 'ImplicitDeny', matched };
  if (session) {
    if (sess) {
      if (!sess.allow) return { decision: 'ImplicitDeny', matched };
    } else if (p.type === 'FederatedUser') {
      return { decision: 'ImplicitDeny', matched };
    }
  }
  return { decision: 'Allow', matched };
}
