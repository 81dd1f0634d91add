/**
 * The S3 request pipeline:
 *   route (bucket, key, operation) -> verify SigV4 -> authorise (operation table)
 *   -> handler (with the verified, decoded body) -> response or S3 error XML.
 * Every response carries x-amz-request-id. Logs carry no header values, keys or secrets.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import { CofferError, isCofferError, type Clock } from '../../shared/index.js';
import { createPayloadVerifier, verifyRequest, type AuthenticatedRequest, type VerifyOptions } from '../../auth/index.js';
import type { ObjectService } from '../../objects/index.js';
import type { EvaluationResult } from '../../iam/policy/index.js';
import { validateBucketName } from '../../objects/index.js';
import type { S3Context, S3Response } from './context.js';
import { errorXml, toS3Error } from './errors.js';
import { S3_OPERATIONS, type S3Operation, type S3OperationName } from './operations.js';
import { resolveOperation, resolveTarget, type Target } from './router.js';
import { guardS3Request } from './guard-fields.js';
import { logAccess, redactFlagged, type FieldGuard, type FreeFormMode, type GuardSession } from '../../guards/index.js';
import type { AccountPublicAccessBlockStore } from './handlers/account-public-access-block.js';
import type { MfaDeletePort } from './mfa-delete.js';
import type { QuarantinePort } from './context.js';

export interface S3HandlerDeps {
  objects: ObjectService;
  findSecret: VerifyOptions['findSecret'];
  /**
   * Decides whether an authenticated principal may run an operation (IAM plugs in here). Throws
   * to refuse (auth.access_denied carries details.decision); returns the Allow decision for the
   * audit record, or null when no policy was evaluated.
   */
  authorize: (
    auth: AuthenticatedRequest,
    op: S3Operation & { name: S3OperationName },
    target: Target,
    secureTransport: boolean,
    req: IncomingMessage,
  ) => Promise<EvaluationResult | null | void>;
  clock: Clock;
  region: string;
  baseDomain: string | null;
  maxXmlBodyBytes: number;
  maxBulkXmlBodyBytes: number;
  logger: Logger;
  /** Free-form field guard (bucket names, key names, metadata, tags); absent: nothing is checked. */
  guard?: FieldGuard;
  /** Per-bucket modes for object key names (guards.objectKeyNames). */
  objectKeyNameModes?: Readonly<Record<string, FreeFormMode>>;
  /**
   * Decides an anonymous request (no Authorization header, no presigned query) against the
   * bucket policy, as Block Public Access allows. Throws to refuse (auth.access_denied). Without
   * it, anonymous requests are refused outright.
   */
  authorizeAnonymous?: (
    op: S3Operation & { name: S3OperationName },
    target: Target,
    secureTransport: boolean,
    req: IncomingMessage,
  ) => Promise<EvaluationResult>;
  /** Account-wide settings for the S3 Control PublicAccessBlock operations and for bucket handlers. */
  account?: AccountPublicAccessBlockStore;
  /** MFA Delete (x-amz-mfa) on versioned buckets; absent: MfaDelete=Enabled is refused. */
  mfaDelete?: MfaDeletePort;
  /** Releasing quarantined versions (PutObjectTagging coffer:quarantine=released); absent: refused. */
  quarantine?: QuarantinePort;
  /**
   * Called once per request with its outcome, after the operation and before the reply is
   * sent (the audit trail hooks in here). If it throws, the client gets InternalError.
   */
  beforeReply?: (outcome: RequestOutcome) => Promise<void>;
}

/** What happened to one request, for the audit trail. Never carries secrets or bodies. */
export interface RequestOutcome {
  requestId: string;
  operation: S3OperationName | 'Unknown';
  action: string | null;
  readOnly: boolean;
  /** Null when authentication failed or was not attempted. */
  auth: AuthenticatedRequest | null;
  /** The access key id the client claimed, even when verification failed. */
  claimedAccessKeyId: string | null;
  bucket: string | null;
  key: string | null;
  query: URLSearchParams;
  status: number;
  errorCode: string | null;
  errorMessage: string | null;
  responseHeaders: Record<string, string | number | undefined>;
  req: IncomingMessage;
  secureTransport: boolean;
  /** Client address, captured when the request arrived (the socket may be gone by the reply). */
  sourceIp: string;
  startedAt: number;
  /** The policy decision (Allow, or the denying result); null when no policy was evaluated. */
  decision: EvaluationResult | null;
  /** Free-form field guard findings (no values) and the flagged strings to hide; null without a guard. */
  guard: GuardSession | null;
}

