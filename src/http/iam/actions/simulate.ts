/**
 * SimulateCustomPolicy and SimulatePrincipalPolicy: the policy engine run on given policies,
 * actions, resources and context entries, answered like IAM: allowed / explicitDeny /
 * implicitDeny; MatchedStatements as AWS lists them (the deciding statements only, each with
 * SourcePolicyId and Start/EndPosition in its document); the condition keys the request lacked.
 * Policies are compiled leniently, so keys Coffer does not know fail closed instead of erroring.
 */
import { CofferError } from '../../../shared/index.js';
import {
  evaluate,
  normalizeKey,
  parsePolicy,
  type CompiledPolicy,
  type ContextValue,
  type Decision,
  type MatchedStatement,
  type PolicyKind,
  type PolicySet,
  type PrincipalInfo,
} from '../../../iam/policy/index.js';
import { el, esc, members, wrap } from '../xml.js';
import { statementPositions, type Position, type StatementSpan } from './statement-positions.js';
import type { ActionContext, IamAction } from './types.js';

const DECISION = { Allow: 'allowed', ExplicitDeny: 'explicitDeny', ImplicitDeny: 'implicitDeny' } as const;

function compile(docs: string[], prefix: string, kind: PolicyKind, sources: Map<string, SimulatedPolicy>): CompiledPolicy[] {
  return docs.map((d, i) => {
    const id = `${prefix}.${i + 1}`;
    sources.set(id, { sourceId: id, text: d });
    return parsePolicy(d, { id, kind, strict: false });
  });
}

/** Stored policies as AWS names them: inline policies by name and entity kind, managed ones by name as user-managed. */
function storedSource(id: string, text: string): SimulatedPolicy {
  const inline = /^(user|group|role)\/[^/]+\/(.+)$/.exec(id);
  if (inline) return { sourceId: inline[2] as string, sourceType: inline[1] as string, text };
  return { sourceId: id.slice(id.lastIndexOf('/') + 1), sourceType: 'user-managed', text };
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

/** A policy as the simulator reports it: its id and type in MatchedStatements, and its text for positions. */
export interface SimulatedPolicy {
  sourceId: string;
  /** SourcePolicyType (user, group, role, user-managed, resource); omitted for PolicyInputList entries, as AWS's documented output shows. */
  sourceType?: string;
  text: string;
}

function positionXml(name: string, p: Position | undefined): string {
  return p ? wrap(name, el('Line', p.line) + el('Column', p.column)) : '';
}

/**
 * The statements that decided, as AWS lists them: for explicitDeny only the matching Deny
 * statements, for allowed the matching Allow statements, for implicitDeny none.
 */
function decisiveStatements(decision: Decision, matched: readonly MatchedStatement[]): MatchedStatement[] {
  if (decision === 'ImplicitDeny') return [];
  const effect = decision === 'ExplicitDeny' ? 'Deny' : 'Allow';
  return matched.filter((m) => m.effect === effect);
}

function simulate(c: ActionContext, set: PolicySet, principal: PrincipalInfo, sources: ReadonlyMap<string, SimulatedPolicy>): string {
  const actions = c.params.list('ActionNames');
  if (actions.length === 0) throw new CofferError('iam.validation', { message: "1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null" });
  const resources = c.params.list('ResourceArns');
  const keys = contextEntries(c);
  const all = [...(set.identity ?? []), ...(set.resource ?? []), ...(set.boundary ? [set.boundary] : [])];
  const spans = new Map<string, StatementSpan[]>();
  const spanOf = (id: string, i: number): StatementSpan | undefined => {
    let list = spans.get(id);
    if (list === undefined) {
      list = statementPositions(sources.get(id)?.text ?? '');
      spans.set(id, list);
    }
    return list[i];
  };
  const results: string[] = [];
  for (const action of actions) {
    for (const resource of resources.length ? resources : ['*']) {
      const r = evaluate(set, { action, resource, principal, keys });
      const matched = decisiveStatements(r.decision, r.matched).map((m) => {
        const source = sources.get(m.policyId);
        const span = spanOf(m.policyId, m.statement);
        return el('SourcePolicyId', source?.sourceId ?? m.policyId) + el('SourcePolicyType', source?.sourceType) + positionXml('StartPosition', span?.start) + positionXml('EndPosition', span?.end);
      });
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

function resourcePolicy(c: ActionContext, sources: Map<string, SimulatedPolicy>): CompiledPolicy[] {
  const doc = c.params.optional('ResourcePolicy');
  if (doc === undefined) return [];
  sources.set('ResourcePolicy', { sourceId: 'ResourcePolicy', sourceType: 'resource', text: doc });
  return [parsePolicy(doc, { id: 'ResourcePolicy', kind: 'resource', strict: false })];
}

export const simulateActions: Record<string, IamAction> = {
  SimulateCustomPolicy: {
    resource: async () => '*',
    run: async (c) => {
      const sources = new Map<string, SimulatedPolicy>();
      const identity = compile(c.params.list('PolicyInputList'), 'PolicyInputList', 'identity', sources);
      if (identity.length === 0) throw new CofferError('iam.validation', { message: "1 validation error detected: Value null at 'policyInputList' failed to satisfy constraint: Member must not be null" });
      const boundaries = compile(c.params.list('PermissionsBoundaryPolicyInputList'), 'PermissionsBoundaryPolicyInputList', 'identity', sources);
      const set: PolicySet = { identity, resource: resourcePolicy(c, sources), boundary: boundaries[0] ?? null };
      return simulate(c, set, callerPrincipal(c, `arn:aws:iam::${c.accountId}:user/SimulatedUser`), sources);
    },
  },
  SimulatePrincipalPolicy: {
    resource: async (c) => c.params.required('PolicySourceArn'),
    run: async (c) => {
      const source = c.params.required('PolicySourceArn');
      const m = /^arn:aws:iam::\d{12}:(user|role)\/(?:.*\/)?([\w+=,.@-]+)$/.exec(source);
      if (!m) throw new CofferError('iam.invalid_input', { message: 'PolicySourceArn must be the ARN of an IAM user or role.' });
      const docs = m[1] === 'user' ? await c.store.userPolicyDocuments(m[2] as string) : await c.store.rolePolicyDocuments(m[2] as string);
      const sources = new Map<string, SimulatedPolicy>();
      const identity = [
        ...docs.identity.map((d) => {
          sources.set(d.id, storedSource(d.id, d.document));
          return parsePolicy(d.document, { id: d.id, kind: 'identity', strict: false });
        }),
        ...compile(c.params.list('PolicyInputList'), 'PolicyInputList', 'identity', sources),
      ];
      let boundary: CompiledPolicy | null = null;
      if (docs.boundary) {
        sources.set(docs.boundary.id, { ...storedSource(docs.boundary.id, docs.boundary.document), sourceType: 'permissions-boundary' });
        boundary = parsePolicy(docs.boundary.document, { id: docs.boundary.id, kind: 'identity', strict: false });
      }
      return simulate(c, { identity, resource: resourcePolicy(c, sources), boundary }, callerPrincipal(c, source), sources);
    },
  },
};
