/** What an S3 handler receives and returns. Only authenticated requests reach handlers. */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { AuthenticatedRequest } from '../../auth/index.js';
import type { ObjectService } from '../../objects/index.js';
import { CofferError } from '../../shared/index.js';
import type { Target } from './router.js';
import type { GuardSession } from '../../guards/index.js';
import type { AccountPublicAccessBlockStore } from './handlers/account-public-access-block.js';

export interface S3Response {
  status: number;
  headers?: Record<string, string | number | undefined>;
  /** XML string, bytes, or an object body stream. */
  body?: string | Buffer | Readable;
}

import type { MfaDeletePort } from './mfa-delete.js';

export interface S3Context {
  requestId: string;
  op: string;
  target: Target;
  /** Bucket name, guaranteed for bucket and object operations. */
  bucket: string;
  /** Object key, guaranteed for object operations. */
  key: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  auth: AuthenticatedRequest;
  /** Principal id recorded as owner. */
  owner: string;
  secureTransport: boolean;
  objects: ObjectService;
  region: string;
  maxXmlBodyBytes: number;
  /** Limit for bodies that list many items (CompleteMultipartUpload, DeleteObjects). */
  maxBulkXmlBodyBytes: number;
  /** The decoded, signature-verified request body (aws-chunked framing removed). Read once. */
  body(): Readable;
  /** Trailing headers of an aws-chunked body (lower-case names); available after the body ended. */
  trailers(): Record<string, string>;
  /** Decoded payload length when the client declared it (Content-Length or x-amz-decoded-content-length). */
  declaredLength: number | null;
  /** The request's free-form field guard session (tag handlers check tags before storing them). */
  guard?: GuardSession;
  /** Account-wide settings (S3 Control PublicAccessBlock); absent when the server has none. */
  account?: AccountPublicAccessBlockStore;
  /** MFA Delete state and x-amz-mfa checks; absent: MfaDelete=Enabled is refused. */
  mfaDelete?: MfaDeletePort;
  /** Releasing a quarantined version (discovery); absent: the coffer:quarantine tag is refused. */
  quarantine?: QuarantinePort;
  /**
   * Authorizes one more IAM action on this request's resource, with the request's condition keys
   * and the mfa setting (e.g. coffer:ReleaseQuarantinedObject); throws auth.access_denied or
   * auth.mfa_required. Absent for anonymous requests.
   */
  authorizeAction?(action: string): Promise<void>;
}

/** Releases a quarantined object version: coffer:quarantine=released, other tags unchanged. */
export interface QuarantinePort {
  /** Null when the version (or the latest, without versionId) does not exist. */
  release(bucket: string, key: string, versionId: string | undefined): Promise<{ record: import('../../storage/metadata/port.js').ObjectVersionRecord; wasQuarantined: boolean } | null>;
}

export function header(c: S3Context, name: string): string | undefined {
  const v = c.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** Reads a bounded control body (XML, JSON); larger bodies are refused, not truncated. */
export async function readControlBody(c: S3Context, opts: { bulk?: boolean } = {}): Promise<Buffer> {
  const limit = opts.bulk ? c.maxBulkXmlBodyBytes : c.maxXmlBodyBytes;
  if (c.declaredLength !== null && c.declaredLength > limit) throw new CofferError('http.body_too_large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of c.body()) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new CofferError('http.body_too_large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export type S3Handler = (c: S3Context) => Promise<S3Response>;