/** The access key id in an Authorization header or presigned query, without verifying anything. */
function claimedKeyId(req: IncomingMessage, query: URLSearchParams): string | null {
  const h = req.headers.authorization;
  const m = h ? /Credential=([A-Z0-9]{16,128})\//.exec(h) : null;
  if (m) return m[1]!;
  const q = query.get('X-Amz-Credential');
  const id = q?.split('/')[0];
  return id && /^[A-Z0-9]{16,128}$/.test(id) ? id : null;
}

/** No Authorization header and no presigned-URL parameters: an anonymous request. */
function isAnonymous(req: IncomingMessage, query: URLSearchParams): boolean {
  return req.headers.authorization === undefined && !query.has('X-Amz-Algorithm') && !query.has('X-Amz-Credential') && !query.has('X-Amz-Signature');
}

/**
 * What handlers see of an anonymous request that the bucket policy allowed: no principal, no
 * access key (owner 'anonymous'), an unsigned body. Not a verified signature, hence the cast;
 * it is made only after authorizeAnonymous decided the request.
 */
function anonymousRequest(region: string, nowMs: number): AuthenticatedRequest {
  return {
    accessKeyId: '',
    principal: null,
    method: 'header',
    payload: { kind: 'unsigned' },
    signedHeaders: [],
    region,
    service: 's3',
    date: new Date(nowMs).toISOString().slice(0, 10).replace(/-/g, ''),
    requestTimeMs: nowMs,
  } as unknown as AuthenticatedRequest;
}

export function newRequestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

