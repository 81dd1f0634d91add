/**
 * AWS Signature Version 4 verification for the S3 (and IAM/STS/KMS) endpoints.
 *
 *   const auth = await verifyRequest(
 *     { method: req.method, rawPath, rawQuery, headers: req.headersDistinct },   // raw, still-encoded path/query
 *     { findSecret, region, clock, signingKeyCache },                            // one cache per server
 *   );
 *   const body = createPayloadVerifier(auth.payload);
 *   await pipeline(req, body, checksum, encrypt, blobs.write(...));  // commit only if the pipeline succeeds
 *   body.trailers()['x-amz-checksum-crc32'];                          // after the end, for aws-chunked uploads
 *
 * Non-S3 services (service 'iam', 'sts', ...) buffer their small body and pass `bodySha256`.
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
