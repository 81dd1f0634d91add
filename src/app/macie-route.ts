/**
 * The Macie2 API as a service on the shared listener: requests whose SigV4 credential scope names
 * `macie2` (REST-JSON, as `aws macie2 --endpoint-url` and @aws-sdk/client-macie2 send them) reach
 * the Macie handler through the generic service route (bounded body, signature, audit before reply).
 */
import { createMacieHandler, type MacieHandlerDeps } from '../http/macie/index.js';
import type { ServiceDefinition } from './service-route.js';

/** Request fields never copied into the trail: sample text may hold the very data being looked for. */
const UNRECORDED = new Set(['sampleText']);

function requestParameters(body: Buffer, path: string, query: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = { path: path.slice(0, 512) };
  for (const [k, v] of query) if (!Object.hasOwn(out, k)) out[k] = v.slice(0, 512);
  if (body.length === 0 || body.length > 64 * 1024) return out;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      for (const [k, v] of Object.entries(parsed)) if (!UNRECORDED.has(k)) out[k] = v;
    }
  } catch {
    // not JSON; the handler answers ValidationException
  }
  return out;
}

export function macieService(deps: MacieHandlerDeps): ServiceDefinition {
  const handler = createMacieHandler(deps);
  const split = (url: string) => {
    const q = url.indexOf('?');
    return { path: q >= 0 ? url.slice(0, q) : url, query: new URLSearchParams(q >= 0 ? url.slice(q + 1) : '') };
  };
  return {
    name: 'macie2',
    eventSource: 'macie2.amazonaws.com',
    protocol: { kind: 'json' },
    maxBodyBytes: 1024 * 1024,
    eventNameOf: (req) => handler.operationOf(req.method ?? 'GET', split(req.url ?? '/').path),
    async handle(call) {
      const { path, query } = split(call.req.url ?? '/');
      const r = await handler.handle({ method: call.req.method ?? 'GET', path, query, body: call.body, principal: call.auth.principal, conditionKeys: call.conditionKeys });
      return {
        status: r.status,
        headers: { 'content-type': 'application/json', ...(r.errorCode ? { 'x-amzn-errortype': r.errorCode } : {}) },
        body: r.body,
        audit: {
          eventName: r.operation,
          readOnly: r.readOnly,
          requestParameters: requestParameters(call.body, path, query),
          ...(r.resource ? { resources: [{ type: 'AWS::Macie2::Resource', ARN: r.resource }] } : {}),
          ...(r.decision ? { decision: { decision: r.decision.decision, matched: r.decision.matched } } : {}),
          ...(r.errorCode !== undefined ? { errorCode: r.errorCode } : {}),
          ...(r.errorMessage !== undefined ? { errorMessage: r.errorMessage } : {}),
          // Revealed values appear only in this one response.
          ...(r.secrets ? { secrets: r.secrets } : {}),
        },
      };
    },
  };
}
