/**
 * GetSessionToken and AssumeRole: checks, then a new session in the identity store.
 *
 *   GetSessionToken(caller = long-term IAM user key; SerialNumber+TokenCode optional)
 *     duration 900..129600 s (default 43200); code checked (±1 step, once, lockout) -> mfaAuth = now
 *     session: kind user, the user's policies
 *   AssumeRole(caller = user key or session; RoleArn, RoleSessionName, ...)
 *     duration 900..min(role max, 43200) (role chaining: ≤ 3600); code -> mfaAuth = now,
 *       else inherited from an MFA session (transitive, as AWS does)
 *     decide sts:AssumeRole on the role ARN with the trust policy as resource policy and the
 *       caller's identity/boundary/session policies, with aws:MultiFactorAuthPresent/Age of this call
 *     session policies (Policy ≤ 2048 chars, PolicyArns ≤ 10) validated; effective permissions are
 *       role policies ∩ session policies (evaluate's session step)
 *
 * Errors: 'sts.access_denied', 'sts.validation', 'sts.malformed_policy', 'sts.packed_policy_too_large'.
 */
import { CofferError, isCofferError, type Clock } from '../shared/index.js';
import { evaluate, type ContextValue } from '../iam/policy/index.js';
import { parsePolicy } from '../iam/policy/index.js';
import type { IamCaller, IamStore, Role, StsSessionInput } from '../iam/store/index.js';
import { newTemporaryCredentials, sessionTokenHash, type TemporaryCredentials } from './credentials.js';
import { assumedRoleArn, compileSessionPolicies } from './session-resolver.js';

export interface StsDeps {
  store: IamStore;
  clock: Clock;
  accountId: string;
}

export interface IssuedSession {
  credentials: TemporaryCredentials;
  expiresMs: number;
}

export const MFA_INVALID_CODE = 'MultiFactorAuthentication failed with invalid MFA one time pass code.';
export const MFA_UNKNOWN_DEVICE = 'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.';

const denied = (message: string) => new CofferError('sts.access_denied', { message });
const invalid = (message: string) => new CofferError('sts.validation', { message });

function duration(value: number | undefined, param: string, min: number, max: number, dflt: number): number {
  const d = value ?? dflt;
  if (d < min) throw invalid(`1 validation error detected: Value '${d}' at '${param}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`);
  if (d > max) throw invalid(`1 validation error detected: Value '${d}' at '${param}' failed to satisfy constraint: Member must have value less than or equal to ${max}`);
  return d;
}

/** Checks SerialNumber/TokenCode for an IAM user; returns when MFA was authenticated. */
async function checkMfa(store: IamStore, userName: string | undefined, serial: string, code: string): Promise<number> {
  if (serial.length < 9 || serial.length > 256 || !/^[\w+=/:,.@-]+$/.test(serial)) {
    throw invalid("1 validation error detected: Value at 'serialNumber' failed to satisfy constraint: Member must have length between 9 and 256 and satisfy the pattern [\\w+=/:,.@-]*");
  }
  if (!/^\d{6}$/.test(code)) throw invalid("1 validation error detected: Value at 'tokenCode' failed to satisfy constraint: Member must have length 6 and satisfy the pattern [\\d]*");
  if (userName === undefined) throw denied(MFA_UNKNOWN_DEVICE);
  const r = await store.mfa.checkMfaCode(userName, serial, code);
  if (r.ok) return r.atMs;
  if (r.reason === 'unknown_device') throw denied(MFA_UNKNOWN_DEVICE);
  if (r.reason === 'locked') {
    throw denied(
      r.retryAtMs == null
        ? 'MultiFactorAuthentication failed: too many failed attempts; the MFA device is locked until an administrator resyncs it (aws iam resync-mfa-device).'
        : `MultiFactorAuthentication failed: too many failed attempts; try again after ${new Date(r.retryAtMs).toISOString().replace(/\.\d{3}Z$/, 'Z')}.`,
    );
  }
  throw denied(MFA_INVALID_CODE);
}

function mfaPair(input: { serialNumber?: string | undefined; tokenCode?: string | undefined }): { serial: string; code: string } | null {
  const { serialNumber: serial, tokenCode: code } = input;
  if (serial === undefined && code === undefined) return null;
  if (serial === undefined || code === undefined) throw denied(MFA_UNKNOWN_DEVICE);
  return { serial, code };
}

/** New temporary credentials, stored with their session (only the token's hash is kept). */
async function storeSession(deps: StsDeps, session: Omit<StsSessionInput, 'accessKeyId' | 'secretAccessKey' | 'tokenHash'>): Promise<TemporaryCredentials> {
  const credentials = newTemporaryCredentials();
  await deps.store.sessions.createSession({
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    tokenHash: sessionTokenHash(credentials.sessionToken),
    ...session,
  });
  return credentials;
}

export async function getSessionToken(deps: StsDeps, caller: IamCaller, input: { durationSeconds?: number; serialNumber?: string; tokenCode?: string }): Promise<IssuedSession> {
  if (caller.type !== 'User' || caller.session || caller.userName === undefined) throw denied('Cannot call GetSessionToken with session credentials');
  const seconds = duration(input.durationSeconds, 'durationSeconds', 900, 129_600, 43_200);
  const pair = mfaPair(input);
  const mfaAuthMs = pair ? await checkMfa(deps.store, caller.userName, pair.serial, pair.code) : null;
  const now = deps.clock.now();
  const expiresMs = now + seconds * 1000;
  const credentials = await storeSession(deps, {
    kind: 'user',
    userName: caller.userName,
    roleName: null,
    roleSessionName: null,
    createdMs: now,
    expiresMs,
    mfaAuthMs,
    sessionPolicy: null,
    policyArns: [],
    sourceArn: caller.arn,
  });
  return { credentials, expiresMs };
}

