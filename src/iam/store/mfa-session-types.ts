/** Virtual MFA devices and STS sessions in the identity store. Dates are ISO 8601 strings. */

export interface MfaDevice {
  /** The device ARN, arn:aws:iam::ACCOUNT:mfa/<path><name>. */
  serialNumber: string;
  name: string;
  path: string;
  /** The user it is enabled for; null while unassigned. */
  userName: string | null;
  enableDate: string | null;
  createDate: string;
}

export type MfaAssignment = 'Assigned' | 'Unassigned' | 'Any';

/** The result of checking one code (see src/mfa attemptTotp). */
export type MfaCheck =
  | { ok: true; atMs: number }
  /** 'unknown_device': no such device, or not enabled for this user. 'locked': too many failures (retryAtMs null: until an administrator resyncs). */
  | { ok: false; reason: 'invalid' | 'locked' | 'unknown_device'; retryAtMs?: number | null };

/** What an STS session stores (besides its sealed secret and hashed token). */
export interface StsSessionInput {
  /** ASIA… */
  accessKeyId: string;
  secretAccessKey: string;
  /** SHA-256 of the session token (the token itself is never stored). */
  tokenHash: Buffer;
  kind: 'user' | 'role';
  /** The IAM user (GetSessionToken), or the user who assumed the role (null when a role session assumed it). */
  userName: string | null;
  roleName: string | null;
  roleSessionName: string | null;
  createdMs: number;
  expiresMs: number;
  /** When the MFA code was checked (this session or the one it came from); null without MFA. */
  mfaAuthMs: number | null;
  /** Inline session policy (JSON) and managed session policy ARNs (AssumeRole). */
  sessionPolicy: string | null;
  policyArns: string[];
  /** The ARN of the caller that created the session. */
  sourceArn: string;
}

export interface StsSessionRecord extends StsSessionInput {
  /** Sessions of the user or role created before this time are revoked; null when never revoked. */
  revokedBeforeMs: number | null;
}
