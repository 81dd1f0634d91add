/**
 * AWS Signature Version 4 verification for the S3 (and IAM/STS/KMS) endpoints.
 * The HTTP layer calls verifyRequest, then pipes the body through createPayloadVerifier(auth.payload).
 */

/** Verifies header-signed and presigned requests; rejects with CofferError 'auth.*' (see errors.ts for the mapping). */
export { verifyRequest } from './verify-request.js';
/** Verifies the signature and expiry of a browser POST upload policy (conditions are evaluated by the caller). */
export { verifyPostPolicy, type PostPolicy, type VerifiedPostPolicy } from './verify-post-policy.js';
/** Streaming Transform that decodes/verifies the body according to AuthenticatedRequest.payload. */
export { createPayloadVerifier, type PayloadVerifier, type PayloadVerifierOptions } from './payload-verifier.js';
/** Request, options and result types; AuthenticatedRequest is branded (only verifyRequest makes one). */
export type {
  AuthenticatedRequest,
  FoundSecret,
  PayloadMode,
  SecretLookupContext,
  SigV4Request,
  VerifyOptions,
} from './types.js';
/** Bounded LRU of derived signing keys, shared across requests. */
export { createSigningKeyCache, deriveSigningKey, type SigningKeyCache } from './signing-key.js';
/** Error codes thrown here. */
export type { SigV4ErrorCode } from './errors.js';
/** Canonicalisation building blocks (S3 vs generic AWS services) and header map type. */
export {
  GENERIC_CANONICALIZATION,
  S3_CANONICALIZATION,
  buildCanonicalRequest,
  buildStringToSign,
  canonicalUri,
  type CanonicalizationOptions,
  type HeaderMap,
} from './canonical-request.js';
/** x-amz-content-sha256 sentinel values. */
export {
  EMPTY_SHA256,
  STREAMING_SIGNED,
  STREAMING_SIGNED_TRAILER,
  STREAMING_UNSIGNED_TRAILER,
  UNSIGNED_PAYLOAD,
} from './payload-mode.js';
/** Client-side signer for tests and benchmarks only. */
export {
  encodeUnsignedChunkedBody,
  presignUrl,
  signChunkedBody,
  signRequest,
  type PresignInput,
  type PresignResult,
  type SigV4Credentials,
  type SignRequestInput,
  type SigningResult,
} from './signer.js';
