/**
 * The deployment's `mfa` setting, enforced in front of the policy engine for every API:
 *
 *   optional   : nothing beyond policies
 *   privileged : (default) IAM changes, access-key and bucket-policy changes, bucket deletion,
 *                deletion of object versions, versioning/encryption/public-access changes,
 *                releasing a quarantined object, and audit, KMS and Macie administration need
 *                an MFA session
 *   required   : every request needs an MFA session
 *
 *   always allowed without MFA: enrolling a device (Create/Enable/Resync/List MFA devices),
 *     GetUser, sts:GetSessionToken, sts:GetCallerIdentity, sts:AssumeRole (the new session carries
 *     MFA only if a code was given)
 *   always (as on AWS): a GetSessionToken session without MFA cannot call IAM
 *
 * "MFA session" = temporary credentials whose session was created with a valid code.
 */
import type { IncomingMessage } from 'node:http';
import type { IamCaller } from '../iam/store/index.js';
import { CofferError } from '../shared/index.js';
import { protocolError, type ServiceDefinition } from './service-route.js';

import type { MFA_MODES } from '../config/index.js';

export type MfaMode = (typeof MFA_MODES)[number];

const ENROLL = new Set([
  'iam:CreateVirtualMFADevice',
  'iam:EnableMFADevice',
  'iam:ResyncMFADevice',
  'iam:ListMFADevices',
  'iam:ListVirtualMFADevices',
  'iam:GetUser',
  'sts:GetSessionToken',
  'sts:GetCallerIdentity',
  'sts:AssumeRole',
]);

const PRIVILEGED_S3 = new Set([
  's3:DeleteBucket',
  's3:DeleteObjectVersion',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  's3:PutBucketPublicAccessBlock',
  's3:PutAccountPublicAccessBlock',
  's3:PutBucketVersioning',
  's3:PutEncryptionConfiguration',
  's3:PutBucketObjectLockConfiguration',
  's3:BypassGovernanceRetention',
]);

const READ_ONLY = /^(Get|List|Describe|Lookup|Simulate|Generate(Credential|Service)|Search)/;
/** KMS calls that use keys rather than administer them. */
const KMS_DATA = /^(Encrypt|Decrypt|ReEncrypt|GenerateDataKey|GenerateRandom|Sign|Verify|GenerateMac|VerifyMac)/;

/** Whether an action ('service:Operation') needs an MFA session under `mode`. */
export function needsMfa(mode: MfaMode, action: string): boolean {
  if (mode === 'optional' || ENROLL.has(action)) return false;
  if (mode === 'required') return true;
  const [service, op = ''] = action.split(':') as [string, string?];
  if (service === 's3') return PRIVILEGED_S3.has(action);
  // Releasing an object that discovery quarantined is privileged like a bucket-policy change.
  if (service === 'coffer') return action === 'coffer:ReleaseQuarantinedObject';
  if (service === 'iam' || service === 'cloudtrail' || service === 'macie2') return !READ_ONLY.test(op);
  if (service === 'kms') return !READ_ONLY.test(op) && !KMS_DATA.test(op);
  return false;
}

function hasMfaSession(principal: unknown): boolean {
  return (principal as IamCaller | null)?.session?.mfaAuthenticated === true;
}

/** What to do, in the refusal itself. */
export function mfaRefusal(mode: MfaMode, action: string, principal: unknown): string {
  const p = principal as IamCaller | null;
  const user = p?.userName ?? 'USER';
  const account = p?.accountId ?? 'ACCOUNT';
  return (
    `${action} needs an MFA session (mfa: ${mode}). ` +
    `Enroll a virtual MFA device once: aws iam create-virtual-mfa-device --virtual-mfa-device-name ${user} --outfile mfa-qr.png --bootstrap-method QRCodePNG, ` +
    `scan it, then aws iam enable-mfa-device --user-name ${user} --serial-number arn:aws:iam::${account}:mfa/${user} --authentication-code1 CODE1 --authentication-code2 CODE2 (two consecutive codes). ` +
    `Then get an MFA session with aws sts get-session-token --serial-number arn:aws:iam::${account}:mfa/${user} --token-code CODE and sign requests with its AccessKeyId, SecretAccessKey and SessionToken.`
  );
}

/** Null when allowed; else the refusal message. */
export function checkMfa(mode: MfaMode, action: string, principal: unknown): string | null {
  const p = principal as IamCaller | null;
  // AWS: GetSessionToken credentials without MFA cannot call IAM at all.
  if (p?.session && p.type === 'User' && !p.session.mfaAuthenticated && action.startsWith('iam:') && !ENROLL.has(action)) {
    return `${action}: credentials from GetSessionToken cannot call IAM unless the session was created with MFA. ${mfaRefusal(mode, action, principal)}`;
  }
  if (!needsMfa(mode, action) || hasMfaSession(principal)) return null;
  return mfaRefusal(mode, action, principal);
}

/** The operation of a service request: the query protocol's Action, or JSON's X-Amz-Target. */
function operationOf(req: IncomingMessage, body: Buffer): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.slice(target.lastIndexOf('.') + 1).replace(/[^A-Za-z0-9]/g, '');
  try {
    return (new URLSearchParams(body.toString('utf8')).get('Action') ?? '').replace(/[^A-Za-z0-9]/g, '');
  } catch {
    return '';
  }
}

/** The definition with the mfa setting enforced before its handler runs (refusals are audited as AccessDenied). */
export function withMfaGate(def: ServiceDefinition, mode: MfaMode): ServiceDefinition {
  return {
    ...def,
    async handle(call) {
      // REST-JSON services (Macie) name the operation by method and path, not by a header or form field.
      const op = call.req.headers['x-amz-target'] === undefined && def.eventNameOf ? def.eventNameOf(call.req, call.body) : operationOf(call.req, call.body);
      const refusal = checkMfa(mode, `${def.name}:${op}`, call.auth.principal);
      if (refusal === null) return def.handle(call);
      const code = def.protocol.kind === 'query' ? 'AccessDenied' : 'AccessDeniedException';
      const r = protocolError(def, 403, code, refusal, call.requestId);
      return { ...r, audit: { eventName: op || 'Unknown', readOnly: false, errorCode: code, errorMessage: refusal } };
    },
  };
}

/** An S3 authorizer with the mfa setting enforced first (versioned deletes count as s3:DeleteObjectVersion). */
export function withS3MfaGate<Au extends { principal: unknown }, Op extends { action: string }, A extends unknown[], R>(
  mode: MfaMode,
  authorize: (auth: Au, op: Op, ...rest: A) => Promise<R>,
): (auth: Au, op: Op, ...rest: A) => Promise<R> {
  if (mode === 'optional') return authorize;
  return async (auth, op, ...rest) => {
    const req = rest.find((x): x is IncomingMessage => typeof x === 'object' && x !== null && 'headers' in x && 'socket' in x);
    const versioned = req !== undefined && /[?&]versionId=/.test(req.url ?? '');
    const action = op.action === 's3:DeleteObject' && versioned ? 's3:DeleteObjectVersion' : op.action;
    const refusal = checkMfa(mode, action, auth.principal);
    if (refusal !== null) throw new CofferError('auth.mfa_required', { message: `Access Denied: ${refusal}` });
    return authorize(auth, op, ...rest);
  };
}
