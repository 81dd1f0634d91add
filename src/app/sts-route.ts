/**
 * The STS API as a service on the shared listener (credential scope service 'sts'): the generic
 * service route verifies, audits (never the TokenCode, the new secret or the session token) and
 * replies; the handler issues sessions in the identity store.
 */
import { createStsHandler, STS_NAMESPACE } from '../http/sts/index.js';
import type { StsDeps } from '../sts/index.js';
import type { ServiceDefinition } from './service-route.js';

/** requestParameters as CloudTrail writes them: camelCase names, the MFA code and policies' text left out. */
function stsRequestParameters(body: Buffer): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(body.toString('utf8'))) {
    if (k === 'Action' || k === 'Version' || /tokencode|secret|token/i.test(k)) continue;
    const name = k.charAt(0).toLowerCase() + k.slice(1);
    if (!Object.hasOwn(out, name)) out[name] = v.slice(0, 4096);
  }
  return out;
}

export function stsService(deps: StsDeps): ServiceDefinition {
  const handle = createStsHandler(deps);
  return {
    name: 'sts',
    eventSource: 'sts.amazonaws.com',
    protocol: { kind: 'query', xmlns: STS_NAMESPACE },
    async handle(call) {
      const r = await handle({ auth: call.auth, body: call.body, requestId: call.requestId, conditionKeys: call.conditionKeys });
      const a = r.audit;
      return {
        status: r.status,
        headers: r.headers,
        body: r.body,
        audit: {
          eventName: a.action,
          readOnly: a.action === 'GetCallerIdentity',
          requestParameters: stsRequestParameters(call.body),
          ...(a.responseElements ? { responseElements: a.responseElements } : {}),
          ...(a.resource ? { resources: [{ type: 'AWS::IAM::Role', ARN: a.resource }] } : {}),
          ...(a.errorCode !== undefined ? { errorCode: a.errorCode } : {}),
          ...(a.errorMessage !== undefined ? { errorMessage: a.errorMessage } : {}),
          secrets: a.secrets,
        },
      };
    },
  };
}
