/**
 * The S3 edge of the error model: maps domain CofferError codes to S3 error codes and HTTP
 * statuses, and renders S3 error XML. Anything unmapped becomes InternalError (500); its details
 * go to the log only, never to the client.
 */
import { isCofferError } from '../../shared/index.js';
import { xmlDocument } from './xml.js';

export interface S3ErrorSpec {
  code: string;
  status: number;
  message: string;
}

/** Domain code -> S3 wire error. The message is the S3 default unless the CofferError carries one. */
export const S3_ERRORS: Readonly<Record<string, S3ErrorSpec>> = {
  // auth / sigv4
  'auth.missing': { code: 'AccessDenied', status: 403, message: 'Access Denied: anonymous requests are not accepted; sign the request with AWS Signature Version 4.' },
  'auth.malformed': { code: 'AuthorizationHeaderMalformed', status: 400, message: 'The authorization header is malformed.' },
  'auth.malformed_query': { code: 'AuthorizationQueryParametersError', status: 400, message: 'The presigned URL query parameters are malformed.' },
  'auth.invalid_access_key': { code: 'InvalidAccessKeyId', status: 403, message: 'The AWS Access Key Id you provided does not exist in our records.' },
  'auth.signature_mismatch': { code: 'SignatureDoesNotMatch', status: 403, message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.' },
  'auth.chunk_signature_mismatch': { code: 'SignatureDoesNotMatch', status: 403, message: 'The chunk signature we calculated does not match the signature you provided.' },
  'auth.time_skewed': { code: 'RequestTimeTooSkewed', status: 403, message: 'The difference between the request time and the current time is too large.' },
  'auth.expired': { code: 'AccessDenied', status: 403, message: 'Request has expired' },
  'auth.sha256_mismatch': { code: 'XAmzContentSHA256Mismatch', status: 400, message: "The provided 'x-amz-content-sha256' header does not match what was computed." },
  'auth.invalid_sha256': { code: 'InvalidArgument', status: 400, message: "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, a STREAMING-* value, or a valid sha256 value." },
  'auth.incomplete_body': { code: 'IncompleteBody', status: 400, message: 'You did not provide the number of bytes specified by the Content-Length HTTP header.' },
  'auth.malformed_chunk': { code: 'InvalidRequest', status: 400, message: 'The aws-chunked request body is malformed.' },
  'auth.unsupported_algorithm': { code: 'InvalidRequest', status: 400, message: 'Only AWS4-HMAC-SHA256 signatures are supported.' },
  'auth.headers_not_signed': { code: 'AccessDenied', status: 403, message: 'There were headers present in the request which were not signed' },
  'auth.missing_sha256': { code: 'InvalidRequest', status: 400, message: 'Missing required header for this request: x-amz-content-sha256' },
  'auth.access_denied': { code: 'AccessDenied', status: 403, message: 'Access Denied' },
  'auth.insecure_transport': { code: 'AccessDenied', status: 403, message: 'Access Denied: this request must be made over HTTPS.' },
  'auth.invalid_token': { code: 'InvalidToken', status: 400, message: 'The provided token is malformed or otherwise invalid.' },
  'auth.expired_token': { code: 'ExpiredToken', status: 400, message: 'The provided token has expired.' },
  'auth.mfa_required': { code: 'AccessDenied', status: 403, message: 'Access Denied: this request needs an MFA session.' },
  // checksums
  'checksum.invalid': { code: 'InvalidRequest', status: 400, message: 'The checksum headers are invalid.' },
  'checksum.invalid_digest': { code: 'InvalidDigest', status: 400, message: 'The Content-MD5 you specified was invalid.' },
  'checksum.bad_digest': { code: 'BadDigest', status: 400, message: 'The checksum you specified did not match the calculated checksum.' },
  'checksum.unsupported_algorithm': { code: 'InvalidRequest', status: 400, message: 'The checksum algorithm is not supported.' },
  'checksum.missing': { code: 'InvalidRequest', status: 400, message: 'Missing required header for this request: Content-MD5 or x-amz-checksum-*' },
  // crypto
  'crypto.integrity': { code: 'InternalError', status: 500, message: 'We encountered an internal error. Please try again.' },
  // server-side encryption (SSE-KMS failures carry the KMS exception name, as S3 reports them)
  'sse.invalid_argument': { code: 'InvalidArgument', status: 400, message: 'The encryption parameters are not valid.' },
  'sse.insecure_transport': { code: 'InvalidRequest', status: 400, message: 'Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.' },
  'sse.customer_key_required': { code: 'InvalidRequest', status: 400, message: 'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.' },
  'sse.customer_key_mismatch': { code: 'AccessDenied', status: 403, message: 'Access Denied: the customer-provided key does not match the key the object was encrypted with.' },
  'sse.customer_key_not_applicable': { code: 'InvalidRequest', status: 400, message: 'The encryption parameters are not applicable to this object.' },
  'sse.kms_unavailable': { code: 'NotImplemented', status: 501, message: 'SSE-KMS is not available on this server.' },
  'kms.not_found': { code: 'KMS.NotFoundException', status: 400, message: 'The KMS key does not exist.' },
  'kms.disabled': { code: 'KMS.DisabledException', status: 400, message: 'The KMS key is disabled.' },
  'kms.invalid_state': { code: 'KMS.KMSInvalidStateException', status: 400, message: 'The KMS key is pending deletion.' },
  'kms.key_deleted': { code: 'KMS.KMSInvalidStateException', status: 400, message: 'The KMS key that protected this object has been deleted; the object cannot be decrypted.' },
  'kms.invalid_ciphertext': { code: 'KMS.InvalidCiphertextException', status: 400, message: 'The KMS ciphertext of the object key is invalid.' },
  'kms.validation': { code: 'InvalidArgument', status: 400, message: 'The KMS key or encryption context is not valid.' },
  'crypto.unseal_failed': { code: 'InternalError', status: 500, message: 'We encountered an internal error. Please try again.' },
  // storage / objects
  'storage.bucket_exists': { code: 'BucketAlreadyOwnedByYou', status: 409, message: 'Your previous request to create the named bucket succeeded and you already own it.' },
  'storage.no_such_bucket': { code: 'NoSuchBucket', status: 404, message: 'The specified bucket does not exist' },
  'storage.bucket_not_empty': { code: 'BucketNotEmpty', status: 409, message: 'The bucket you tried to delete is not empty' },
  'storage.no_such_upload': { code: 'NoSuchUpload', status: 404, message: 'The specified multipart upload does not exist. The upload ID might be invalid, or the multipart upload might have been aborted or completed.' },
  'storage.precondition_failed': { code: 'PreconditionFailed', status: 412, message: 'At least one of the pre-conditions you specified did not hold' },
  'storage.no_such_version': { code: 'NoSuchVersion', status: 404, message: 'The specified version does not exist.' },
  'objects.no_such_bucket': { code: 'NoSuchBucket', status: 404, message: 'The specified bucket does not exist' },
  'objects.no_such_key': { code: 'NoSuchKey', status: 404, message: 'The specified key does not exist.' },
  'objects.no_such_version': { code: 'NoSuchVersion', status: 404, message: 'The specified version does not exist.' },
  'objects.invalid_version_id': { code: 'InvalidArgument', status: 400, message: 'Invalid version id specified' },
  'objects.delete_marker': { code: 'MethodNotAllowed', status: 405, message: 'The specified method is not allowed against this resource.' },
  'objects.invalid_bucket_name': { code: 'InvalidBucketName', status: 400, message: 'The specified bucket is not valid.' },
  'objects.key_too_long': { code: 'KeyTooLongError', status: 400, message: 'Your key is too long' },
  'objects.invalid_key': { code: 'InvalidArgument', status: 400, message: 'Object key names must be valid UTF-8 and not empty.' },
  'objects.entity_too_large': { code: 'EntityTooLarge', status: 400, message: 'Your proposed upload exceeds the maximum allowed size' },
  'objects.entity_too_small': { code: 'EntityTooSmall', status: 400, message: 'Your proposed upload is smaller than the minimum allowed object size.' },
  'objects.invalid_range': { code: 'InvalidRange', status: 416, message: 'The requested range is not satisfiable' },
  'objects.precondition_failed': { code: 'PreconditionFailed', status: 412, message: 'At least one of the pre-conditions you specified did not hold' },
  'objects.not_modified': { code: 'NotModified', status: 304, message: 'Not Modified' },
  'objects.conditional_conflict': { code: 'ConditionalRequestConflict', status: 409, message: 'A conflicting conditional operation is currently in progress against this resource.' },
  'objects.invalid_part': { code: 'InvalidPart', status: 400, message: 'One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part\'s entity tag.' },
  'objects.invalid_part_order': { code: 'InvalidPartOrder', status: 400, message: 'The list of parts was not in ascending order. Parts must be ordered by part number.' },
  'objects.invalid_part_number': { code: 'InvalidArgument', status: 400, message: 'Part number must be an integer between 1 and 10000, inclusive' },
  'objects.no_such_upload': { code: 'NoSuchUpload', status: 404, message: 'The specified multipart upload does not exist. The upload ID might be invalid, or the multipart upload might have been aborted or completed.' },
  'objects.invalid_copy_source': { code: 'InvalidArgument', status: 400, message: 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey' },
  'objects.invalid_copy_request': { code: 'InvalidRequest', status: 400, message: 'This copy request is illegal because it is trying to copy an object to itself without changing the object\'s metadata, storage class, website redirect location or encryption attributes.' },
  'objects.invalid_tag': { code: 'InvalidTag', status: 400, message: 'The tag provided was not a valid tag.' },
  'objects.no_such_tag_set': { code: 'NoSuchTagSet', status: 404, message: 'The TagSet does not exist' },
  'objects.invalid_argument': { code: 'InvalidArgument', status: 400, message: 'Invalid Argument' },
  'objects.invalid_request': { code: 'InvalidRequest', status: 400, message: 'Invalid Request' },
  'objects.metadata_too_large': { code: 'MetadataTooLarge', status: 400, message: 'Your metadata headers exceed the maximum allowed metadata size.' },
  'objects.invalid_location_constraint': { code: 'InvalidLocationConstraint', status: 400, message: 'The specified location-constraint is not valid' },
  'objects.illegal_versioning': { code: 'IllegalVersioningConfigurationException', status: 400, message: 'The Versioning element must be specified' },
  'objects.no_such_bucket_policy': { code: 'NoSuchBucketPolicy', status: 404, message: 'The bucket policy does not exist' },
  'objects.public_policy_blocked': { code: 'AccessDenied', status: 403, message: 'Access Denied: public policies are blocked by the BlockPublicPolicy block public access setting.' },
  'iam.malformed_policy': { code: 'MalformedPolicy', status: 400, message: 'The policy is malformed.' },
  'iam.policy_too_large': { code: 'MalformedPolicy', status: 400, message: 'Policies must be less than 20 KB.' },
  'objects.bucket_exists_other_region': { code: 'BucketAlreadyExists', status: 409, message: 'The requested bucket name is not available.' },
  // audit: a request that cannot be recorded is refused (fail closed)
  'audit.unavailable': { code: 'ServiceUnavailable', status: 503, message: 'The request could not be recorded in the audit trail, so it was refused. Check the server log and the free space of the data directory.' },
  // http
  'http.malformed_xml': { code: 'MalformedXML', status: 400, message: 'The XML you provided was not well-formed or did not validate against our published schema.' },
  'http.body_too_large': { code: 'MaxMessageLengthExceeded', status: 400, message: 'Your request was too big.' },
  'http.not_implemented': { code: 'NotImplemented', status: 501, message: 'A header or query you provided implies functionality that is not implemented.' },
  'http.method_not_allowed': { code: 'MethodNotAllowed', status: 405, message: 'The specified method is not allowed against this resource.' },
  'http.invalid_uri': { code: 'InvalidURI', status: 400, message: "Couldn't parse the specified URI." },
  'http.missing_content_length': { code: 'MissingContentLength', status: 411, message: 'You must provide the Content-Length HTTP header.' },
  'http.request_timeout': { code: 'RequestTimeout', status: 400, message: 'Your socket connection to the server was not read from or written to within the timeout period.' },
  'http.invalid_argument': { code: 'InvalidArgument', status: 400, message: 'Invalid Argument' },
  'http.unsupported_encoding': { code: 'InvalidArgument', status: 400, message: 'Invalid Encoding Method specified in Request' },
  // guards: the message names the field and the kind of data, never the value
  'guards.sensitive_field': { code: 'InvalidArgument', status: 400, message: 'A free-form field contains what looks like sensitive data.' },
};

/**
 * Codes that signal a broken invariant or an I/O failure inside the server, never a client
 * mistake: they deliberately surface as InternalError (details in the log only).
 */
export const INTERNAL_ERROR_CODES: ReadonlySet<string> = new Set([
  'checksum.finalized', 'checksum.not_computed', 'checksum.not_finished', 'checksum.size_mismatch',
  'storage.blob_aborted', 'storage.blob_not_finished', 'storage.blob_write_failed', 'storage.closed',
  'storage.invalid_argument', 'storage.invalid_range', 'storage.no_such_blob', 'storage.schema_too_new',
  'storage.upload_exists', 'storage.version_exists', 'storage.bad_key', 'http.internal',
  'objects.key_not_opened',
]);

export interface RenderedError {
  status: number;
  code: string;
  message: string;
  /** True when the failure was not the client's fault (logged with details). */
  internal: boolean;
}

/** Resolves any thrown value to the S3 error the client sees. */
export function toS3Error(err: unknown): RenderedError {
  if (isCofferError(err)) {
    const spec = S3_ERRORS[err.code];
    if (spec) {
      const message = err.message && err.message !== err.code ? err.message : spec.message;
      return { status: spec.status, code: spec.code, message, internal: spec.status >= 500 && spec.code === 'InternalError' };
    }
  }
  return { status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.', internal: true };
}

export function errorXml(e: RenderedError, resource: string, requestId: string, extra: Record<string, string> = {}): string {
  return xmlDocument('Error', { Code: e.code, Message: e.message, ...extra, Resource: resource, RequestId: requestId }, { namespace: false });
}