export function createS3Handler(deps: S3HandlerDeps) {
  return async function handleS3(req: IncomingMessage, res: ServerResponse, secureTransport: boolean): Promise<void> {
    const started = process.hrtime.bigint();
    const requestId = newRequestId();
    res.setHeader('x-amz-request-id', requestId);
    res.setHeader('x-amz-id-2', randomBytes(24).toString('base64'));
    res.setHeader('server', 'Coffer');
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q >= 0 ? url.slice(0, q) : url;
    const rawQuery = q >= 0 ? url.slice(q + 1) : '';
    let opName: S3OperationName | 'Unknown' = 'Unknown';
    let resource = rawPath;
    let auth: AuthenticatedRequest | null = null;
    let target: Target | null = null;
    let decision: EvaluationResult | null = null;
    const query = new URLSearchParams(rawQuery);
    const startedAt = deps.clock.now();
    const sourceIp = req.socket?.remoteAddress ?? 'unknown';
    const guard = deps.guard?.session() ?? null;
    const outcome = (status: number, errorCode: string | null, errorMessage: string | null, responseHeaders: Record<string, string | number | undefined>): RequestOutcome => {
      const operation = opName === 'Unknown' ? null : S3_OPERATIONS[opName];
      return {
        requestId,
        operation: opName,
        action: operation?.action ?? null,
        readOnly: operation?.readOnly ?? true,
        auth,
        claimedAccessKeyId: claimedKeyId(req, query),
        bucket: target?.bucket ?? null,
        key: target?.key ?? null,
        query,
        status,
        errorCode,
        errorMessage,
        responseHeaders,
        req,
        secureTransport,
        sourceIp,
        startedAt,
        decision,
        guard,
      };
    };
    try {
      target = resolveTarget(rawPath, req.headers.host, deps.baseDomain);
      resource = target.bucket === null ? '/' : `/${target.bucket}${target.key !== null ? '/' + target.key : ''}`;
      opName = resolveOperation(req.method ?? 'GET', query, req.headers, target);
      const operation = S3_OPERATIONS[opName];
      let handlerAuth: AuthenticatedRequest;
      if (deps.authorizeAnonymous && isAnonymous(req, query)) {
        // auth stays null (the audit trail records an anonymous caller); handlers see a request
        // with no principal, no access key and an unsigned body.
        decision = await deps.authorizeAnonymous({ ...operation, name: opName }, target, secureTransport, req);
        handlerAuth = anonymousRequest(deps.region, startedAt);
      } else {
        auth = await verifyRequest(
          { method: req.method ?? 'GET', rawPath, rawQuery, headers: req.headersDistinct },
          { findSecret: deps.findSecret, region: deps.region, clock: deps.clock },
        );
        decision = (await deps.authorize(auth, { ...operation, name: opName }, target, secureTransport, req)) ?? null;
        handlerAuth = auth;
      }
      if (operation.resource !== 'service' && target.bucket !== null && opName !== 'CreateBucket') {
        // A name that can never be a bucket simply does not exist.
        try {
          validateBucketName(target.bucket);
        } catch (cause) {
          throw new CofferError('objects.no_such_bucket', { cause });
        }
      }
      const ctx = makeContext(deps, req, handlerAuth, { requestId, opName, target, query, secureTransport });
      if (guard) {
        guardS3Request(guard, opName, target, req.headers, deps.objectKeyNameModes);
        ctx.guard = guard;
      }
      const response = await operation.handler(ctx);
      if (deps.beforeReply) {
        try {
          await deps.beforeReply(outcome(response.status, null, null, response.headers ?? {}));
        } catch (auditErr) {
          if (response.body && typeof response.body !== 'string' && !Buffer.isBuffer(response.body)) response.body.destroy();
          throw auditErr;
        }
      }
      await send(req, res, response);
      log(deps.logger, { requestId, op: opName, status: res.statusCode, started, principal: principalOf(auth, req, query), findings: guard?.findings.length ?? 0 });
    } catch (err) {
      let failure: unknown = err;
      let e = toS3Error(failure);
      if (decision === null && isCofferError(err, 'auth.access_denied')) {
        const denied = (err.details as { decision?: EvaluationResult }).decision;
        if (denied) decision = denied;
      }
      if (e.internal) deps.logger.error({ requestId, op: opName, err: describe(err) }, 'request failed');
      if (deps.beforeReply && !res.headersSent) {
        try {
          await deps.beforeReply(outcome(e.status, e.code, e.message, {}));
        } catch (auditErr) {
          deps.logger.error({ requestId, err: describe(auditErr) }, 'could not record the request in the audit trail');
          failure = auditErr;
          e = toS3Error(failure);
        }
      }
      sendError(req, res, failure, resource, requestId);
      log(deps.logger, { requestId, op: opName, status: e.status, started, code: e.code, principal: principalOf(auth, req, query), findings: guard?.findings.length ?? 0 });
    }
  };
}

function describe(err: unknown): Record<string, unknown> {
  if (err instanceof Error) return { name: err.name, code: (err as { code?: unknown }).code, message: err.message, stack: err.stack };
  return { value: String(err) };
}

/** Who made the request, for the access log: the principal's ARN, else the claimed access key id. */
function principalOf(auth: AuthenticatedRequest | null, req: IncomingMessage, query: URLSearchParams): string | null {
  const arn = (auth?.principal as { arn?: unknown } | null | undefined)?.arn;
  return typeof arn === 'string' ? arn : claimedKeyId(req, query);
}

/** The request's access line (stable schema, see src/guards/logger.ts). */
function log(logger: Logger, f: { requestId: string; op: string; status: number; started: bigint; code?: string; principal: string | null; findings: number }): void {
  const ms = Number(process.hrtime.bigint() - f.started) / 1e6;
  logAccess(logger, { requestId: f.requestId, service: 's3', operation: f.op, principal: f.principal, status: f.status, latencyMs: ms, errorCode: f.code ?? null, guardFindings: f.findings });
}

