/**
 * Anonymous S3 requests (no Authorization header, no presigned query): decided by the bucket
 * policy alone, and only as far as Block Public Access (bucket OR account level) lets it.
 *
 *   for check in s3Checks(request):
 *     bucket = check's bucket              (none, e.g. ListBuckets or account settings -> deny)
 *     policy = bucket policy               (none -> deny)
 *     if RestrictPublicBuckets in force and the policy is public -> deny   (AWS: a public policy
 *        then grants only to principals of the account, never to anonymous callers)
 *     result = evaluate(principal null, resource policies [policy], aws:* and s3:* keys)
 *     if result != Allow -> AccessDenied { details.decision = result }
 *   return Allow with every check's matched statements
 *
 * A public policy can only be stored while BlockPublicPolicy is off at both levels, so with the
 * defaults (all four settings on at both levels) nothing is reachable anonymously.
 */
import type { IncomingMessage } from 'node:http';
import { CofferError, type Clock } from '../shared/index.js';
import { globalConditionKeys, s3ConditionKeys, type EvaluationResult } from '../iam/policy/index.js';
import { evaluateForPrincipal } from '../http/iam/index.js';
import type { PublicAccessBlock } from '../objects/index.js';
import type { S3Operation, S3OperationName } from '../http/s3/operations.js';
import type { Target } from '../http/s3/router.js';
import { bucketOfArn, createBucketPolicyCache, existingTagsFor, QUARANTINE_READS, quarantineRefusal, requestChecks, tlsProtocolOf } from './s3-authorize.js';
import { isQuarantined } from '../macie/quarantine.js';

export interface AnonymousAuthorizerDeps {
  clock: Clock;
  region: string;
  /** The stored policy document of a bucket; null when it has none or does not exist. */
  bucketPolicy: (bucket: string) => Promise<string | null>;
  /** The Block Public Access settings in force for a bucket (bucket and account combined). */
  publicAccessBlock: (bucket: string) => Promise<PublicAccessBlock>;
  /** Tags of a stored object version: a quarantined version (coffer:quarantine=active) is never read anonymously. */
  objectTags?: (bucket: string, key: string, versionId: string | null) => Promise<Readonly<Record<string, string>> | null>;
}

function denied(message: string, decision: EvaluationResult): CofferError {
  return new CofferError('auth.access_denied', { message, details: { decision } });
}

export function createAnonymousS3Authorizer(deps: AnonymousAuthorizerDeps) {
  const policyOf = createBucketPolicyCache(deps.bucketPolicy);
  return async (op: S3Operation & { name: S3OperationName }, target: Target, secureTransport: boolean, req: IncomingMessage): Promise<EvaluationResult> => {
    const none: EvaluationResult = { decision: 'ImplicitDeny', matched: [] };
    if (op.name === 'NotImplemented' || op.name === 'MethodNotAllowed') throw denied('Access Denied', none);
    const { query, header, checks } = requestChecks(op, target, req);
    const ua = req.headers['user-agent'];
    const global = globalConditionKeys({
      principal: null,
      secureTransport,
      sourceIp: req.socket?.remoteAddress ?? '0.0.0.0',
      nowMs: deps.clock.now(),
      region: deps.region,
      ...(ua !== undefined ? { userAgent: ua } : {}),
    });
    const tlsProtocol = tlsProtocolOf(req, secureTransport);
    const matched: EvaluationResult['matched'] = [];
    for (const check of checks) {
      const bucket = bucketOfArn(check.resource);
      const policy = await policyOf(bucket);
      if (bucket === null || policy === null) throw denied('Access Denied', none);
      if (policy.isPublic && (await deps.publicAccessBlock(bucket)).restrictPublicBuckets) {
        throw denied('Access Denied: the bucket policy is public and RestrictPublicBuckets (Block Public Access) ignores it for anonymous callers.', none);
      }
      const keys = { ...global, ...s3ConditionKeys({ query, header, authMethod: null, action: check.action, tlsProtocol }) };
      const result = evaluateForPrincipal(null, { action: check.action, resource: check.resource, conditionKeys: keys, resourcePolicies: [policy.compiled] });
      if (result.decision !== 'Allow') throw denied(`Access Denied: anonymous callers may not perform ${check.action} on ${check.resource}.`, result);
      if (QUARANTINE_READS.has(check.action) && isQuarantined(await existingTagsFor(deps.objectTags, check, query))) {
        throw denied(quarantineRefusal('an anonymous caller'), none);
      }
      matched.push(...result.matched);
    }
    return { decision: 'Allow', matched };
  };
}
