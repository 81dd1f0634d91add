/**
 * One route for every non-S3 API on the shared listener (IAM and STS on the query protocol;
 * KMS, CloudTrail and Macie on JSON): the SigV4 credential scope names the service, and each
 * service registers a definition here instead of its own plumbing.
 *
 *   body  <- bounded read (413 past the limit)
 *   auth  <- verifyRequest(service = def.name, body hash checked with the signature)
 *   reply <- def.handle({ auth, body, condition keys, ... })      (errors rendered per protocol)
 *   audit <- trail.record(management event)   durable BEFORE the reply; failure -> 503, no reply body
 *   send reply
 *
 * Failed authentication is audited too (errorCode, the claimed access key id, no principal).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../shared/index.js';
import { verifyRequest, type AuthenticatedRequest, type VerifyOptions } from '../auth/index.js';
import type { ContextValue } from '../iam/policy/index.js';
import type { IamCaller } from '../iam/store/index.js';
import { buildServiceEvent, type AuditTrail, type EventResource } from '../audit/index.js';
import { newRequestId } from '../http/s3/handle.js';
import { logAccess, redactFlagged, sensitiveInTree } from '../guards/index.js';
import { callerConditionKeys } from './request-keys.js';
import { userIdentityOf } from './audit-identity.js';

/** What a service handler receives: a verified request and its buffered body. */
export interface ServiceCall {
  auth: AuthenticatedRequest;
  body: Buffer;
  requestId: string;
  req: IncomingMessage;
  secureTransport: boolean;
  /** The region the request was signed for (one of the server's regions). */
  region: string;
  /** aws:* condition keys of the caller and request (aws:SecureTransport, aws:SourceIp, ...). */
  conditionKeys: Readonly<Record<string, ContextValue>>;
}

/** What goes into the request's CloudTrail event; never secrets (keys, passwords, codes, plaintext). */
export interface ServiceAudit {
  eventName: string;
  readOnly: boolean;
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  additionalEventData?: Record<string, unknown>;
  resources?: EventResource[];
  decision?: { decision: string; matched: readonly { policyId: string; sid?: string | undefined; effect: string }[] };
  errorCode?: string;
  errorMessage?: string;
  category?: 'Management' | 'Data';
  /** Exact strings the trail must never contain (e.g. a secret key returned in this response). */
  secrets?: string[];
}

export interface ServiceReply {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
  audit: ServiceAudit;
}

export interface ServiceDefinition {
  /** The service name in the SigV4 credential scope: 'iam', 'sts', 'kms', 'cloudtrail', 'macie2'. */
  name: string;
  /** CloudTrail eventSource, e.g. 'sts.amazonaws.com'. */
  eventSource: string;
  /** Wire protocol, for errors raised before the handler runs. */
  protocol: { kind: 'query'; xmlns: string } | { kind: 'json' };
  /** Largest body accepted (default 128 KiB). */
  maxBodyBytes?: number;
  /** The event name of a request whose handler did not run (e.g. failed authentication). */
  eventNameOf?(req: IncomingMessage, body: Buffer): string;
  handle(call: ServiceCall): Promise<ServiceReply>;
}

export interface ServiceRouteDeps {
  findSecret: VerifyOptions['findSecret'];
  clock: Clock;
  /** Regions the server answers for; the first is the default. */
  regions: readonly string[];
  logger: Logger;
  /** When set, every request is durably recorded before its reply. */
  trail?: AuditTrail | null;
  accountId: string;
}

export type ServiceRoute = (req: IncomingMessage, res: ServerResponse, secureTransport: boolean) => Promise<void>;

/** The service named in the request's credential scope, without verifying anything. */
export function scopeOf(req: IncomingMessage): { accessKeyId: string; region: string; service: string } | null {
  const auth = req.headers.authorization;
  let cred: string | undefined;
  if (auth) cred = /Credential=([^,\s]+)/.exec(auth)?.[1];
  else {
    const q = (req.url ?? '').split('?')[1];
    if (q) cred = new URLSearchParams(q).get('X-Amz-Credential') ?? undefined;
  }
  const parts = cred?.split('/');
  if (!parts || parts.length < 5) return null;
  return { accessKeyId: parts[0]!, region: parts[2]!, service: parts[3]! };
}

