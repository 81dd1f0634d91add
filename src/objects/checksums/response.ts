/**
 * Response headers for a stored checksum (GetObject/HeadObject with x-amz-checksum-mode: ENABLED,
 * PutObject, UploadPart, CompleteMultipartUpload). S3 rules kept here so handlers need not know
 * them: the stored value is returned as stored (a COMPOSITE keeps its `-N` suffix), with
 * x-amz-checksum-type; nothing is returned for a range request that is not the whole object,
 * because a whole-object checksum would fail the SDK's validation of the partial body.
 */
import { checksumHeaderName, type ChecksumAlgorithm, type ChecksumType } from './algorithms.js';

export interface StoredChecksum {
  readonly algorithm: ChecksumAlgorithm;
  /** As returned by combineMultipartChecksum or toBase64 of a single-part digest. */
  readonly value: string;
  readonly type: ChecksumType;
}

/** Headers to add to a response; empty when `partial` (a range or part read) or nothing is stored. */
export function checksumResponseHeaders(stored: StoredChecksum | undefined, options: { partial?: boolean } = {}): Record<string, string> {
  if (stored === undefined || options.partial === true) return {};
  return { [checksumHeaderName(stored.algorithm)]: stored.value, 'x-amz-checksum-type': stored.type };
}