function makeContext(
  deps: S3HandlerDeps,
  req: IncomingMessage,
  auth: AuthenticatedRequest,
  r: { requestId: string; opName: S3OperationName; target: Target; query: URLSearchParams; secureTransport: boolean },
): S3Context {
  const payload = auth.payload;
  let declaredLength: number | null = null;
  if (payload.kind === 'streaming-signed' || payload.kind === 'streaming-unsigned-trailer') {
    declaredLength = payload.decodedLength;
  } else if (req.headers['content-length'] !== undefined) {
    declaredLength = Number(req.headers['content-length']);
  }
  let verifier: (PassThrough & { trailers(): Record<string, string> }) | null = null;
  const body = (): Readable => {
    if (verifier) throw new CofferError('http.internal', { message: 'request body read twice' });
    const v = createPayloadVerifier(payload);
    verifier = v as unknown as PassThrough & { trailers(): Record<string, string> };
    pipeline(req, v).catch((err: unknown) => v.destroy(err as Error));
    return v;
  };
  return {
    requestId: r.requestId,
    op: r.opName,
    target: r.target,
    bucket: r.target.bucket ?? '',
    key: r.target.key ?? '',
    query: r.query,
    headers: req.headers,
    auth,
    owner: auth.accessKeyId === '' ? 'anonymous' : String((auth.principal as { id?: string } | null)?.id ?? auth.accessKeyId),
    secureTransport: r.secureTransport,
    objects: deps.objects,
    ...(deps.account ? { account: deps.account } : {}),
    ...(deps.mfaDelete ? { mfaDelete: deps.mfaDelete } : {}),
    ...(deps.quarantine ? { quarantine: deps.quarantine } : {}),
    ...(auth.accessKeyId !== ''
      ? {
        authorizeAction: async (action: string) => {
          await deps.authorize(auth, { ...S3_OPERATIONS[r.opName], name: r.opName, action }, r.target, r.secureTransport, req);
        },
      }
      : {}),
    region: deps.region,
    maxXmlBodyBytes: deps.maxXmlBodyBytes,
    maxBulkXmlBodyBytes: deps.maxBulkXmlBodyBytes,
    body,
    trailers: () => (verifier ? verifier.trailers() : {}),
    declaredLength,
  };
}

async function send(req: IncomingMessage, res: ServerResponse, r: S3Response): Promise<void> {
  res.statusCode = r.status;
  for (const [k, v] of Object.entries(r.headers ?? {})) if (v !== undefined) res.setHeader(k, v);
  if (!req.complete) res.setHeader('connection', 'close');
  const body = r.body;
  if (body === undefined || req.method === 'HEAD') {
    if (body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body)) body.destroy();
    if (!res.hasHeader('content-length')) res.setHeader('content-length', 0);
    res.end();
    return;
  }
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    res.setHeader('content-length', Buffer.byteLength(body));
    res.end(body);
    return;
  }
  try {
    await pipeline(body, res);
  } catch (err) {
    // Headers are gone: the only honest signal left is to cut the connection short.
    res.destroy(err as Error);
    throw err;
  }
}

function sendError(req: IncomingMessage, res: ServerResponse, err: unknown, resource: string, requestId: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const e = toS3Error(err);
  res.statusCode = e.status;
  if (isCofferError(err)) {
    const d = err.details as { deleteMarker?: boolean; versionId?: string; etag?: string; lastModified?: number };
    if (d.deleteMarker) res.setHeader('x-amz-delete-marker', 'true');
    if (d.versionId && d.versionId !== 'null') res.setHeader('x-amz-version-id', d.versionId);
    if (e.status === 304) {
      if (d.etag) res.setHeader('etag', d.etag);
      if (d.lastModified) res.setHeader('last-modified', new Date(d.lastModified).toUTCString());
    }
  }
  for (const h of ['content-type', 'content-length', 'etag', 'last-modified', 'content-range']) if (e.status !== 304 || h.startsWith('content')) res.removeHeader(h);
  if (!req.complete) res.setHeader('connection', 'close');
  if (e.status === 304 || req.method === 'HEAD') {
    res.setHeader('content-length', 0);
    res.end();
    return;
  }
  // Error responses never echo personal data or credentials (a key name with a card number).
  const xml = errorXml({ ...e, message: redactFlagged(e.message) }, redactFlagged(resource), requestId);
  res.setHeader('content-type', 'application/xml');
  res.setHeader('content-length', Buffer.byteLength(xml));
  res.end(xml);
}
