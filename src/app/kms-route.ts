/**
 * The KMS API as a service on the shared listener: requests whose SigV4 credential scope names
 * `kms` (POST / with X-Amz-Target: TrentService.<Op>) reach the KMS handler through the generic
 * service route (bounded body, signature, audit before the reply).
 */
import { createKmsHandler } from '../http/kms/index.js';
import type { BuiltinKms } from '../kms/index.js';
import type { ServiceDefinition } from './service-route.js';

export function kmsService(deps: { kms: BuiltinKms }): ServiceDefinition {
  const handle = createKmsHandler({ kms: deps.kms });
  return {
    name: 'kms',
    eventSource: 'kms.amazonaws.com',
    protocol: { kind: 'json' },
    async handle(call) {
      const target = call.req.headers['x-amz-target'];
      const r = await handle({ auth: call.auth, target: typeof target === 'string' ? target : undefined, body: call.body, conditionKeys: call.conditionKeys });
      const a = r.audit;
      return {
        status: r.status,
        headers: r.headers,
        body: r.body,
        audit: {
          eventName: a.eventName,
          readOnly: a.readOnly,
          requestParameters: a.requestParameters,
          responseElements: a.responseElements,
          resources: a.resources,
          ...(a.decision ? { decision: a.decision } : {}),
          ...(a.errorCode !== undefined ? { errorCode: a.errorCode } : {}),
          ...(a.errorMessage !== undefined ? { errorMessage: a.errorMessage } : {}),
          secrets: a.secrets,
        },
      };
    },
  };
}
