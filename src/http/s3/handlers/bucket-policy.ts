/**
 * Bucket policy and Block Public Access handlers.
 *
 *   PutBucketPolicy: body (JSON) -> parsePolicy(kind 'resource', max 20 KiB, strict)
 *     -> if BlockPublicPolicy is on for the bucket or the account (the default) and the policy is public: AccessDenied
 *     -> store the document as sent.
 *   A policy is public when an Allow statement applies to everyone (Principal "*" or NotPrincipal)
 *   without a condition that pins the caller or network (aws:SourceIp, aws:PrincipalAccount, ...).
 */
import { CofferError } from '../../../shared/index.js';
import { parsePolicy, type CompiledPolicy } from '../../../iam/policy/index.js';
import { BLOCK_ALL_PUBLIC_ACCESS } from '../../../objects/index.js';
import { type S3Context, type S3Response, readControlBody } from '../context.js';
import { xmlDocument } from '../xml.js';
import { effectivePublicAccessBlock, parsePublicAccessBlock, publicAccessBlockXml } from './account-public-access-block.js';

/** Largest bucket policy S3 accepts (characters, whitespace not counted). */
export const MAX_BUCKET_POLICY_LENGTH = 20 * 1024;

/** Condition keys that restrict a statement to known callers or networks (AWS's list for "public"). */
const RESTRICTING_KEYS = new Set([
  'aws:sourceip', 'aws:sourcevpc', 'aws:sourcevpce', 'aws:sourcearn', 'aws:sourceaccount', 'aws:sourceowner',
  'aws:principalaccount', 'aws:principalarn', 'aws:principalorgid', 'aws:principalorgpaths', 'aws:userid',
  'aws:username', 's3:dataaccesspointaccount', 's3:dataaccesspointarn',
]);

/** The policy id bucket policies are compiled under (what audit records name as policyId). */
export function bucketPolicyId(bucket: string): string {
  return `arn:aws:s3:::${bucket}`;
}

/** Validates and compiles a bucket policy document; throws iam.malformed_policy / iam.policy_too_large. */
export function compileBucketPolicy(bucket: string, document: string): CompiledPolicy {
  return parsePolicy(document, { id: bucketPolicyId(bucket), kind: 'resource', maxLength: MAX_BUCKET_POLICY_LENGTH, strict: true });
}

/**
 * As S3: every Resource/NotResource of a bucket policy must name the bucket or objects in it
 * (a policy cannot speak for other buckets). Throws iam.malformed_policy.
 */
export function checkPolicyResources(bucket: string, document: string): void {
  const arn = bucketPolicyId(bucket);
  let statements: unknown;
  try {
    statements = (JSON.parse(document) as { Statement?: unknown }).Statement;
  } catch {
    return; // parsePolicy reports the syntax error
  }
  const list = Array.isArray(statements) ? statements : [statements];
  for (const st of list) {
    if (typeof st !== 'object' || st === null) continue;
    for (const element of ['Resource', 'NotResource'] as const) {
      const value = (st as Record<string, unknown>)[element];
      if (value === undefined) continue;
      for (const r of Array.isArray(value) ? value : [value]) {
        if (typeof r === 'string' && r !== arn && !r.startsWith(arn + '/')) {
          throw new CofferError('iam.malformed_policy', { message: 'Policy has invalid resource: every resource must be this bucket or objects in it.' });
        }
      }
    }
  }
}

/** True when the policy grants access to everyone without a restricting condition. */
export function isPublicPolicy(policy: CompiledPolicy): boolean {
  return policy.statements.some((st) => {
    if (st.effect !== 'Allow') return false;
    const everyone = st.principal?.everyone === true || st.notPrincipal !== null;
    if (!everyone) return false;
    const restricted = st.conditions.some(
      (c) => RESTRICTING_KEYS.has(c.key) && !c.ifExists && !c.base.startsWith('StringNot') && !c.base.startsWith('ArnNot') && c.base !== 'NotIpAddress' && c.base !== 'Null',
    );
    return !restricted;
  });
}

export async function putBucketPolicy(c: S3Context): Promise<S3Response> {
  const text = (await readControlBody(c)).toString('utf8');
  const compiled = compileBucketPolicy(c.bucket, text);
  checkPolicyResources(c.bucket, text);
  // BlockPublicPolicy is in force when the bucket or the account (S3 Control) turns it on.
  const pab = effectivePublicAccessBlock(await c.objects.getPublicAccessBlock(c.bucket), c.account ? await c.account.get() : null);
  if (pab.blockPublicPolicy && isPublicPolicy(compiled)) {
    throw new CofferError('objects.public_policy_blocked', {
      message: 'Access Denied: public policies are blocked by the BlockPublicPolicy block public access setting (of the bucket or the account); turn it off at both levels first.',
    });
  }
  await c.objects.putBucketPolicy(c.bucket, text);
  return { status: 204 };
}

export async function getBucketPolicy(c: S3Context): Promise<S3Response> {
  const policy = await c.objects.getBucketPolicy(c.bucket);
  if (policy === null) throw new CofferError('objects.no_such_bucket_policy');
  return { status: 200, headers: { 'content-type': 'application/json' }, body: policy };
}

export async function deleteBucketPolicy(c: S3Context): Promise<S3Response> {
  await c.objects.deleteBucketPolicy(c.bucket);
  return { status: 204 };
}

export async function getBucketPolicyStatus(c: S3Context): Promise<S3Response> {
  const policy = await c.objects.getBucketPolicy(c.bucket);
  if (policy === null) throw new CofferError('objects.no_such_bucket_policy');
  const isPublic = isPublicPolicy(compileBucketPolicy(c.bucket, policy));
  return {
    status: 200,
    headers: { 'content-type': 'application/xml' },
    body: xmlDocument('PolicyStatus', { IsPublic: String(isPublic) }),
  };
}

export async function putPublicAccessBlock(c: S3Context): Promise<S3Response> {
  await c.objects.putPublicAccessBlock(c.bucket, parsePublicAccessBlock(await readControlBody(c)));
  return { status: 200 };
}

export async function getPublicAccessBlock(c: S3Context): Promise<S3Response> {
  // A bucket without a configuration blocks everything (as new S3 buckets do), so say so.
  const config = (await c.objects.getPublicAccessBlock(c.bucket)) ?? BLOCK_ALL_PUBLIC_ACCESS;
  return { status: 200, headers: { 'content-type': 'application/xml' }, body: publicAccessBlockXml(config) };
}

export async function deletePublicAccessBlock(c: S3Context): Promise<S3Response> {
  await c.objects.deletePublicAccessBlock(c.bucket);
  return { status: 204 };
}
