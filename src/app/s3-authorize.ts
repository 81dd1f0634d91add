/**
 * Least privilege on every S3 request: each operation's IAM checks (from the operation table,
 * plus the copy source, version and tagging checks S3 adds) are evaluated against the caller's
 * identity policies with the request's aws:* and s3:* condition keys. Anything but Allow is
 * AccessDenied.
 */
import type { TLSSocket } from 'node:tls';
import type { IncomingMessage } from 'node:http';
import { CofferError, type Clock } from '../shared/index.js';
import type { AuthenticatedRequest } from '../auth/index.js';
import { globalConditionKeys, s3Checks, s3ConditionKeys } from '../iam/policy/index.js';
import type { IamCaller } from '../iam/store/index.js';
import { evaluateForPrincipal } from '../http/iam/index.js';
import type { S3Operation, S3OperationName } from '../http/s3/operations.js';
import type { Target } from '../http/s3/router.js';

export function createS3Authorizer(deps: { clock: Clock; region: string }) {
  return async (
    auth: AuthenticatedRequest,
    op: S3Operation & { name: S3OperationName },
    target: Target,
    secureTransport: boolean,
    req: IncomingMessage,
  ): Promise<void> => {
    // Operations Coffer does not implement answer 501 for authenticated callers.
    if (op.name === 'NotImplemented' || op.name === 'MethodNotAllowed') return;
    const caller = auth.principal as IamCaller;
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
    const socket = req.socket as Partial<TLSSocket>;
    const tlsProtocol = secureTransport && typeof socket.getProtocol === 'function' ? socket.getProtocol() : null;
    const global = globalConditionKeys({
      principal: caller,
      userName: caller.userName,
      userId: caller.id,
      principalTags: caller.tags,
      secureTransport,
      sourceIp: req.socket.remoteAddress ?? '0.0.0.0',
      nowMs: deps.clock.now(),
      ...(header('user-agent') !== undefined ? { userAgent: header('user-agent')! } : {}),
      region: deps.region,
    });
    for (const check of checks) {
      const keys = { ...global, ...s3ConditionKeys({ query, header, authMethod: auth.method, action: check.action, tlsProtocol }) };
      const result = evaluateForPrincipal(caller, { action: check.action, resource: check.resource, conditionKeys: keys });
      if (result.decision !== 'Allow') {
        throw new CofferError('auth.access_denied', {
          message: `Access Denied: ${caller.arn ?? 'the caller'} is not authorized to perform ${check.action} on ${check.resource}${result.decision === 'ExplicitDeny' ? ' with an explicit deny' : ' because no policy allows it'}.`,
          details: { decision: result },
        });
      }
    }
  };
}
