/**
 * Error codes thrown by the SigV4 verifier. The S3 edge maps them to wire errors:
 *
 *   auth.missing                 -> AccessDenied (no credentials at all)
 *   auth.malformed               -> AuthorizationHeaderMalformed / AuthorizationQueryParametersError
 *   auth.unsupported_algorithm   -> InvalidArgument / NotImplemented (SigV2, SigV4A, ...)
 *   auth.invalid_access_key      -> InvalidAccessKeyId
 *   auth.signature_mismatch      -> SignatureDoesNotMatch
 *   auth.time_skewed             -> RequestTimeTooSkewed
 *   auth.expired                 -> AccessDenied "Request has expired"
 *   auth.headers_not_signed      -> AccessDenied "There were headers present in the request which were not signed"
 *   auth.missing_sha256          -> InvalidRequest "Missing required header for this request: x-amz-content-sha256"
 *   auth.invalid_sha256          -> InvalidArgument (bad x-amz-content-sha256 value, aws-chunked with a non-streaming value)
 *   auth.sha256_mismatch         -> XAmzContentSHA256Mismatch
 *   auth.chunk_signature_mismatch-> SignatureDoesNotMatch
 *   auth.incomplete_body         -> IncompleteBody
 *   auth.malformed_chunk         -> InvalidRequest (bad aws-chunked framing, limits exceeded)
 *
 * Messages are safe for clients: they never carry the secret key, signatures we computed,
 * or header values. Diagnostics (canonical request, string to sign) go in `details` only.
 */
import { CofferError } from '../../shared/index.js';

export type SigV4ErrorCode =
  | 'auth.missing'
  | 'auth.malformed'
  | 'auth.unsupported_algorithm'
  | 'auth.invalid_access_key'
  | 'auth.signature_mismatch'
  | 'auth.time_skewed'
  | 'auth.expired'
  | 'auth.headers_not_signed'
  | 'auth.missing_sha256'
  | 'auth.invalid_sha256'
  | 'auth.sha256_mismatch'
  | 'auth.chunk_signature_mismatch'
  | 'auth.incomplete_body'
  | 'auth.malformed_chunk';

export function authError(code: SigV4ErrorCode, message: string, details?: Record<string, unknown>): CofferError {
  return new CofferError(code, details === undefined ? { message } : { message, details });
}
