/**
 * The identity store port: users, groups, roles, managed and inline policies, attachments,
 * access keys and login profiles of the one account. Policy documents are stored as given
 * (callers validate them with iam/policy before saving). Errors are CofferErrors:
 * 'iam.no_such_entity', 'iam.entity_already_exists', 'iam.limit_exceeded',
 * 'iam.delete_conflict', 'iam.validation', 'iam.password_policy'.
 */
import type {
  AccessKeyIdentity,
  AccountPublicAccessBlock,
  AccessKeyLastUsed,
  AccessKeyMetadata,
  AttachedPolicy,
  EntityKind,
  Group,
  ListOptions,
  LoginProfile,
  ManagedPolicy,
  Page,
  PasswordPolicy,
  PolicyVersion,
  PrincipalPolicyDocuments,
  Role,
  Tag,
  User,
} from './types.js';
import type { MfaAssignment, MfaCheck, MfaDevice, StsSessionInput, StsSessionRecord } from './mfa-session-types.js';

export interface IamStore {
  readonly accountId: string;
  /** Virtual MFA devices (seeds sealed) and code checks. */
  readonly mfa: MfaStore;
  /** STS sessions (temporary access keys). */
  readonly sessions: SessionStore;
  /** Access keys of the account root user (none by default; see src/iam/principals/root-keys.ts). */
  readonly rootKeys: RootAccessKeyStore;
  /** Increases on every change; caches of compiled policies compare it. */
  revision(): number;

  /** `userId` keeps an existing id (AIDA + 17 base32 characters) when importing a user; otherwise a new one is made. */
  createUser(input: { userName: string; path?: string; tags?: Tag[]; permissionsBoundary?: string; userId?: string }): Promise<User>;
  getUser(userName: string): Promise<User>;
  getUserById(userId: string): Promise<User | null>;
  listUsers(options?: ListOptions): Promise<Page<User>>;
  updateUser(userName: string, changes: { newUserName?: string; newPath?: string }): Promise<void>;
  /** Refuses ('iam.delete_conflict') while the user has keys, a login profile, groups or policies, as IAM does. */
  deleteUser(userName: string): Promise<void>;
  tagUser(userName: string, tags: Tag[]): Promise<void>;
  untagUser(userName: string, keys: string[]): Promise<void>;

  createGroup(input: { groupName: string; path?: string }): Promise<Group>;
  getGroup(groupName: string): Promise<{ group: Group; users: User[] }>;
  listGroups(options?: ListOptions): Promise<Page<Group>>;
  deleteGroup(groupName: string): Promise<void>;
  addUserToGroup(groupName: string, userName: string): Promise<void>;
  removeUserFromGroup(groupName: string, userName: string): Promise<void>;
  listGroupsForUser(userName: string, options?: ListOptions): Promise<Page<Group>>;

  createRole(input: { roleName: string; path?: string; assumeRolePolicyDocument: string; description?: string; maxSessionDuration?: number; tags?: Tag[]; permissionsBoundary?: string }): Promise<Role>;
  getRole(roleName: string): Promise<Role>;
  listRoles(options?: ListOptions): Promise<Page<Role>>;
  deleteRole(roleName: string): Promise<void>;
  updateAssumeRolePolicy(roleName: string, document: string): Promise<void>;
  tagRole(roleName: string, tags: Tag[]): Promise<void>;
  untagRole(roleName: string, keys: string[]): Promise<void>;

  createPolicy(input: { policyName: string; path?: string; document: string; description?: string }): Promise<ManagedPolicy>;
  getPolicy(policyArn: string): Promise<ManagedPolicy>;
  listPolicies(options?: ListOptions & { onlyAttached?: boolean }): Promise<Page<ManagedPolicy>>;
  deletePolicy(policyArn: string): Promise<void>;
  createPolicyVersion(policyArn: string, document: string, setAsDefault: boolean): Promise<PolicyVersion>;
  getPolicyVersion(policyArn: string, versionId: string): Promise<PolicyVersion>;
  listPolicyVersions(policyArn: string): Promise<PolicyVersion[]>;
  deletePolicyVersion(policyArn: string, versionId: string): Promise<void>;
  setDefaultPolicyVersion(policyArn: string, versionId: string): Promise<void>;

  attachPolicy(kind: EntityKind, name: string, policyArn: string): Promise<void>;
  detachPolicy(kind: EntityKind, name: string, policyArn: string): Promise<void>;
  listAttachedPolicies(kind: EntityKind, name: string, options?: ListOptions): Promise<Page<AttachedPolicy>>;

  putInlinePolicy(kind: EntityKind, name: string, policyName: string, document: string): Promise<void>;
  getInlinePolicy(kind: EntityKind, name: string, policyName: string): Promise<string>;
  deleteInlinePolicy(kind: EntityKind, name: string, policyName: string): Promise<void>;
  listInlinePolicies(kind: EntityKind, name: string, options?: ListOptions): Promise<Page<string>>;

