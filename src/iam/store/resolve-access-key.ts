/**
 * The SigV4 `findSecret` seam backed by the identity store: access key id -> secret, caller and
 * compiled identity policies. Results are cached per key and dropped whenever the store changes
 * (store.revision()), so a detached policy or deactivated key takes effect on the next request.
 * Stored documents that no longer parse fail closed: they are replaced by a Deny-everything policy.
 */
import { parsePolicy, type CompiledPolicy, type PolicySet, type PrincipalInfo } from '../policy/index.js';
import type { Clock } from '../../shared/index.js';
import type { IamStore } from './port.js';
import type { PrincipalPolicyDocuments, User } from './types.js';

/** The authenticated caller as SigV4 hands it to the pipeline (AuthenticatedRequest.principal). */
export interface IamCaller extends PrincipalInfo {
  /**
   * 'User' for an IAM user's long-term keys and GetSessionToken sessions; 'AssumedRole' for role
   * sessions (arn = role ARN, sessionArn = assumed-role ARN); 'Account' for the root user's keys
   * (arn = arn:aws:iam::<account>:root, id = the account id, no policies: root is allowed all but
   * explicit Deny in resource policies).
   */
  type: 'User' | 'AssumedRole' | 'Account';
  /** aws:userid (AIDA…, or AROA…:<session name> for role sessions); also recorded as the owner of what the caller creates. */
  id: string;
  /** The IAM user name; undefined for role sessions. */
  userName?: string;
  accessKeyId: string;
  /** Temporary credentials (STS): when issued and expiring, and whether (and when) MFA was checked. Absent for long-term keys. */
  session?: CallerSession;
  /** aws:PrincipalTag/<key> values. */
  tags: Readonly<Record<string, string>>;
  /** The caller's identity policies and boundary, compiled. Add the bucket policy as `resource`. */
  policies: PolicySet;
}

export interface CallerSession {
  createdMs: number;
  expiresMs: number;
  mfaAuthenticated: boolean;
  /** When the MFA code was checked (aws:MultiFactorAuthAge). */
  mfaAuthTimeMs?: number;
  /** The role a role session belongs to (CloudTrail sessionIssuer). */
  issuer?: { type: string; principalId: string; arn: string; accountId: string; userName?: string };
}

export interface AccessKeyResolver {
  /** For verifyRequest: null for unknown or Inactive keys and for long-term keys sent with a session token. */
  findSecret(accessKeyId: string, context?: { sessionToken?: string }): Promise<{ secretAccessKey: string; principal: IamCaller } | null>;
  /** Records a verified use for GetAccessKeyLastUsed (written at most once a minute per key). */
  recordUse(accessKeyId: string, use: { serviceName: string; region: string }): Promise<void>;
}

const DENY_ALL_DOC = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}';
const ALLOW_NONE_DOC = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"*","Resource":"*"}]}';

/** Compiles a principal's stored documents; documents that no longer parse fail closed. */
export function compileDocuments(docs: PrincipalPolicyDocuments): PolicySet {
  const identity: CompiledPolicy[] = docs.identity.map(({ id, document }) => {
    try {
      return parsePolicy(document, { id, kind: 'identity', strict: false });
    } catch {
      return parsePolicy(DENY_ALL_DOC, { id, kind: 'identity' });
    }
  });
  let boundary: CompiledPolicy | null = null;
  if (docs.boundary) {
    const { id, document } = docs.boundary;
    try {
      boundary = parsePolicy(document, { id, kind: 'identity', strict: false });
    } catch {
      boundary = parsePolicy(ALLOW_NONE_DOC, { id, kind: 'identity' });
    }
  }
  return { identity, boundary };
}

/** The caller for the account root user's access keys. */
export function rootCaller(accountId: string, accessKeyId: string): IamCaller {
  return { type: 'Account', accountId, arn: `arn:aws:iam::${accountId}:root`, id: accountId, accessKeyId, tags: {}, policies: {} };
}

/** Builds the caller for a user (also used by STS for GetSessionToken sessions). */
export async function callerForUser(store: IamStore, user: User, accessKeyId: string): Promise<IamCaller> {
  return {
    type: 'User',
    accountId: store.accountId,
    arn: user.arn,
    id: user.userId,
    userName: user.userName,
    accessKeyId,
    tags: Object.fromEntries(user.tags.map((t) => [t.key, t.value])),
    policies: compileDocuments(await store.userPolicyDocuments(user.userName)),
  };
}

export function createAccessKeyResolver(options: { store: IamStore; clock: Clock; maxCachedKeys?: number }): AccessKeyResolver {
  const { store, clock } = options;
  const limit = options.maxCachedKeys ?? 10_000;
  let revision = -1;
  const cache = new Map<string, { secretAccessKey: string; principal: IamCaller } | null>();
  const lastRecorded = new Map<string, number>();

  return {
    async findSecret(accessKeyId, context) {
      if (context?.sessionToken !== undefined) return null;
      if (store.revision() !== revision) {
        cache.clear();
        revision = store.revision();
      }
      if (cache.has(accessKeyId)) return cache.get(accessKeyId) ?? null;
      const found = await store.findAccessKey(accessKeyId);
      let result = found && found.status === 'Active' ? { secretAccessKey: found.secretAccessKey, principal: await callerForUser(store, found.user, accessKeyId) } : null;
      if (found === null) {
        // Not an IAM user's key: perhaps the root user's (it has none unless iam.allowRootAccessKeys let one be made).
        const root = await store.rootKeys.find(accessKeyId);
        if (root && root.status === 'Active') result = { secretAccessKey: root.secretAccessKey, principal: rootCaller(store.accountId, accessKeyId) };
      }
      if (cache.size >= limit) cache.clear();
      // Only cache when nothing changed meanwhile, so a stale result is never kept.
      if (store.revision() === revision) cache.set(accessKeyId, result);
      return result;
    },
    async recordUse(accessKeyId, use) {
      const now = clock.now();
      const last = lastRecorded.get(accessKeyId);
      if (last !== undefined && now - last < 60_000) return;
      if (lastRecorded.size >= limit) lastRecorded.clear();
      lastRecorded.set(accessKeyId, now);
      await store.recordAccessKeyUse(accessKeyId, { atMs: now, serviceName: use.serviceName, region: use.region });
    },
  };
}
