/**
 * The CloudTrail API as a service on the shared listener: requests whose SigV4 credential scope
 * names `cloudtrail` (JSON 1.1 with X-Amz-Target, as `aws cloudtrail --endpoint-url` sends)
 * reach the LookupEvents handler through the generic service route (bounded body, signature,
 * audit before the reply). Lookups read the running trail's index.
 */
import type { AuditTrail } from '../audit/index.js';
import { createCloudTrailHandler } from '../http/cloudtrail/index.js';
import type { ServiceDefinition } from './service-route.js';

export function cloudtrailService(deps: { trail: AuditTrail }): ServiceDefinition {
  const handle = createCloudTrailHandler({ lookup: (input) => deps.trail.lookupEvents(input) });
  return {
    name: 'cloudtrail',
    eventSource: 'cloudtrail.amazonaws.com',
    protocol: { kind: 'json' },
    async handle(call) {
      const target = call.req.headers['x-amz-target'];
      const r = await handle({ auth: call.auth, target: typeof target === 'string' ? target : undefined, body: call.body, conditionKeys: call.conditionKeys });
      return { status: r.status, headers: r.headers, body: r.body, audit: r.audit };
    },
  };
}
