/**
 * The STS API over the awsQuery protocol (GetCallerIdentity, GetSessionToken, AssumeRole).
 *
 *   const handle = createStsHandler({ store, clock, accountId });
 *   const res = await handle({ auth, body, requestId, conditionKeys });   // unmapped errors throw
 */
export { createStsHandler, STS_NAMESPACE, STS_VERSION, type StsHttpRequest, type StsHttpResponse } from './handler.js';
