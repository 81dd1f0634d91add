/**
 * findSecret for SigV4 over long-term keys (AKIA…, the identity store's resolver) and STS
 * sessions (ASIA…). A temporary key resolves only with its own session token, before expiry,
 * when not revoked, to the principal it was issued for:
 *
 *   ASIA id, token  -> session row (null: unknown key)
 *     token missing or hash differs (constant time)  -> auth.invalid_token
 *     now >= expires                                  -> auth.expired_token
 *     created <= revocation mark of its user/role     -> auth.invalid_token
 *   GetSessionToken session -> the user (type User, the user's policies), session {mfa facts}
 *   AssumeRole session      -> type AssumedRole, arn = role ARN, sessionArn = assumed-role ARN,
 *                              policies = role policies and boundary, session = session policies
 *
 * Compiled principals are cached per key id until the identity store changes.
 */
import { CofferError, type Clock } from '../shared/index.js';
import { parsePolicy, type CompiledPolicy } from '../iam/policy/index.js';
import { callerForUser, compileDocuments, type AccessKeyResolver, type IamCaller, type IamStore, type StsSessionRecord } from '../iam/store/index.js';
import { isTemporaryAccessKeyId, sessionTokenMatches } from './credentials.js';

export type FindSecret = AccessKeyResolver['findSecret'];

const DENY_ALL = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}';

/** The assumed-role ARN of a role session. */
export function assumedRoleArn(accountId: string, roleName: string, sessionName: string): string {
  return `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`;
}

/** Session policies as compiled for evaluation: the inline policy and each managed policy's default version. */
export async function compileSessionPolicies(store: IamStore, inline: string | null, arns: readonly string[], strict: boolean): Promise<CompiledPolicy[] | null> {
  if (inline === null && arns.length === 0) return null;
  const out: CompiledPolicy[] = [];
  const compile = (doc: string, id: string) => {
    try {
      return parsePolicy(doc, { id, kind: 'identity', strict });
    } catch (e) {
      if (strict) throw e;
      return parsePolicy(DENY_ALL, { id, kind: 'identity' });
    }
  };
  if (inline !== null) out.push(compile(inline, 'session-policy'));
  for (const arn of arns) {
    const p = await store.getPolicy(arn);
    out.push(compile((await store.getPolicyVersion(arn, p.defaultVersionId)).document, arn));
  }
  return out;
}

async function principalOf(store: IamStore, s: StsSessionRecord): Promise<IamCaller | null> {
  const mfa = s.mfaAuthMs !== null ? { mfaAuthenticated: true, mfaAuthTimeMs: s.mfaAuthMs } : { mfaAuthenticated: false };
  if (s.kind === 'user') {
    const user = await store.getUser(s.userName!).catch(() => null);
    if (!user) return null;
    const caller = await callerForUser(store, user, s.accessKeyId);
    return { ...caller, session: { createdMs: s.createdMs, expiresMs: s.expiresMs, ...mfa } };
  }
  const role = await store.getRole(s.roleName!).catch(() => null);
  if (!role) return null;
  const policies = compileDocuments(await store.rolePolicyDocuments(role.roleName));
  const session = await compileSessionPolicies(store, s.sessionPolicy, s.policyArns, false).catch(() => [parsePolicy(DENY_ALL, { id: 'session-policy', kind: 'identity' })]);
  return {
    type: 'AssumedRole',
    accountId: store.accountId,
    arn: role.arn,
    sessionArn: assumedRoleArn(store.accountId, role.roleName, s.roleSessionName!),
    id: `${role.roleId}:${s.roleSessionName}`,
    accessKeyId: s.accessKeyId,
    tags: Object.fromEntries(role.tags.map((t) => [t.key, t.value])),
    policies: { ...policies, session },
    session: {
      createdMs: s.createdMs,
      expiresMs: s.expiresMs,
      ...mfa,
      issuer: { type: 'Role', principalId: role.roleId, arn: role.arn, accountId: store.accountId, userName: role.roleName },
    },
  };
}

export function createSessionResolver(options: { store: IamStore; clock: Clock; longTerm: FindSecret; maxCached?: number }): { findSecret: FindSecret } {
  const { store, clock } = options;
  const limit = options.maxCached ?? 10_000;
  let revision = -1;
  const cache = new Map<string, IamCaller | null>();
  return {
    async findSecret(accessKeyId, context) {
      if (!isTemporaryAccessKeyId(accessKeyId)) return options.longTerm(accessKeyId, context);
      const s = await store.sessions.findSession(accessKeyId);
      if (s === null) return null;
      const token = context?.sessionToken;
      if (token === undefined || !sessionTokenMatches(s.tokenHash, token)) {
        throw new CofferError('auth.invalid_token', { message: 'The security token included in the request is invalid.' });
      }
      const now = clock.now();
      if (now >= s.expiresMs) throw new CofferError('auth.expired_token', { message: 'The security token included in the request is expired' });
      if (s.revokedBeforeMs !== null && s.createdMs <= s.revokedBeforeMs) {
        throw new CofferError('auth.invalid_token', { message: 'The security token included in the request is invalid.' });
      }
      if (store.revision() !== revision) {
        cache.clear();
        revision = store.revision();
      }
      let principal = cache.get(accessKeyId);
      if (principal === undefined) {
        principal = await principalOf(store, s);
        if (cache.size >= limit) cache.clear();
        if (store.revision() === revision) cache.set(accessKeyId, principal);
      }
      return principal === null ? null : { secretAccessKey: s.secretAccessKey, principal };
    },
  };
}
