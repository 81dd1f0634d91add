/**
 * The IAM API over the awsQuery protocol. The server routes a request here when its SigV4
 * credential scope names service 'iam' (POST /, form body Action=…&Version=2010-05-08).
 *
 *   const handleIam = createIamHandler({ store, clock, accountId });
 *   const res = await handleIam({ auth, body, requestId, conditionKeys });   // { status, headers, body, audit }
 */

/** Builds the handler: form body -> authorised action -> XML response (never throws). */
export { createIamHandler, IAM_ACTIONS, IAM_VERSION, type IamHandlerDeps, type IamHttpRequest, type IamHttpResponse } from './handler.js';
/**
 * Default authoriser (the caller's identity policies); evaluateForPrincipal(principal, { action, resource,
 * conditionKeys, resourcePolicies }) decides any request (S3 too) for an IamCaller or null (anonymous).
 */
export { authorizeIamCaller, evaluateForPrincipal, callerConditionKeys, isIamCaller, type IamAuthorizer, type IamAuthorizationRequest } from './authorize.js';
/** CofferError -> IAM error code and status. */
export { toIamError, MAPPED_CODES, type IamWireError } from './errors.js';
