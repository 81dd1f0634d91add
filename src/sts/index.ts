/**
 * STS: temporary credentials (ASIA keys, opaque session tokens stored hashed), GetSessionToken
 * and AssumeRole with MFA, and the findSecret that resolves sessions on every request.
 *
 *   const { findSecret } = createSessionResolver({ store, clock, longTerm: resolver.findSecret });
 *   const s = await getSessionToken({ store, clock, accountId }, caller, { serialNumber, tokenCode });
 */

/** New temporary credentials; token hashing and constant-time token checks. */
export { newTemporaryCredentials, sessionTokenHash, sessionTokenMatches, isTemporaryAccessKeyId, type TemporaryCredentials } from './credentials.js';
/** findSecret over long-term keys and sessions (invalid token, expiry, revocation enforced per request). */
export { createSessionResolver, assumedRoleArn, compileSessionPolicies, type FindSecret } from './session-resolver.js';
/** GetSessionToken / AssumeRole domain logic ('sts.*' errors). */
export {
  getSessionToken,
  assumeRole,
  MFA_INVALID_CODE,
  MFA_UNKNOWN_DEVICE,
  type StsDeps,
  type IssuedSession,
  type AssumeRoleInput,
  type AssumedRole,
} from './issue-session.js';
