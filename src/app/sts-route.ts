/**
 * The STS API as a service on the shared listener (credential scope service 'sts'): the generic
 * service route verifies, audits (never the TokenCode, the new secret or the session token) and
 * replies; the handler issues sessions in the identity store.
 */
import { createStsHandler, STS_NAMESPACE } from '../http/sts/index.js';
import type { StsDeps } from '../sts/index.js';
import type { ServiceDefinition } from './service-route.js';

import { queryRequestParameters } from './iam-route.js';

/** STS parameters never recorded: the MFA code and anything named like a secret or token. */
const STS_SECRET_PARAM = /tokencode|secret|token/i;

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
          requestParameters: queryRequestParameters(call.body, STS_SECRET_PARAM),
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
