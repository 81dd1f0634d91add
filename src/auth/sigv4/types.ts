/** Public types of the SigV4 verifier. */
import type { Clock } from '../../shared/index.js';
import type { CanonicalizationOptions, HeaderMap } from './canonical-request.js';
import type { SigningKeyCache } from './signing-key.js';

export interface SigV4Request {
  /** HTTP method as received (upper case). */
  method: string;
  /** Raw request path exactly as received, still percent-encoded, without the query. */
  rawPath: string;
  /** Raw query string without '?', still encoded ('' if none). */
  rawQuery: string;
  /**
   * Header names (any case); values as Node delivers them (latin1 byte strings). Prefer
   * `req.headersDistinct`: `req.headers` joins repeated headers with ", " (and drops duplicates of some),
   * while SigV4 joins them with ",".
   */
  headers: HeaderMap;
}

export interface SecretLookupContext {
  /** X-Amz-Security-Token of the request, if any (header or query). */
  sessionToken?: string;
}

export interface FoundSecret {
  secretAccessKey: string;
  /** Opaque to the verifier; returned in AuthenticatedRequest.principal. */
  principal: unknown;
}

export interface VerifyOptions {
  /**
   * Resolves an access key id to its secret; null when unknown or disabled (-> auth.invalid_access_key).
   * For temporary (STS) keys it must also check `context.sessionToken` and return null when it is missing or wrong.
   */
  findSecret: (accessKeyId: string, context: SecretLookupContext) => Promise<FoundSecret | null>;
  /** The region this server answers for; the credential scope must name exactly this region. */
  region: string;
  /** Service in the credential scope; default 's3'. */
  service?: string;
  clock: Clock;
  /** Allowed |now - request time| for header auth, and how far in the future a presigned URL may start; default 15 min. */
  maxSkewMs?: number;
  /** Largest accepted X-Amz-Expires; default (and hard maximum) 604800 (7 days). */
  maxPresignExpirySeconds?: number;
  /** Path canonicalisation; default S3 rules for service 's3', generic AWS rules otherwise. */
  canonicalization?: CanonicalizationOptions;
  /**
   * Require x-amz-content-sha256 on header-signed requests; default true for service 's3'.
   * When it is absent and not required, the payload hash is `bodySha256` (the caller buffered the body).
   */
  requireContentSha256?: boolean;
  /** Hex SHA-256 of an already-buffered body, for non-S3 services that do not send x-amz-content-sha256. */
  bodySha256?: string;
  /** Shared LRU of derived signing keys (create one per server with createSigningKeyCache()). */
  signingKeyCache?: SigningKeyCache;
}

/** How the request body must be checked; see createPayloadVerifier. */
export type PayloadMode =
  | { kind: 'sha256'; expectedHex: string }
  | { kind: 'unsigned' }
  | {
      kind: 'streaming-signed';
      trailer: boolean;
      decodedLength: number | null;
      seedSignature: string;
      signingKey: Buffer;
      scope: string;
      amzDate: string;
      trailerHeaders: string[];
    }
  | { kind: 'streaming-unsigned-trailer'; decodedLength: number | null; trailerHeaders: string[] };

declare const authenticatedBrand: unique symbol;

/** A request whose signature verified. Only verifyRequest / verifyPostPolicy produce one (the brand cannot be forged without a cast). */
export interface AuthenticatedRequest {
  readonly [authenticatedBrand]: true;
  readonly accessKeyId: string;
  /** What findSecret returned for the key. */
  readonly principal: unknown;
  /** How the request was signed; 'post-policy' only comes from verifyPostPolicy (browser form uploads). */
  readonly method: 'header' | 'presigned' | 'post-policy';
  readonly payload: PayloadMode;
  /** Lower-case names of the signed headers, sorted. */
  readonly signedHeaders: readonly string[];
  readonly region: string;
  readonly service: string;
  /** yyyymmdd of the credential scope. */
  readonly date: string;
  /** Request time (x-amz-date / X-Amz-Date / Date) in milliseconds since the epoch. */
  readonly requestTimeMs: number;
  /** For presigned URLs and POST policies: when the signature stops being valid (ms since the epoch). */
  readonly expiresAtMs?: number;
  /** X-Amz-Security-Token, if present (header or query); the caller must check it belongs to the key. */
  readonly sessionToken?: string;
}
