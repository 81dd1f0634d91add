/** Entities of the identity store, shaped like the IAM API's. Dates are ISO 8601 strings. */

export interface Tag {
  key: string;
  value: string;
}

export interface User {
  userName: string;
  /** AIDA… */
  userId: string;
  arn: string;
  path: string;
  createDate: string;
  /** Managed policy ARN used as the permissions boundary, if any. */
  permissionsBoundary: string | null;
  tags: Tag[];
  /** Last console sign-in, if any. */
  passwordLastUsed: string | null;
}

export interface Group {
  groupName: string;
  /** AGPA… */
  groupId: string;
  arn: string;
  path: string;
  createDate: string;
}

export interface Role {
  roleName: string;
  /** AROA… */
  roleId: string;
  arn: string;
  path: string;
  createDate: string;
  /** The trust policy (JSON text). */
  assumeRolePolicyDocument: string;
  description: string;
  maxSessionDuration: number;
  permissionsBoundary: string | null;
  tags: Tag[];
}

export interface ManagedPolicy {
  policyName: string;
  /** ANPA… */
  policyId: string;
  arn: string;
  path: string;
  defaultVersionId: string;
  attachmentCount: number;
  description: string;
  createDate: string;
  updateDate: string;
}

export interface PolicyVersion {
  versionId: string;
  document: string;
  isDefaultVersion: boolean;
  createDate: string;
}

export type EntityKind = 'user' | 'group' | 'role';

export interface AttachedPolicy {
  policyName: string;
  policyArn: string;
}

export interface AccessKeyMetadata {
  userName: string;
  accessKeyId: string;
  status: 'Active' | 'Inactive';
  createDate: string;
}

export interface AccessKeyLastUsed {
  lastUsedDate: string | null;
  serviceName: string | null;
  region: string | null;
}

export interface LoginProfile {
  userName: string;
  createDate: string;
  passwordResetRequired: boolean;
}

/** A page of a listing; pass `marker` back to get the next one. */
export interface Page<T> {
  items: T[];
  isTruncated: boolean;
  marker?: string;
}

export interface ListOptions {
  pathPrefix?: string;
  marker?: string;
  /** 1–1000, default 100. */
  maxItems?: number;
}

/** Everything needed to authorise requests made with an access key. */
export interface AccessKeyIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  status: 'Active' | 'Inactive';
  user: User;
}

/** A principal's policy documents (JSON text), by source, for compiling. */
export interface PrincipalPolicyDocuments {
  /** [id, document]: id is 'user/<name>/<policyName>', 'group/<name>/<policyName>' or a policy ARN. */
  identity: Array<{ id: string; document: string }>;
  boundary: { id: string; document: string } | null;
}

/** Account password rules (NIST SP 800-63B leaning: length over composition). */
export interface PasswordPolicy {
  minimumPasswordLength: number;
  requireSymbols: boolean;
  requireNumbers: boolean;
  requireUppercaseCharacters: boolean;
  requireLowercaseCharacters: boolean;
  /** Whether every IAM user may change its own password (ChangePassword) without an identity policy allowing it. */
  allowUsersToChangePassword?: boolean;
}

/**
 * The account-wide S3 Block Public Access settings (S3 Control PutPublicAccessBlock). They add to
 * each bucket's own: a setting is in force when either level turns it on.
 */
export interface AccountPublicAccessBlock {
  blockPublicAcls: boolean;
  ignorePublicAcls: boolean;
  blockPublicPolicy: boolean;
  restrictPublicBuckets: boolean;
}

export const DEFAULT_PASSWORD_POLICY: Readonly<PasswordPolicy> = Object.freeze({
  minimumPasswordLength: 12,
  requireSymbols: false,
  requireNumbers: false,
  requireUppercaseCharacters: false,
  requireLowercaseCharacters: false,
});
