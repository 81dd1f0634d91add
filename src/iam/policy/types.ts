/** Public types of the policy engine: compiled policies, request contexts and decisions. */

/** A condition-key value as the request presents it: absent, one string, or a set of strings. */
export type ContextValue = string | readonly string[] | undefined;

/** What kind of document a policy is; decides which elements are allowed. */
export type PolicyKind = 'identity' | 'resource' | 'trust';

/** The calling principal, as the evaluator needs to see it. Null in a context means anonymous. */
export interface PrincipalInfo {
  /** 'Account' is the root user; sessions come from STS. */
  type: 'Account' | 'User' | 'AssumedRole' | 'FederatedUser';
  accountId: string;
  /** aws:PrincipalArn: user ARN, role ARN for role sessions, federated-user ARN, root ARN. */
  arn: string;
  /** For sessions: the session ARN (arn:aws:sts::A:assumed-role/r/s). */
  sessionArn?: string;
}

/** Everything one authorisation decision looks at. */
export interface RequestContext {
  /** 'service:Action', e.g. 's3:GetObject'. */
  action: string;
  /** Resource ARN, e.g. 'arn:aws:s3:::bucket/key', or '*' for actions without a resource. */
  resource: string;
  principal: PrincipalInfo | null;
  /**
   * Condition keys (names case-insensitive; for tag keys only the part before '/' is). Values
   * are strings: booleans as 'true'/'false', numbers in decimal, dates in ISO 8601.
   */
  keys: Readonly<Record<string, ContextValue>>;
}

/** One matched statement, for the audit record. */
export interface MatchedStatement {
  policyId: string;
  sid: string | undefined;
  effect: 'Allow' | 'Deny';
  /** Index of the statement in its policy's Statement list (0-based), e.g. for SimulateCustomPolicy positions. */
  statement: number;
}

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface EvaluationResult {
  decision: Decision;
  /** Every statement whose principal, action, resource and conditions matched, in evaluation order. */
  matched: MatchedStatement[];
}

/** The policies that apply to one request, by role in AWS's evaluation logic. */
export interface PolicySet {
  /** Identity policies of the principal (inline, attached managed, all its groups'). */
  identity?: readonly CompiledPolicy[];
  /** Resource-based policies (the bucket policy; a role's trust policy for sts:AssumeRole). */
  resource?: readonly CompiledPolicy[];
  /** The principal's permissions boundary, if it has one. */
  boundary?: CompiledPolicy | null;
  /** Session policies passed when a session was created (STS); only for session principals. */
  session?: readonly CompiledPolicy[] | null;
}

/** A parsed, validated, pre-compiled policy. Produced only by parsePolicy. */
export interface CompiledPolicy {
  readonly id: string;
  readonly kind: PolicyKind;
  readonly version: '2012-10-17' | '2008-10-17';
  readonly statements: readonly CompiledStatement[];
}

export interface CompiledStatement {
  readonly sid: string | undefined;
  readonly effect: 'Allow' | 'Deny';
  readonly principal: PrincipalMatcher | null;
  readonly notPrincipal: PrincipalMatcher | null;
  readonly actions: readonly RegExp[] | null;
  readonly notActions: readonly RegExp[] | null;
  /** null when the statement has no Resource/NotResource element (trust policies). */
  readonly resources: readonly Template[] | null;
  readonly notResources: readonly Template[] | null;
  readonly conditions: readonly CompiledCondition[];
}

export interface PrincipalMatcher {
  /** "*" or {"AWS": "*"}: everyone, including anonymous callers. */
  everyone: boolean;
  /** Account ids named as 12 digits or arn:aws:iam::A:root. */
  accounts: ReadonlySet<string>;
  /** User, role, session and federated-user ARNs named exactly. */
  arns: ReadonlySet<string>;
  /** Service principals (e.g. 'sts.amazonaws.com'), federated and canonical ids: never match a Coffer caller. */
  other: readonly string[];
}

/** A string that may hold policy variables, split into literal and variable parts. */
export interface Template {
  readonly parts: readonly TemplatePart[];
  readonly hasVariables: boolean;
  /** The RegExp when the text has no variables (and is not exact-only). */
  readonly compiled: RegExp | null;
  /** Per-template RegExps keyed by the variables' values (bounded). */
  readonly byValues: Map<string, RegExp>;
  /** The last variable values and their RegExp: the common case of one caller asking repeatedly. */
  last: { values: (string | null)[]; re: RegExp } | null;
}
/** `glob`: policy text (wildcards active in Like/ARN contexts); `exact`: an escape such as ${*}; `variable`: ${key, 'fallback'}. */
export type TemplatePart = { readonly glob: string } | { readonly exact: string } | { readonly variable: string; readonly fallback: string | undefined };

export interface CompiledCondition {
  /** The operator as written, for diagnostics. */
  readonly operator: string;
  readonly base: string;
  readonly set: 'ForAllValues' | 'ForAnyValue' | null;
  readonly ifExists: boolean;
  /** Lower-cased (normalised) condition key. */
  readonly key: string;
  readonly values: readonly CompiledValue[];
  /** True when the operator or key is unknown (only in lenient parsing): fails closed. */
  readonly invalid: boolean;
}

/** A condition value prepared for its operator. */
export type CompiledValue =
  | { readonly kind: 'template'; readonly template: Template }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'date'; readonly value: number }
  | { readonly kind: 'ip'; readonly test: (ip: string) => boolean }
  | { readonly kind: 'binary'; readonly value: Buffer }
  | { readonly kind: 'null'; readonly value: boolean };
