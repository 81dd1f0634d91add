/** Test helpers for the policy engine (imported only by tests). */
import { evaluate } from './evaluate.js';
import { parsePolicy } from './parse-policy.js';
import type { CompiledPolicy, ContextValue, Decision, PolicyKind, PrincipalInfo } from './types.js';

export const ACCOUNT = '123456789012';
export const alice: PrincipalInfo = { type: 'User', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/alice` };
export const root: PrincipalInfo = { type: 'Account', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root` };
export const roleSession: PrincipalInfo = {
  type: 'AssumedRole',
  accountId: ACCOUNT,
  arn: `arn:aws:iam::${ACCOUNT}:role/reader`,
  sessionArn: `arn:aws:sts::${ACCOUNT}:assumed-role/reader/s1`,
};
export const federated: PrincipalInfo = { type: 'FederatedUser', accountId: ACCOUNT, arn: `arn:aws:sts::${ACCOUNT}:federated-user/bob` };

let n = 0;
/** Parses a policy given as an object (strict). */
export function policy(doc: unknown, kind: PolicyKind = 'identity'): CompiledPolicy {
  return parsePolicy(JSON.stringify(doc), { id: `p${++n}`, kind });
}

/** A 2012-10-17 identity policy with the given statements. */
export function identity(...statements: unknown[]): CompiledPolicy {
  return policy({ Version: '2012-10-17', Statement: statements });
}

/** A 2012-10-17 resource (bucket) policy with the given statements. */
export function bucketPolicy(...statements: unknown[]): CompiledPolicy {
  return policy({ Version: '2012-10-17', Statement: statements }, 'resource');
}

export interface Case {
  action?: string;
  resource?: string;
  principal?: PrincipalInfo | null;
  keys?: Record<string, ContextValue>;
}

/** The decision for alice (by default) asking s3:GetObject on arn:aws:s3:::b/k (by default). */
export function decide(policies: { identity?: CompiledPolicy[]; resource?: CompiledPolicy[]; boundary?: CompiledPolicy; session?: CompiledPolicy[] }, c: Case = {}): Decision {
  return evaluate(policies, {
    action: c.action ?? 's3:GetObject',
    resource: c.resource ?? 'arn:aws:s3:::b/k',
    principal: c.principal === undefined ? alice : c.principal,
    keys: { 'aws:username': 'alice', ...(c.keys ?? {}) },
  }).decision;
}