export interface AssumeRoleInput {
  roleArn: string;
  roleSessionName: string;
  durationSeconds?: number;
  serialNumber?: string;
  tokenCode?: string;
  policy?: string;
  policyArns?: string[];
}

export interface AssumedRole extends IssuedSession {
  assumedRoleId: string;
  arn: string;
  /** Session policy size as a percentage of the allowed size (when a session policy was passed). */
  packedPolicySize?: number;
}

async function roleOf(deps: StsDeps, roleArn: string, caller: IamCaller): Promise<Role> {
  const notAuthorized = () => denied(`User: ${caller.sessionArn ?? caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
  const m = /^arn:aws:iam::(\d{12}):role(\/(?:[\x21-\x7e]*\/)?)?([\w+=,.@-]{1,64})$/.exec(roleArn);
  if (!m) {
    if (roleArn.length < 20 || roleArn.length > 2048) throw invalid("1 validation error detected: Value at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20");
    throw notAuthorized();
  }
  if (m[1] !== deps.accountId) throw notAuthorized();
  try {
    const role = await deps.store.getRole(m[3]!);
    if (role.arn !== roleArn) throw notAuthorized();
    return role;
  } catch (e) {
    if (isCofferError(e, 'iam.no_such_entity')) throw notAuthorized();
    throw e;
  }
}

export async function assumeRole(deps: StsDeps, caller: IamCaller, input: AssumeRoleInput, conditionKeys: Readonly<Record<string, ContextValue>>): Promise<AssumedRole> {
  const name = input.roleSessionName;
  if (name.length < 2 || name.length > 64 || !/^[\w+=,.@-]+$/.test(name)) {
    throw invalid("1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint: Member must have length between 2 and 64 and satisfy the pattern [\\w+=,.@-]*");
  }
  const role = await roleOf(deps, input.roleArn, caller);
  const chained = caller.type === 'AssumedRole';
  const seconds = duration(input.durationSeconds, 'durationSeconds', 900, 43_200, 3600);
  if (seconds > role.maxSessionDuration) throw invalid('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  if (chained && seconds > 3600) throw invalid('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');

  // Session policies: validated now (MalformedPolicyDocument), compiled again on each request.
  const policyArns = input.policyArns ?? [];
  if (policyArns.length > 10) throw invalid("1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10");
  if (input.policy !== undefined && input.policy.length > 2048) throw new CofferError('sts.packed_policy_too_large', { message: 'Packed policy consumes more than 100% of the allotted space.' });
  try {
    await compileSessionPolicies(deps.store, input.policy ?? null, policyArns, true);
  } catch (e) {
    if (isCofferError(e, 'iam.no_such_entity')) throw new CofferError('sts.malformed_policy', { message: 'The policy ARN does not exist or is not attachable.' });
    if (isCofferError(e) && e.code.startsWith('iam.')) throw new CofferError('sts.malformed_policy', { message: 'The session policy is not valid JSON or not a valid policy.' });
    throw e;
  }

  const pair = mfaPair(input);
  let mfaAuthMs: number | null = null;
  if (pair) mfaAuthMs = await checkMfa(deps.store, caller.type === 'User' ? caller.userName : undefined, pair.serial, pair.code);
  else if (caller.session?.mfaAuthenticated) mfaAuthMs = caller.session.mfaAuthTimeMs ?? caller.session.createdMs;

  const now = deps.clock.now();
  const keys: Record<string, ContextValue> = { ...conditionKeys };
  for (const k of Object.keys(keys)) if (/^aws:MultiFactorAuth/i.test(k)) delete keys[k];
  if (mfaAuthMs !== null) {
    keys['aws:MultiFactorAuthPresent'] = 'true';
    keys['aws:MultiFactorAuthAge'] = String(Math.max(0, Math.floor((now - mfaAuthMs) / 1000)));
  } else if (caller.session) {
    keys['aws:MultiFactorAuthPresent'] = 'false';
  }
  let trust;
  try {
    trust = parsePolicy(role.assumeRolePolicyDocument, { id: `${role.arn}/trust`, kind: 'trust', strict: false });
  } catch {
    throw denied(`User: ${caller.sessionArn ?? caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${role.arn}`);
  }
  // The trust policy must itself allow (it is not optional as a bucket policy is); naming only
  // the account also needs an identity Allow, which evaluate's resource-policy rules decide.
  const decision = evaluate({ ...caller.policies, resource: [trust] }, { action: 'sts:AssumeRole', resource: role.arn, principal: caller, keys });
  const trusted = decision.matched.some((m) => m.policyId === trust.id && m.effect === 'Allow');
  if (decision.decision !== 'Allow' || !trusted) throw denied(`User: ${caller.sessionArn ?? caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${role.arn}`);

  const expiresMs = now + seconds * 1000;
  const credentials = await storeSession(deps, {
    kind: 'role',
    userName: caller.type === 'User' ? (caller.userName ?? null) : null,
    roleName: role.roleName,
    roleSessionName: name,
    createdMs: now,
    expiresMs,
    mfaAuthMs,
    sessionPolicy: input.policy ?? null,
    policyArns,
    sourceArn: caller.sessionArn ?? caller.arn,
  });
  const packed = input.policy !== undefined || policyArns.length > 0 ? Math.max(1, Math.ceil((((input.policy ?? '').length + policyArns.join('').length) / 2048) * 100)) : undefined;
  return {
    credentials,
    expiresMs,
    assumedRoleId: `${role.roleId}:${name}`,
    arn: assumedRoleArn(deps.accountId, role.roleName, name),
    ...(packed !== undefined ? { packedPolicySize: packed } : {}),
  };
}
