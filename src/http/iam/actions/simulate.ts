/**
 * SimulateCustomPolicy and SimulatePrincipalPolicy: the policy engine run on given policies,
 * actions, resources and context entries, answered like IAM (allowed / explicitDeny /
 * implicitDeny, the matched statements, and the condition keys the request lacked).
 * Policies are compiled leniently, so keys Coffer does not know fail closed instead of erroring.
 */
import { CofferError } from '../../../shared/index.js';
import { evaluate, normalizeKey, parsePolicy, type CompiledPolicy, type ContextValue, type PolicyKind, type PolicySet, type PrincipalInfo } from '../../../iam/policy/index.js';
import { el, esc, members } from '../xml.js';
import type { ActionContext, IamAction } from './types.js';

const DECISION = { Allow: 'allowed', ExplicitDeny: 'explicitDeny', ImplicitDeny: 'implicitDeny' } as const;

function compile(docs: string[], prefix: string, kind: PolicyKind): CompiledPolicy[] {
  return docs.map((d, i) => parsePolicy(d, { id: `${prefix}.${i + 1}`, kind, strict: false }));
}

function contextEntries(c: ActionContext): Record<string, ContextValue> {
  const out: Record<string, ContextValue> = {};
  for (let i = 1; ; i++) {
    const p = `ContextEntries.member.${i}`;
    const name = c.params.optional(`${p}.ContextKeyName`);
    if (name === undefined) return out;
    const type = c.params.optional(`${p}.ContextKeyType`) ?? 'string';
    const values = c.params.list(`${p}.ContextKeyValues`);
    out[name] = type.endsWith('List') ? values : values[0];
  }
}

function missingKeys(policies: readonly CompiledPolicy[], action: string, keys: Record<string, ContextValue>): string[] {
  const present = new Set(Object.keys(keys).filter((k) => keys[k] !== undefined).map(normalizeKey));
  const missing = new Set<string>();
  for (const p of policies) {
    for (const st of p.statements) {
      const applies = st.actions ? st.actions.some((re) => re.test(action)) : !(st.notActions ?? []).some((re) => re.test(action));
      if (!applies) continue;
      for (const cond of st.conditions) if (!present.has(cond.key)) missing.add(cond.key);
    }
  }
  return [...missing].sort();
}

function simulate(c: ActionContext, set: PolicySet, principal: PrincipalInfo): string {
  const actions = c.params.list('ActionNames');
  if (actions.length === 0) throw new CofferError('iam.validation', { message: "1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null" });
  const resources = c.params.list('ResourceArns');
  const keys = contextEntries(c);
  const all = [...(set.identity ?? []), ...(set.resource ?? []), ...(set.boundary ? [set.boundary] : [])];
  const results: string[] = [];
  for (const action of actions) {
    for (const resource of resources.length ? resources : ['*']) {
      const r = evaluate(set, { action, resource, principal, keys });
      const matched = r.matched.map((m) => el('SourcePolicyId', m.policyId) + el('SourcePolicyType', m.policyId.startsWith('ResourcePolicy') ? 'resource' : 'IAM Policy'));
      results.push(
        el('EvalActionName', action) +
          el('EvalResourceName', resource) +
          el('EvalDecision', DECISION[r.decision]) +
          members('MatchedStatements', matched) +
          members('MissingContextValues', missingKeys(all, action, keys).map(esc)),
      );
    }
  }
  return members('EvaluationResults', results) + el('IsTruncated', false);
}

function callerPrincipal(c: ActionContext, fallbackArn: string): PrincipalInfo {
  const arn = c.params.optional('CallerArn') ?? fallbackArn;
  if (!/^arn:aws:iam::\d{12}:(user|role)\//.test(arn)) throw new CofferError('iam.invalid_input', { message: 'CallerArn must be the ARN of an IAM user or role.' });
  return { type: 'User', accountId: c.accountId, arn };
}

function resourcePolicy(c: ActionContext): CompiledPolicy[] {
  const doc = c.params.optional('ResourcePolicy');
  return doc === undefined ? [] : [parsePolicy(doc, { id: 'ResourcePolicy', kind: 'resource', strict: false })];
}

export const simulateActions: Record<string, IamAction> = {
  SimulateCustomPolicy: {
    resource: async () => '*',
    run: async (c) => {
      const identity = compile(c.params.list('PolicyInputList'), 'PolicyInputList', 'identity');
      if (identity.length === 0) throw new CofferError('iam.validation', { message: "1 validation error detected: Value null at 'policyInputList' failed to satisfy constraint: Member must not be null" });
      const boundaries = compile(c.params.list('PermissionsBoundaryPolicyInputList'), 'PermissionsBoundaryPolicyInputList', 'identity');
      const set: PolicySet = { identity, resource: resourcePolicy(c), boundary: boundaries[0] ?? null };
      return simulate(c, set, callerPrincipal(c, `arn:aws:iam::${c.accountId}:user/SimulatedUser`));
    },
  },
  SimulatePrincipalPolicy: {
    resource: async (c) => c.params.required('PolicySourceArn'),
    run: async (c) => {
      const source = c.params.required('PolicySourceArn');
      const m = /^arn:aws:iam::\d{12}:(user|role)\/(?:.*\/)?([\w+=,.@-]+)$/.exec(source);
      if (!m) throw new CofferError('iam.invalid_input', { message: 'PolicySourceArn must be the ARN of an IAM user or role.' });
      const docs = m[1] === 'user' ? await c.store.userPolicyDocuments(m[2] as string) : await c.store.rolePolicyDocuments(m[2] as string);
      const identity = [
        ...docs.identity.map((d) => parsePolicy(d.document, { id: d.id, kind: 'identity', strict: false })),
        ...compile(c.params.list('PolicyInputList'), 'PolicyInputList', 'identity'),
      ];
      const boundary = docs.boundary ? parsePolicy(docs.boundary.document, { id: docs.boundary.id, kind: 'identity', strict: false }) : null;
      return simulate(c, { identity, resource: resourcePolicy(c), boundary }, callerPrincipal(c, source));
    },
  },
};
