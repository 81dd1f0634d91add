/**
 * The default authoriser of IAM actions: evaluates the caller's compiled identity policies
 * (IamCaller from the identity store's findSecret) with the request's condition keys. A caller
 * without policies (anything that is not an IamCaller) is implicitly denied: fail closed.
 */
import type { AuthenticatedRequest } from '../../auth/index.js';
import { evaluate, type CompiledPolicy, type ContextValue, type EvaluationResult } from '../../iam/policy/index.js';
import type { IamCaller } from '../../iam/store/index.js';

export interface IamAuthorizationRequest {
  auth: AuthenticatedRequest;
  /** 'iam:CreateUser' etc. */
  action: string;
  resource: string;
  /** Request condition keys from the pipeline (aws:SecureTransport, aws:SourceIp, aws:CurrentTime, …). */
  conditionKeys: Readonly<Record<string, ContextValue>>;
}

export type IamAuthorizer = (request: IamAuthorizationRequest) => Promise<EvaluationResult> | EvaluationResult;

export function isIamCaller(p: unknown): p is IamCaller {
  if (typeof p !== 'object' || p === null) return false;
  const t = (p as IamCaller).type;
  return (t === 'User' || t === 'AssumedRole' || t === 'Account') && typeof (p as IamCaller).policies === 'object';
}

/** aws:username, aws:userid, aws:PrincipalArn/Account/Type and aws:PrincipalTag/* for a caller. */
export function callerConditionKeys(caller: IamCaller): Record<string, ContextValue> {
  const k: Record<string, ContextValue> = {
    'aws:userid': caller.id,
    'aws:PrincipalArn': caller.arn,
    'aws:PrincipalAccount': caller.accountId,
    'aws:PrincipalType': caller.type,
  };
  // aws:username exists for IAM users (and their GetSessionToken sessions) only.
  if (caller.type === 'User' && caller.userName !== undefined) k['aws:username'] = caller.userName;
  for (const [key, value] of Object.entries(caller.tags)) k[`aws:PrincipalTag/${key}`] = value;
  return k;
}

/**
 * One decision for any caller: an IamCaller is evaluated with its identity policies and
 * boundary plus the given resource policies (e.g. the bucket policy); null (anonymous) only
 * against the resource policies; anything else is implicitly denied (fail closed).
 */
export function evaluateForPrincipal(
  principal: unknown,
  request: { action: string; resource: string; conditionKeys: Readonly<Record<string, ContextValue>>; resourcePolicies?: readonly CompiledPolicy[] },
): EvaluationResult {
  const resource = request.resourcePolicies ?? [];
  if (principal === null) return evaluate({ resource }, { action: request.action, resource: request.resource, principal: null, keys: request.conditionKeys });
  if (!isIamCaller(principal)) return { decision: 'ImplicitDeny', matched: [] };
  return evaluate(
    { ...principal.policies, resource },
    { action: request.action, resource: request.resource, principal, keys: { ...request.conditionKeys, ...callerConditionKeys(principal) } },
  );
}

export const authorizeIamCaller: IamAuthorizer = ({ auth, action, resource, conditionKeys }) => evaluateForPrincipal(auth.principal, { action, resource, conditionKeys });