/** Authentication failures as each protocol's services name them. */
const AUTH_ERRORS: Record<'query' | 'json', Record<string, [number, string]>> = {
  query: {
    'auth.invalid_access_key': [403, 'InvalidClientTokenId'],
    'auth.signature_mismatch': [403, 'SignatureDoesNotMatch'],
    'auth.time_skewed': [400, 'RequestExpired'],
    'auth.expired': [400, 'RequestExpired'],
    'auth.missing': [403, 'MissingAuthenticationToken'],
    'auth.malformed': [400, 'IncompleteSignature'],
    'auth.invalid_token': [403, 'InvalidClientTokenId'],
    'auth.expired_token': [403, 'ExpiredToken'],
  },
  json: {
    'auth.invalid_access_key': [400, 'UnrecognizedClientException'],
    'auth.signature_mismatch': [400, 'InvalidSignatureException'],
    'auth.time_skewed': [400, 'InvalidSignatureException'],
    'auth.expired': [400, 'InvalidSignatureException'],
    'auth.missing': [400, 'MissingAuthenticationTokenException'],
    'auth.malformed': [400, 'IncompleteSignatureException'],
    'auth.invalid_token': [400, 'UnrecognizedClientException'],
    'auth.expired_token': [400, 'ExpiredTokenException'],
  },
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An error body in the definition's protocol (for failures before or around the handler). */
export function protocolError(def: ServiceDefinition, status: number, code: string, message: string, requestId: string): { status: number; headers: Record<string, string>; body: string } {
  if (def.protocol.kind === 'query') {
    const type = status >= 500 ? 'Receiver' : 'Sender';
    return {
      status,
      headers: { 'content-type': 'text/xml' },
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${def.protocol.xmlns}"><Error><Type>${type}</Type><Code>${esc(code)}</Code><Message>${esc(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  }
  return { status, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': code }, body: JSON.stringify({ __type: code, message }) };
}

/** Default event name: the query protocol's Action, or the operation of JSON's X-Amz-Target. */
function defaultEventName(req: IncomingMessage, body: Buffer): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.slice(target.lastIndexOf('.') + 1).replace(/[^A-Za-z0-9]/g, '').slice(0, 64) || 'Unknown';
  try {
    const action = new URLSearchParams(body.toString('utf8')).get('Action');
    if (action) return action.replace(/[^A-Za-z0-9]/g, '').slice(0, 64) || 'Unknown';
  } catch {
    // not a form body
  }
  return 'Unknown';
}

export function createServiceRoute(def: ServiceDefinition, deps: ServiceRouteDeps): ServiceRoute {
  const maxBody = def.maxBodyBytes ?? 128 * 1024;
  return async (req, res, secureTransport) => {
    const requestId = newRequestId();
    let body = Buffer.alloc(0);
    let auth: AuthenticatedRequest | null = null;
    const send = (r: { status: number; headers?: Record<string, string>; body: string | Buffer }) => {
      if (res.headersSent) return;
      res.writeHead(r.status, { ...r.headers, 'x-amzn-requestid': requestId, 'content-length': String(Buffer.byteLength(r.body)) });
      res.end(r.body);
    };
    const record = async (audit: ServiceAudit): Promise<void> => {
      if (!deps.trail) return;
      const socket = (req.socket ?? null) as Partial<TLSSocket> | null;
      const tls = secureTransport && socket && typeof socket.getProtocol === 'function' ? { version: socket.getProtocol() ?? undefined, cipher: socket.getCipher?.()?.standardName } : undefined;
      const claimed = auth?.accessKeyId ?? scopeOf(req)?.accessKeyId;
      const ua = req.headers['user-agent'];
      const event = buildServiceEvent(
        {
          eventSource: def.eventSource,
          eventName: audit.eventName,
          principal: userIdentityOf(auth?.principal ?? null),
          ...(claimed !== undefined ? { accessKeyId: claimed } : {}),
          sourceIp: req.socket?.remoteAddress ?? '0.0.0.0',
          ...(ua !== undefined ? { userAgent: ua } : {}),
          ...(tls ? { tls } : {}),
          ...(req.headers.host !== undefined ? { host: req.headers.host } : {}),
          requestParameters: audit.requestParameters ?? null,
          responseElements: audit.responseElements ?? null,
          ...(audit.additionalEventData ? { additionalEventData: audit.additionalEventData } : {}),
          ...(audit.resources ? { resources: audit.resources } : {}),
          ...(audit.errorCode !== undefined ? { errorCode: audit.errorCode } : {}),
          ...(audit.errorMessage !== undefined ? { errorMessage: audit.errorMessage } : {}),
          ...(audit.decision ? { decision: audit.decision } : {}),
          ...(audit.category ? { category: audit.category } : {}),
          requestId,
          readOnly: audit.readOnly,
        },
        { accountId: deps.accountId, region: deps.regions[0]!, clock: deps.clock },
      );
      const secrets = [...(audit.secrets ?? [])];
      // Personal data and credentials the guards' detectors flag, wherever this service put them
      // (a KMS description, an STS session name, a user agent): hidden in the trail.
      secrets.push(...sensitiveInTree([ua, req.headers.host, audit.errorMessage, audit.requestParameters, audit.resources]));
      const sig = /Signature=([0-9a-f]{64})/.exec(req.headers.authorization ?? '')?.[1];
      if (sig) secrets.push(sig);
      await deps.trail.record(event, { secrets });
    };
    const fail = async (status: number, code: string, message: string) => {
      try {
        await record({ eventName: (def.eventNameOf ?? defaultEventName)(req, body), readOnly: false, errorCode: code, errorMessage: message });
      } catch (auditErr) {
        deps.logger.error({ requestId, service: def.name, err: (auditErr as Error).message }, 'could not record the request in the audit trail');
        return send(protocolError(def, 503, 'ServiceUnavailable', 'The audit trail cannot be written; the request was not processed.', requestId));
      }
      send(protocolError(def, status, code, message, requestId));
      access(status, (def.eventNameOf ?? defaultEventName)(req, body), code);
    };
    /** The request's access line (stable schema, src/guards/logger.ts). */
    const access = (status: number, operation: string, errorCode: string | null): void => {
      const arn = (auth?.principal as { arn?: unknown } | null | undefined)?.arn;
      logAccess(deps.logger, { requestId, service: def.name, operation, principal: typeof arn === 'string' ? arn : (scopeOf(req)?.accessKeyId ?? null), status, latencyMs: Number(process.hrtime.bigint() - started) / 1e6, errorCode });
    };
    const started = process.hrtime.bigint();
    try {
      if (req.method !== 'POST' && def.protocol.kind === 'query') return await fail(405, 'InvalidAction', `${def.name.toUpperCase()} requests are POST requests with a form body.`);
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of req) {
        size += (c as Buffer).length;
        if (size > maxBody) {
          res.setHeader('connection', 'close');
          return await fail(413, def.protocol.kind === 'query' ? 'ValidationError' : 'ValidationException', 'The request body is too large.');
        }
        chunks.push(c as Buffer);
      }
      body = Buffer.concat(chunks);
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const scope = scopeOf(req);
      // CLIs sign global services (IAM, STS) with their configured region; accept the server's regions.
      const region = scope && deps.regions.includes(scope.region) ? scope.region : deps.regions[0]!;
      auth = await verifyRequest(
        { method: req.method ?? 'POST', rawPath: q >= 0 ? url.slice(0, q) : url, rawQuery: q >= 0 ? url.slice(q + 1) : '', headers: req.headersDistinct },
        { findSecret: deps.findSecret, region, service: def.name, clock: deps.clock, requireContentSha256: false, bodySha256: createHash('sha256').update(body).digest('hex') },
      );
      const conditionKeys = callerConditionKeys(auth.principal as IamCaller, req, { secureTransport, nowMs: deps.clock.now(), region });
      const reply = await def.handle({ auth, body, requestId, req, secureTransport, region, conditionKeys });
      try {
        await record(reply.audit);
      } catch (auditErr) {
        deps.logger.error({ requestId, service: def.name, err: (auditErr as Error).message }, 'could not record the request in the audit trail');
        return send(protocolError(def, 503, 'ServiceUnavailable', 'The audit trail cannot be written; the request was not completed.', requestId));
      }
      // Error responses never echo detector-flagged data (an entity named with a card number).
      send(reply.status >= 400 && typeof reply.body === 'string' ? { ...reply, body: redactFlagged(reply.body) } : reply);
      access(reply.status, reply.audit.eventName, reply.audit.errorCode ?? null);
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      const mapped = AUTH_ERRORS[def.protocol.kind][code];
      if (mapped) return await fail(mapped[0], mapped[1], (err as Error).message);
      deps.logger.error({ requestId, service: def.name, err: err instanceof Error ? err.message : String(err) }, 'request failed');
      await fail(500, def.protocol.kind === 'query' ? 'ServiceFailure' : 'InternalFailure', `We encountered an internal error. Please try again. (request ${requestId})`);
    }
  };
}