  /** Returns the plaintext secret once; it is stored sealed. At most two keys per user. */
  createAccessKey(userName: string): Promise<{ key: AccessKeyMetadata; secretAccessKey: string }>;
  /** Stores an existing key pair (e.g. the bootstrap admin's) for a user. */
  importAccessKey(userName: string, accessKeyId: string, secretAccessKey: string, createdMs: number): Promise<AccessKeyMetadata>;
  listAccessKeys(userName: string): Promise<AccessKeyMetadata[]>;
  updateAccessKey(userName: string, accessKeyId: string, status: 'Active' | 'Inactive'): Promise<void>;
  deleteAccessKey(userName: string, accessKeyId: string): Promise<void>;
  getAccessKeyLastUsed(accessKeyId: string): Promise<{ userName: string; lastUsed: AccessKeyLastUsed }>;
  recordAccessKeyUse(accessKeyId: string, use: { atMs: number; serviceName: string; region: string }): Promise<void>;
  /** The key, its opened secret and its user; null when the key does not exist. */
  findAccessKey(accessKeyId: string): Promise<AccessKeyIdentity | null>;

  createLoginProfile(userName: string, password: string, passwordResetRequired: boolean): Promise<LoginProfile>;
  getLoginProfile(userName: string): Promise<LoginProfile>;
  updateLoginProfile(userName: string, changes: { password?: string; passwordResetRequired?: boolean }): Promise<void>;
  deleteLoginProfile(userName: string): Promise<void>;
  /** Constant-time check; false for unknown users and users without a login profile. */
  checkPassword(userName: string, password: string): Promise<boolean>;
  getPasswordPolicy(): Promise<PasswordPolicy>;
  setPasswordPolicy(policy: PasswordPolicy): Promise<void>;
  /** Whether an administrator set the password policy (GetAccountPasswordPolicy answers NoSuchEntity otherwise). */
  hasPasswordPolicy(): Promise<boolean>;
  /** Back to the default policy; 'iam.no_such_entity' when none was set. */
  deletePasswordPolicy(): Promise<void>;

  /** Sets (policy ARN, which must exist) or removes (null) the permissions boundary of a user or role. */
  setPermissionsBoundary(kind: 'user' | 'role', name: string, policyArn: string | null): Promise<void>;

  /** The account-wide Block Public Access settings; null when never set (callers treat that as all on). */
  getAccountPublicAccessBlock(): Promise<AccountPublicAccessBlock | null>;
  putAccountPublicAccessBlock(settings: AccountPublicAccessBlock): Promise<void>;
  deleteAccountPublicAccessBlock(): Promise<void>;

  /** Identity policies of a user: its inline and attached policies and those of its groups; its boundary. */
  userPolicyDocuments(userName: string): Promise<PrincipalPolicyDocuments>;
  /** Identity policies of a role (inline and attached) and its boundary. */
  rolePolicyDocuments(roleName: string): Promise<PrincipalPolicyDocuments>;

  close(): void;
}

/** Virtual MFA devices. Errors: 'iam.no_such_entity', 'iam.entity_already_exists', 'iam.delete_conflict', 'iam.invalid_authentication_code'. */
export interface MfaStore {
  /** Returns the base32 seed once; it is stored sealed. */
  createVirtualMfaDevice(input: { name: string; path?: string }): Promise<{ device: MfaDevice; base32Seed: string }>;
  getMfaDevice(serial: string): Promise<MfaDevice>;
  listVirtualMfaDevices(options?: ListOptions & { assignment?: MfaAssignment }): Promise<Page<MfaDevice>>;
  listMfaDevices(userName: string): Promise<MfaDevice[]>;
  /** Two codes of consecutive steps (±10 steps of now); later codes must be of later steps. */
  enableMfaDevice(userName: string, serial: string, code1: string, code2: string): Promise<void>;
  /** Two consecutive codes; clears the device's and the user's lockout. */
  resyncMfaDevice(userName: string, serial: string, code1: string, code2: string): Promise<void>;
  deactivateMfaDevice(userName: string, serial: string): Promise<void>;
  /** Refuses ('iam.delete_conflict') while the device is enabled for a user. */
  deleteVirtualMfaDevice(serial: string): Promise<void>;
  /** One code for a device enabled for the user: ±1 step, each step once, failures limited. */
  checkMfaCode(userName: string, serial: string, code: string): Promise<MfaCheck>;
  /** S3 MFA Delete flags (key: bucket name and creation time). */
  getMfaDeleteFlag(key: string): Promise<boolean>;
  setMfaDeleteFlag(key: string, enabled: boolean): Promise<void>;
}

/** STS sessions: temporary keys with sealed secrets and hashed tokens. */
export interface SessionStore {
  createSession(session: StsSessionInput): Promise<void>;
  /** The session with its opened secret and the revocation mark of its user or role; null when unknown. */
  findSession(accessKeyId: string): Promise<StsSessionRecord | null>;
  /** Voids all sessions of a user or role issued up to now; returns how many were still active. */
  revokeSessions(kind: 'user' | 'role', name: string): Promise<number>;
}

/** An access key of the account root user. */
export interface RootAccessKey {
  accessKeyId: string;
  status: 'Active' | 'Inactive';
  createDate: string;
}

/** The root user's access keys (at most two). Whether one may be created is the caller's decision (config iam.allowRootAccessKeys). */
export interface RootAccessKeyStore {
  /** Returns the plaintext secret once; it is stored sealed. 'iam.limit_exceeded' past two keys. */
  create(): Promise<{ key: RootAccessKey; secretAccessKey: string }>;
  list(): Promise<RootAccessKey[]>;
  update(accessKeyId: string, status: 'Active' | 'Inactive'): Promise<void>;
  delete(accessKeyId: string): Promise<void>;
  /** The key and its opened secret; null when no root key has this id. */
  find(accessKeyId: string): Promise<{ accessKeyId: string; secretAccessKey: string; status: 'Active' | 'Inactive' } | null>;
}
