/**
 * Least privilege on every S3 request: each operation's IAM checks (from the operation table,
 * plus the copy source, version and tagging checks S3 adds) are evaluated against the caller's
 * identity policies and the bucket's policy (compiled once per stored document and cached) with
 * the request's aws:* and s3:* condition keys. Anything but Allow is AccessDenied; the decision
 * (Allow, or the denying result) is returned for the audit record.
 *
 *   for check in s3Checks(request):
 *     result = evaluate(identity policies, bucket policy of check's bucket, keys)
 *     if result != Allow: throw AccessDenied { details.decision = result }
 *   return Allow with every check's matched statements
 */
import type { TLSSocket } from 'node:tls';
import type { IncomingMessage } from 'node:http';
import { CofferError, type Clock } from '../shared/index.js';
import type { AuthenticatedRequest } from '../auth/index.js';
import { s3Checks, s3ConditionKeys, type CompiledPolicy, type EvaluationResult } from '../iam/policy/index.js';
import type { IamCaller } from '../iam/store/index.js';
import { callerConditionKeys } from './request-keys.js';
import { evaluateForPrincipal } from '../http/iam/index.js';
import type { S3Operation, S3OperationName } from '../http/s3/operations.js';
import type { Target } from '../http/s3/router.js';
import { compileBucketPolicy, isPublicPolicy } from '../http/s3/handlers/bucket-policy.js';
import { isQuarantined, QUARANTINE_TAG, READ_QUARANTINED_ACTION, RELEASE_QUARANTINED_ACTION } from '../macie/quarantine.js';

/** Most compiled bucket policies kept in memory; least recently stored ones are dropped first. */
const POLICY_CACHE_SIZE = 1024;

/** A bucket's compiled policy, and whether it is public (for RestrictPublicBuckets). */
export interface CompiledBucketPolicy {
  compiled: CompiledPolicy;
  isPublic: boolean;
}

/**
 * Compiled bucket policies by bucket, compiled once per stored document (the text is compared,
 * so a replaced policy is recompiled); the least recently stored are dropped first.
 */
