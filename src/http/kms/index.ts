/**
 * The AWS KMS API over the JSON 1.1 protocol (`X-Amz-Target: TrentService.<Operation>`), so
 * `aws kms --endpoint-url` and `@aws-sdk/client-kms` work against the built-in KMS.
 *
 *   const handleKms = createKmsHandler({ kms });
 *   const res = await handleKms({ auth, target, body, conditionKeys });   // { status, headers, body, audit }
 *
 * Every operation authorises `kms:<Operation>` on the key ARN (or '*' for CreateKey, ListKeys,
 * ListAliases, GenerateRandom) with the caller's IAM policies.
 */
/** Builds the handler; domain errors become KMS JSON errors, unexpected ones are rethrown. */
export { createKmsHandler, type KmsHandlerDeps, type KmsHttpRequest, type KmsHttpResponse, type KmsAudit } from './handler.js';
/** The operations the API serves. */
export { KMS_OPERATIONS } from './operations.js';
/** CofferError -> KMS exception name and status. */
export { toKmsError, KMS_ERRORS, type KmsWireError } from './errors.js';
