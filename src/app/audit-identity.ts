/** The CloudTrail userIdentity of a verified caller (shared by the S3 and service routes). */
import type { UserIdentity } from '../audit/index.js';
import type { IamCaller } from '../iam/store/index.js';

const IDENTITY_TYPES: Record<string, UserIdentity['type']> = { User: 'IAMUser', Root: 'Root', Account: 'Root', AssumedRole: 'AssumedRole', Role: 'Role', FederatedUser: 'FederatedUser' };

/**
 * A principal may carry `session` (temporary credentials from STS): its creation time, whether
 * it was MFA-authenticated and who issued it become the event's sessionContext, as on AWS.
 */
export function userIdentityOf(principal: unknown): UserIdentity | null {
  if (principal === null || typeof principal !== 'object') return null;
  const p = principal as IamCaller & {
    session?: { createdMs: number; mfaAuthenticated: boolean; issuer?: { type: string; principalId: string; arn: string; accountId: string; userName?: string } };
  };
  return {
    type: IDENTITY_TYPES[p.type] ?? 'Unknown',
    principalId: p.id,
    // A role session is recorded under its assumed-role ARN (the role is its sessionIssuer).
    arn: p.sessionArn ?? p.arn,
    accountId: p.accountId,
    ...(p.userName !== undefined ? { userName: p.userName } : {}),
    ...(p.session
      ? {
          sessionContext: {
            attributes: { creationDate: new Date(p.session.createdMs).toISOString().replace(/\.\d{3}Z$/, 'Z'), mfaAuthenticated: p.session.mfaAuthenticated ? 'true' : 'false' },
            ...(p.session.issuer ? { sessionIssuer: p.session.issuer } : {}),
          },
        }
      : {}),
  };
}
