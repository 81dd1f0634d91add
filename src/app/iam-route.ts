/**
 * The IAM API as a service on the shared listener: requests whose SigV4 credential scope names
 * `iam` (POST / with a form body, as `aws iam --endpoint-url` sends) reach the IAM handler
 * through the generic service route (bounded body, signature, audit before the reply).
 */
import { createIamHandler, type IamHandlerDeps } from '../http/iam/index.js';
import type { ServiceDefinition } from './service-route.js';
import { sensitiveIn } from '../guards/index.js';

/** Form parameters never copied into the trail (passwords, MFA codes, seeds, tokens). */
const SECRET_PARAM = /password|authenticationcode|secret|token|seed|privatekey/i;
const READ_ONLY = /^(Get|List|Simulate|Generate)/;

/** requestParameters of a query-protocol request as CloudTrail writes them: camelCase names, `secret` names left out. */
export function queryRequestParameters(body: Buffer, secret: RegExp = SECRET_PARAM): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(body.toString('utf8'))) {
    if (k === 'Action' || k === 'Version' || secret.test(k)) continue;
    const name = k.charAt(0).toLowerCase() + k.slice(1);
    if (!Object.hasOwn(out, name)) out[name] = v.slice(0, 4096);
  }
  return out;
}

export function iamService(handler: IamHandlerDeps): ServiceDefinition {
  const handle = createIamHandler(handler);
  return {
    name: 'iam',
    eventSource: 'iam.amazonaws.com',
    protocol: { kind: 'query', xmlns: 'https://iam.amazonaws.com/doc/2010-05-08/' },
    async handle(call) {
      const r = await handle({ auth: call.auth, body: call.body, requestId: call.requestId, conditionKeys: call.conditionKeys });
      const a = r.audit;
      return {
        status: r.status,
        headers: r.headers,
        body: r.body,
        audit: {
          eventName: a.action,
          readOnly: READ_ONLY.test(a.action),
          requestParameters: queryRequestParameters(call.body),
          ...(a.resource ? { resources: [{ type: 'AWS::IAM::Resource', ARN: a.resource }] } : {}),
          ...(a.decision ? { decision: { decision: a.decision, matched: a.matched ?? [] } } : {}),
          ...(a.errorCode !== undefined ? { errorCode: a.errorCode } : {}),
          ...(a.guard ? { additionalEventData: { guardFindings: a.guard.findings } } : {}),
          // A new access key's secret and a new password appear only in the one response; personal
          // data the guards flag in any parameter (warn mode, or a lookup by such a name) is hidden too.
          secrets: [...secretsIn(r.body), ...(a.guard?.sensitive ?? []), ...sensitiveIn([...new URLSearchParams(call.body.toString('utf8')).values()])],
        },
      };
    },
  };
}

function secretsIn(xml: string): string[] {
  const out: string[] = [];
  for (const m of xml.matchAll(/<(SecretAccessKey|Password|Base32StringSeed|SessionToken)>([^<]+)</g)) out.push(m[2]!);
  return out;
}
