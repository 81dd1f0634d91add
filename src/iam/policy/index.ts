/**
 * The policy engine: parse and validate AWS-grammar policies, then decide requests with AWS's
 * evaluation logic. Pure: no I/O, no clock.
 *
 *   const p = parsePolicy(json, { id: 'arn:aws:iam::123456789012:policy/ReadTeamA', kind: 'identity' });
 *   const { decision, matched } = evaluate({ identity: [p], resource: [bucketPolicy] }, {
 *     action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/team-a/x', principal,
 *     keys: { ...globalConditionKeys(g), ...s3ConditionKeys(s) },
 *   });
 */

/** Parses + validates + compiles a policy; throws 'iam.malformed_policy' (details.problems) or 'iam.policy_too_large'. */
export { parsePolicy, type ParsePolicyOptions } from './parse-policy.js';
/** Decides one request: ExplicitDeny > Allow (root; resource policy naming the caller; identity ∩ boundary ∩ session) > ImplicitDeny. */
export { evaluate } from './evaluate.js';
/** Condition-key builders for the aws:* and s3:* keys of a request. */
export { globalConditionKeys, s3ConditionKeys, type GlobalKeyInput, type S3KeyInput } from './request-keys.js';
/** S3 request -> IAM checks (action + ARN), with …Version actions, copy sources, tagging and governance bypass. */
export { s3Checks, s3Arn, type S3Check, type S3CheckInput } from './s3-checks.js';
/** Condition-key catalogue: canonical names, types, and whether a key is multivalued. */
export { normalizeKey, keyType, isMultiValuedKey, type KeyType } from './condition-keys.js';
/** The operator catalogue (names as AWS spells them). */
export { OPERATORS, parseOperator } from './operators.js';
/** Engine types. */
export type {
  CompiledPolicy,
  CompiledStatement,
  ContextValue,
  Decision,
  EvaluationResult,
  MatchedStatement,
  PolicyKind,
  PolicySet,
  PrincipalInfo,
  RequestContext,
} from './types.js';