export function createBucketPolicyCache(bucketPolicy: (bucket: string) => Promise<string | null>): (bucket: string | null) => Promise<CompiledBucketPolicy | null> {
  const cache = new Map<string, { text: string; policy: CompiledBucketPolicy }>();
  return async (bucket) => {
    if (bucket === null) return null;
    const text = await bucketPolicy(bucket);
    if (text === null) {
      cache.delete(bucket);
      return null;
    }
    const hit = cache.get(bucket);
    if (hit && hit.text === text) return hit.policy;
    // Stored documents were validated on save; a document this build cannot parse fails closed
    // (the error reaches the client as InternalError and the log).
    const compiled = compileBucketPolicy(bucket, text);
    const policy = { compiled, isPublic: isPublicPolicy(compiled) };
    cache.delete(bucket);
    cache.set(bucket, { text, policy });
    if (cache.size > POLICY_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    return policy;
  };
}

/** The request's query, a header reader, and the IAM checks (action + ARN) its operation needs. */
export function requestChecks(op: S3Operation, target: Target, req: IncomingMessage) {
  const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
  const header = (name: string): string | undefined => {
    const v = req.headers[name];
    return Array.isArray(v) ? v.join(',') : v;
  };
  let copySource: string | null = null;
  const rawCopy = header('x-amz-copy-source');
  if (rawCopy !== undefined) {
    try {
      copySource = decodeURIComponent(rawCopy).replace(/^\//, '');
    } catch {
      copySource = null;
    }
  }
  const checks = s3Checks({
    action: op.action,
    resource: op.resource,
    bucket: target.bucket,
    key: target.key,
    versionId: query.get('versionId'),
    copySource,
    tagging: header('x-amz-tagging') !== undefined,
    bypassGovernance: header('x-amz-bypass-governance-retention') === 'true',
  });
  return { query, header, checks };
}

/** TLS protocol of the request's connection ('TLSv1.3'), or null over plain HTTP. */
export function tlsProtocolOf(req: IncomingMessage, secureTransport: boolean): string | null {
  const socket = req.socket as Partial<TLSSocket>;
  return secureTransport && typeof socket.getProtocol === 'function' ? socket.getProtocol() : null;
}

export function createS3Authorizer(deps: {
  clock: Clock;
  region: string;
  /** The stored policy document of a bucket; null when it has none or does not exist. */
  bucketPolicy: (bucket: string) => Promise<string | null>;
  /** Tags of a stored object version (latest when versionId is null), for s3:ExistingObjectTag/<key>. */
  objectTags?: (bucket: string, key: string, versionId: string | null) => Promise<Readonly<Record<string, string>> | null>;
}) {
  const policyOf = createBucketPolicyCache(deps.bucketPolicy);
  const policiesFor = async (bucket: string | null): Promise<CompiledPolicy[]> => {
    const p = await policyOf(bucket);
    return p ? [p.compiled] : [];
  };
  return async (
    auth: AuthenticatedRequest,
    op: S3Operation & { name: S3OperationName },
    target: Target,
    secureTransport: boolean,
    req: IncomingMessage,
  ): Promise<EvaluationResult | null> => {
    // Operations Coffer does not implement answer 501 for authenticated callers.
    if (op.name === 'NotImplemented' || op.name === 'MethodNotAllowed') return null;
    const caller = auth.principal as IamCaller;
    const { query, header, checks } = requestChecks(op, target, req);
    const tlsProtocol = tlsProtocolOf(req, secureTransport);
    const global = callerConditionKeys(caller, req, { secureTransport, nowMs: deps.clock.now(), region: deps.region });
    const matched: EvaluationResult['matched'] = [];
    for (const check of checks) {
      const existingObjectTags = await existingTagsFor(deps.objectTags, check, query);
      const keys = { ...global, ...s3ConditionKeys({ query, header, authMethod: auth.method, action: check.action, tlsProtocol, ...(existingObjectTags ? { existingObjectTags } : {}) }) };
      const resourcePolicies = await policiesFor(bucketOfArn(check.resource));
      const result = evaluateForPrincipal(caller, { action: check.action, resource: check.resource, conditionKeys: keys, resourcePolicies });
      if (result.decision !== 'Allow') {
        throw new CofferError('auth.access_denied', {
          message: `Access Denied: ${caller.arn ?? 'the caller'} is not authorized to perform ${check.action} on ${check.resource}${result.decision === 'ExplicitDeny' ? ' with an explicit deny' : ' because no policy allows it'}.`,
          details: { decision: result },
        });
      }
      matched.push(...result.matched);
      // Quarantined by discovery: reading the data needs coffer:GetQuarantinedObject as well.
      if (QUARANTINE_READS.has(check.action) && isQuarantined(existingObjectTags)) {
        const q = evaluateForPrincipal(caller, { action: READ_QUARANTINED_ACTION, resource: check.resource, conditionKeys: keys, resourcePolicies });
        if (q.decision !== 'Allow') throw new CofferError('auth.access_denied', { message: quarantineRefusal(caller.arn ?? 'the caller'), details: { decision: q } });
        matched.push(...q.matched);
      }
    }
    return { decision: 'Allow', matched };
  };
}

/** Checks that read an object version's data (GetObject, HeadObject, copy sources). */
export const QUARANTINE_READS = new Set(['s3:GetObject', 's3:GetObjectVersion']);

/** The refusal of a quarantined read, with what to do next (no bucket, key or value echoed). */
export function quarantineRefusal(who: string): string {
  return (
    `Access Denied: this object version is quarantined because sensitive data was found in it (tag ${QUARANTINE_TAG}=active). ` +
    `${who} needs ${READ_QUARANTINED_ACTION} in addition to s3:GetObject to read it, or an administrator (allowed ${RELEASE_QUARANTINED_ACTION}, with an MFA session) releases it: ` +
    `aws s3api put-object-tagging --bucket BUCKET --key KEY --tagging 'TagSet=[{Key=${QUARANTINE_TAG},Value=released}]'. The finding is listed by aws macie2 list-findings.`
  );
}

/** Actions on an existing object version whose requests carry s3:ExistingObjectTag/<key> (as S3). */
const EXISTING_TAG_ACTIONS = new Set([
  's3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging', 's3:GetObjectVersionTagging', 's3:PutObjectTagging',
  's3:PutObjectVersionTagging', 's3:DeleteObjectTagging', 's3:DeleteObjectVersionTagging', 's3:GetObjectAttributes', 's3:GetObjectVersionAttributes',
]);

/** The stored object's tags when the check is on an existing object and a lookup is wired; else null. */
export async function existingTagsFor(
  lookup: ((bucket: string, key: string, versionId: string | null) => Promise<Readonly<Record<string, string>> | null>) | undefined,
  check: { action: string; resource: string; versionId?: string },
  query: URLSearchParams,
): Promise<Readonly<Record<string, string>> | null> {
  if (!lookup || !EXISTING_TAG_ACTIONS.has(check.action)) return null;
  const m = /^arn:aws:s3:::([^/]+)\/(.+)$/.exec(check.resource);
  if (!m) return null;
  // A missing bucket or version has no tags; the handler then answers NoSuchBucket / NoSuchKey.
  // The copy source's check names its own version; otherwise the request's versionId applies.
  return lookup(m[1]!, m[2]!, check.versionId ?? query.get('versionId')).catch(() => null);
}

/** The bucket an S3 ARN (arn:aws:s3:::bucket[/key]) names, or null for '*' and other ARNs. */
export function bucketOfArn(arn: string): string | null {
  const prefix = 'arn:aws:s3:::';
  if (!arn.startsWith(prefix)) return null;
  const rest = arn.slice(prefix.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  return bucket === '' || bucket.includes('*') ? null : bucket;
}
