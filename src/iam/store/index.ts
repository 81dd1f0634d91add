/**
 * The identity store: users, groups, roles, managed and inline policies, access keys (secrets
 * sealed under the master key) and login profiles (scrypt), in a page-encrypted SQLite file.
 *
 *   const store = openSqliteIamStore({ path: join(dataDir, 'iam.db'), masterKey, accountId });
 *   const resolver = createAccessKeyResolver({ store, clock });
 *   verifyRequest(req, { findSecret: resolver.findSecret, ... })   // auth.principal is an IamCaller
 */

/** The store port (all methods async; errors are 'iam.*' CofferErrors). */
export type { IamStore, MfaStore, SessionStore } from './port.js';
/** Opens (creating and migrating) the SQLite identity store keyed by HKDF(master, 'iam-db/v1'). */
export { openSqliteIamStore, type SqliteIamStoreOptions } from './open-sqlite-iam-store.js';
/** findSecret for SigV4 over the store, with per-revision caching of compiled policies. */
export { createAccessKeyResolver, callerForUser, compileDocuments, type AccessKeyResolver, type IamCaller, type CallerSession } from './resolve-access-key.js';
/** Idempotently creates the admin user, an AdministratorAccess policy attached to it, and imports its key. */
export { provisionAdminUser, ADMIN_POLICY_NAME } from './provision-admin.js';
/** Password hashing (scrypt) and password-policy checks. */
export { hashPassword, verifyPassword, checkPassword } from './password.js';
/** Name, path and ARN rules; id generators. */
export { validateName, validatePath, arnOf, isoDate, newAccessKeyId, newSecretAccessKey } from './names.js';
/** Store entities. */
export * from './types.js';
/** Virtual MFA devices and STS session records. */
export * from './mfa-session-types.js';
