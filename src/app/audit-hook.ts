/**
 * Bridges the S3 pipeline's request outcome to the audit trail: every request, including
 * failed authentication, becomes a CloudTrail record that is durable before the reply.
 */
import type { TLSSocket } from 'node:tls';
import { buildS3Event, isUnauditedForBenchmark, type AuditTrail } from '../audit/index.js';
import type { RequestOutcome } from '../http/s3/handle.js';
import { userIdentityOf } from './audit-identity.js';
import { guardAuditFields } from '../guards/index.js';

export function createAuditHook(trail: AuditTrail, ctx: { accountId: string; region: string }) {
  // Benchmark-only (audit/benchmark-switch.ts): measure the request path without any audit work.
  if (isUnauditedForBenchmark(trail)) return async (_o: RequestOutcome): Promise<void> => undefined;
  return async (o: RequestOutcome): Promise<void> => {
    const identity = userIdentityOf(o.auth?.principal ?? null);
    // The socket may already be gone (a client that broke its upload): record what is known.
    const socket = (o.req.socket ?? null) as Partial<TLSSocket> | null;
    const tls = o.secureTransport && socket && typeof socket.getProtocol === 'function' ? { version: socket.getProtocol() ?? undefined, cipher: socket.getCipher?.()?.standardName } : undefined;
    const responseElements: Record<string, unknown> = {};
    for (const name of ['x-amz-version-id', 'x-amz-delete-marker', 'etag'] as const) {
      const v = o.responseHeaders[name];
      if (v !== undefined) responseElements[name] = String(v);
    }
    const query: Record<string, string> = {};
    for (const [k, v] of o.query) query[k] = v;
    const headers: Record<string, string | string[] | undefined> = {};
    for (const [k, v] of Object.entries(o.req.headersDistinct)) headers[k] = v;
    const secrets: string[] = [];
    const sig = o.query.get('X-Amz-Signature');
    if (sig) secrets.push(sig);
    const authz = o.req.headers.authorization;
    const m = authz ? /Signature=([0-9a-f]{64})/.exec(authz) : null;
    if (m) secrets.push(m[1]!);
    // Free-form field guard: findings (no values) into the event; flagged strings (in a key or
    // bucket name, refused or warned, or just looked up; a user agent, a prefix) hidden wherever
    // they would be recorded.
    const copySource = o.req.headers['x-amz-copy-source'];
    const guard = guardAuditFields(o.guard, [o.bucket, o.key, o.req.headers['user-agent'], o.req.headers.host, ...o.query.values(), ...(typeof copySource === 'string' ? [copySource, safeDecode(copySource)] : [])]);
    // Percent-encoded too: the copy source header is recorded as sent.
    for (const s of guard.secrets) secrets.push(...new Set([s, encodeURIComponent(s), encodeURI(s)]));
    const event = buildS3Event(
      {
        operation: o.operation,
        principal: identity,
        ...(o.auth?.accessKeyId ? { accessKeyId: o.auth.accessKeyId } : o.claimedAccessKeyId ? { accessKeyId: o.claimedAccessKeyId } : {}),
        sourceIp: o.sourceIp,
        ...(o.req.headers['user-agent'] !== undefined ? { userAgent: o.req.headers['user-agent'] } : {}),
        ...(tls ? { tls } : {}),
        ...(o.req.headers.host !== undefined ? { host: o.req.headers.host } : {}),
        ...(o.bucket !== null ? { bucket: o.bucket } : {}),
        ...(o.key !== null ? { key: o.key } : {}),
        query,
        headers,
        responseElements: Object.keys(responseElements).length ? responseElements : null,
        ...(o.errorCode !== null ? { errorCode: o.errorCode } : {}),
        ...(o.errorMessage !== null ? { errorMessage: o.errorMessage } : {}),
        requestId: o.requestId,
        readOnly: o.readOnly,
        ...(o.decision ? { decision: { decision: o.decision.decision, matched: o.decision.matched } } : {}),
        ...(o.auth ? { authenticationMethod: o.auth.method === 'presigned' ? 'QueryString' : o.auth.method === 'header' ? 'AuthHeader' : 'PostPolicy', signatureVersion: 'SigV4' } : {}),
      },
      ctx,
    );
    if (guard.findings.length > 0) event.additionalEventData = { ...(event.additionalEventData ?? {}), guardFindings: guard.findings };
    await trail.record(event, { secrets });
  };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
