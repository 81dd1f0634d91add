/** The aws:* condition keys of a request made by an IAM caller (shared by the S3 and IAM routes). */
import type { IncomingMessage } from 'node:http';
import { globalConditionKeys } from '../iam/policy/index.js';
import type { IamCaller } from '../iam/store/index.js';

export function callerConditionKeys(caller: IamCaller, req: IncomingMessage, opts: { secureTransport: boolean; nowMs: number; region: string }) {
  const ua = req.headers['user-agent'];
  return globalConditionKeys({
    principal: caller,
    userName: caller.userName,
    userId: caller.id,
    principalTags: caller.tags,
    secureTransport: opts.secureTransport,
    sourceIp: req.socket?.remoteAddress ?? '0.0.0.0',
    nowMs: opts.nowMs,
    ...(ua !== undefined ? { userAgent: ua } : {}),
    region: opts.region,
    // Temporary credentials only: long-term keys have no aws:MultiFactorAuthPresent at all (as on AWS).
    ...(caller?.session
      ? { mfa: { present: caller.session.mfaAuthenticated, ...(caller.session.mfaAuthTimeMs !== undefined ? { authTimeMs: caller.session.mfaAuthTimeMs } : {}) }, tokenIssueTimeMs: caller.session.createdMs }
      : {}),
  });
}
