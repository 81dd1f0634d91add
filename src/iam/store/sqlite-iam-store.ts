/**
 * The SQLite adapter of the identity store. better-sqlite3 is synchronous: each method runs one
 * short transaction; the async signatures keep the port open for other adapters.
 * Managed/inline policies and attachments live in sqlite-policies.ts.
 */
import { CofferError, type Clock } from '../../shared/index.js';
import type { IamStore } from './port.js';
import { arnOf, isoDate, newAccessKeyId, newId, newSecretAccessKey, validateName, validatePath } from './names.js';
import { checkPassword as checkPasswordRules, hashPassword, verifyPassword } from './password.js';
import type { SecretSealer } from './secret-seal.js';
import { SqlitePolicies } from './sqlite-policies.js';
import { SqliteRootKeys } from './sqlite-root-keys.js';
import { SqliteAccountSettings } from './sqlite-account-settings.js';
import { SqliteMfa } from './sqlite-mfa.js';
import { SqliteSessions } from './sqlite-sessions.js';
import { alreadyExists, deleteConflict, isConstraint, limitExceeded, noSuchEntity, paged, type Row, type Sql } from './sql.js';
import {
  type AccessKeyIdentity,
  type AccountPublicAccessBlock,
  type AccessKeyMetadata,
  type Group,
  type ListOptions,
  type LoginProfile,
  type Page,
  type PasswordPolicy,
  type Role,
  type Tag,
  type User,
} from './types.js';

const MAX_KEYS_PER_USER = 2;
const MAX_GROUPS_PER_USER = 10;
const MAX_TAGS = 50;

export class SqliteIamStore extends SqlitePolicies implements IamStore {
  readonly #sealer: SecretSealer;
  readonly mfa: SqliteMfa;
  readonly sessions: SqliteSessions;
  readonly rootKeys: SqliteRootKeys;
  readonly #settings: SqliteAccountSettings;

  constructor(sql: Sql, accountId: string, sealer: SecretSealer, clock: Clock) {
    super(sql, accountId, clock);
    this.#sealer = sealer;
    this.mfa = new SqliteMfa(sql, accountId, sealer, clock, (name) => this.#userRow(name).name as string);
    this.sessions = new SqliteSessions(sql, sealer, clock);
    this.rootKeys = new SqliteRootKeys(sql, sealer, clock);
    this.#settings = new SqliteAccountSettings(sql, accountId);
  }

  revision(): number {
    return this.sql.revision();
  }

  close(): void {
    this.sql.db.close();
  }

  // ---- tags ----

  #tags(kind: 'user' | 'role', name: string): Tag[] {
    return this.sql.all('SELECT key, value FROM tags WHERE kind = ? AND entity = ? ORDER BY key', kind, name).map((r) => ({ key: r.key as string, value: r.value as string }));
  }

  #putTags(kind: 'user' | 'role', name: string, tags: Tag[]): void {
    for (const t of tags) {
      if (!t.key || t.key.length > 128 || (t.value ?? '').length > 256) throw new CofferError('iam.validation', { message: 'Tag keys must be 1-128 characters and values at most 256.' });
      this.sql.run('INSERT INTO tags (kind, entity, key, value) VALUES (?, ?, ?, ?) ON CONFLICT (kind, entity, key) DO UPDATE SET value = excluded.value', kind, name, t.key, t.value ?? '');
    }
    const n = this.sql.get('SELECT count(*) AS n FROM tags WHERE kind = ? AND entity = ?', kind, name)?.n as number;
    if (n > MAX_TAGS) throw limitExceeded(`Cannot exceed quota for TagsPerEntity: ${MAX_TAGS}.`);
  }

  // ---- users ----

  #user(r: Row): User {
    return {
      userName: r.name as string,
      userId: r.id as string,
      path: r.path as string,
      arn: arnOf(this.accountId, 'user', r.path as string, r.name as string),
      createDate: isoDate(r.created as number),
      permissionsBoundary: (r.boundary as string | null) ?? null,
      passwordLastUsed: r.password_last_used == null ? null : isoDate(r.password_last_used as number),
      tags: this.#tags('user', r.name as string),
    };
  }

  #userRow(userName: string): Row {
    const r = this.sql.get('SELECT * FROM users WHERE name = ?', userName);
    if (!r) throw noSuchEntity(`user with name ${userName}`);
    return r;
  }

  async createUser(input: { userName: string; path?: string; tags?: Tag[]; permissionsBoundary?: string; userId?: string }): Promise<User> {
    const name = validateName('user', input.userName, 'userName');
    const path = validatePath(input.path);
    if (input.userId !== undefined && !/^AIDA[A-Z2-7]{17}$/.test(input.userId)) throw new CofferError('iam.validation', { message: 'Not a user id.' });
    return this.sql.write(() => {
      if (input.permissionsBoundary) this.policyRow(input.permissionsBoundary);
      try {
        this.sql.run('INSERT INTO users (name, id, path, created, boundary) VALUES (?, ?, ?, ?, ?)', name, input.userId ?? newId('AIDA'), path, this.clock.now(), input.permissionsBoundary ?? null);
      } catch (e) {
        if (isConstraint(e)) throw alreadyExists(`User with name ${name}`);
        throw e;
      }
      this.#putTags('user', name, input.tags ?? []);
      return this.#user(this.#userRow(name));
    });
  }

  async getUser(userName: string): Promise<User> {
    return this.#user(this.#userRow(userName));
  }

  async getUserById(userId: string): Promise<User | null> {
    const r = this.sql.get('SELECT * FROM users WHERE id = ?', userId);
    return r ? this.#user(r) : null;
  }

  async listUsers(options?: ListOptions): Promise<Page<User>> {
    return paged(this.sql, 'SELECT * FROM users WHERE', 'name', [], options, (r) => this.#user(r), (r) => r.name as string, 'path');
  }

  async updateUser(userName: string, changes: { newUserName?: string; newPath?: string }): Promise<void> {
    const newName = changes.newUserName === undefined ? undefined : validateName('user', changes.newUserName, 'newUserName');
    const newPath = changes.newPath === undefined ? undefined : validatePath(changes.newPath, 'newPath');
    this.sql.write(() => {
      const r = this.#userRow(userName);
      if (newPath !== undefined) this.sql.run('UPDATE users SET path = ? WHERE name = ?', newPath, r.name);
      if (newName !== undefined && newName !== r.name) {
        try {
          this.sql.run('UPDATE users SET name = ? WHERE name = ?', newName, r.name);
        } catch (e) {
          if (isConstraint(e)) throw alreadyExists(`User with name ${newName}`);
          throw e;
        }
        for (const table of ['attachments', 'inline_policies', 'tags']) this.sql.run(`UPDATE ${table} SET entity = ? WHERE kind = 'user' AND entity = ?`, newName, r.name);
      }
    });
  }

  async deleteUser(userName: string): Promise<void> {
    this.sql.write(() => {
      const r = this.#userRow(userName);
      const name = r.name as string;
      const blockers: [string, string][] = [
        ['SELECT 1 FROM access_keys WHERE user_name = ?', 'access keys'],
        ['SELECT 1 FROM login_profiles WHERE user_name = ?', 'a login profile'],
        ['SELECT 1 FROM group_members WHERE user_name = ?', 'group memberships'],
        ["SELECT 1 FROM attachments WHERE kind = 'user' AND entity = ?", 'attached policies'],
        ["SELECT 1 FROM inline_policies WHERE kind = 'user' AND entity = ?", 'inline policies'],
        ['SELECT 1 FROM mfa_devices WHERE user_name = ?', 'MFA devices'],
      ];
      for (const [q, what] of blockers) if (this.sql.get(q, name)) throw deleteConflict(`Cannot delete entity, must remove ${what} first.`);
      this.sql.run("DELETE FROM tags WHERE kind = 'user' AND entity = ?", name);
      this.sql.run('DELETE FROM users WHERE name = ?', name);
    });
  }

  async tagUser(userName: string, tags: Tag[]): Promise<void> {
    this.sql.write(() => this.#putTags('user', this.#userRow(userName).name as string, tags));
  }

  async untagUser(userName: string, keys: string[]): Promise<void> {
    this.sql.write(() => {
      const name = this.#userRow(userName).name as string;
      for (const k of keys) this.sql.run("DELETE FROM tags WHERE kind = 'user' AND entity = ? AND key = ?", name, k);
    });
  }

  // ---- groups ----

  #group(r: Row): Group {
    return { groupName: r.name as string, groupId: r.id as string, path: r.path as string, arn: arnOf(this.accountId, 'group', r.path as string, r.name as string), createDate: isoDate(r.created as number) };
  }

  #groupRow(groupName: string): Row {
    const r = this.sql.get('SELECT * FROM groups WHERE name = ?', groupName);
    if (!r) throw noSuchEntity(`group with name ${groupName}`);
    return r;
  }

  async createGroup(input: { groupName: string; path?: string }): Promise<Group> {
    const name = validateName('group', input.groupName, 'groupName');
    const path = validatePath(input.path);
    return this.sql.write(() => {
      try {
        this.sql.run('INSERT INTO groups (name, id, path, created) VALUES (?, ?, ?, ?)', name, newId('AGPA'), path, this.clock.now());
      } catch (e) {
        if (isConstraint(e)) throw alreadyExists(`Group with name ${name}`);
        throw e;
      }
      return this.#group(this.#groupRow(name));
    });
  }

  async getGroup(groupName: string): Promise<{ group: Group; users: User[] }> {
    const g = this.#groupRow(groupName);
    const users = this.sql.all('SELECT u.* FROM users u JOIN group_members m ON m.user_name = u.name WHERE m.group_name = ? ORDER BY u.name', g.name).map((r) => this.#user(r));
    return { group: this.#group(g), users };
  }

  async listGroups(options?: ListOptions): Promise<Page<Group>> {
    return paged(this.sql, 'SELECT * FROM groups WHERE', 'name', [], options, (r) => this.#group(r), (r) => r.name as string, 'path');
  }

  async deleteGroup(groupName: string): Promise<void> {
    this.sql.write(() => {
      const name = this.#groupRow(groupName).name as string;
      if (this.sql.get('SELECT 1 FROM group_members WHERE group_name = ?', name)) throw deleteConflict('Cannot delete entity, must remove users from group first.');
      if (this.sql.get("SELECT 1 FROM attachments WHERE kind = 'group' AND entity = ?", name)) throw deleteConflict('Cannot delete entity, must detach all policies first.');
      if (this.sql.get("SELECT 1 FROM inline_policies WHERE kind = 'group' AND entity = ?", name)) throw deleteConflict('Cannot delete entity, must delete policies first.');
      this.sql.run('DELETE FROM groups WHERE name = ?', name);
    });
  }

  async addUserToGroup(groupName: string, userName: string): Promise<void> {
    this.sql.write(() => {
      const g = this.#groupRow(groupName).name as string;
      const u = this.#userRow(userName).name as string;
      if (this.sql.get('SELECT 1 FROM group_members WHERE group_name = ? AND user_name = ?', g, u)) return;
      const n = this.sql.get('SELECT count(*) AS n FROM group_members WHERE user_name = ?', u)?.n as number;
      if (n >= MAX_GROUPS_PER_USER) throw limitExceeded(`Cannot exceed quota for GroupsPerUser: ${MAX_GROUPS_PER_USER}`);
      this.sql.run('INSERT INTO group_members (group_name, user_name) VALUES (?, ?)', g, u);
    });
  }

  async removeUserFromGroup(groupName: string, userName: string): Promise<void> {
    this.sql.write(() => {
      const g = this.#groupRow(groupName).name as string;
      const u = this.#userRow(userName).name as string;
      if (this.sql.run('DELETE FROM group_members WHERE group_name = ? AND user_name = ?', g, u) === 0) throw noSuchEntity(`user ${userName} in group ${groupName}`);
    });
  }

  async listGroupsForUser(userName: string, options?: ListOptions): Promise<Page<Group>> {
    const u = this.#userRow(userName).name as string;
    return paged(this.sql, 'SELECT g.* FROM groups g JOIN group_members m ON m.group_name = g.name WHERE m.user_name = ? AND', 'g.name', [u], { ...options, pathPrefix: undefined }, (r) => this.#group(r), (r) => r.name as string);
  }

  // ---- roles ----

  #role(r: Row): Role {
    return {
      roleName: r.name as string,
      roleId: r.id as string,
      path: r.path as string,
      arn: arnOf(this.accountId, 'role', r.path as string, r.name as string),
      createDate: isoDate(r.created as number),
      assumeRolePolicyDocument: r.trust as string,
      description: r.description as string,
      maxSessionDuration: r.max_session as number,
      permissionsBoundary: (r.boundary as string | null) ?? null,
      tags: this.#tags('role', r.name as string),
    };
  }

  #roleRow(roleName: string): Row {
    const r = this.sql.get('SELECT * FROM roles WHERE name = ?', roleName);
    if (!r) throw noSuchEntity(`role with name ${roleName}`);
    return r;
  }

  async createRole(input: { roleName: string; path?: string; assumeRolePolicyDocument: string; description?: string; maxSessionDuration?: number; tags?: Tag[]; permissionsBoundary?: string }): Promise<Role> {
    const name = validateName('role', input.roleName, 'roleName');
    const path = validatePath(input.path);
    const maxSession = input.maxSessionDuration ?? 3600;
    if (!Number.isInteger(maxSession) || maxSession < 3600 || maxSession > 43200) throw new CofferError('iam.validation', { message: 'MaxSessionDuration must be between 3600 and 43200 seconds.' });
    return this.sql.write(() => {
      if (input.permissionsBoundary) this.policyRow(input.permissionsBoundary);
      try {
        this.sql.run(
          'INSERT INTO roles (name, id, path, created, trust, description, max_session, boundary) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          name, newId('AROA'), path, this.clock.now(), input.assumeRolePolicyDocument, input.description ?? '', maxSession, input.permissionsBoundary ?? null,
        );
      } catch (e) {
        if (isConstraint(e)) throw alreadyExists(`Role with name ${name}`);
        throw e;
      }
      this.#putTags('role', name, input.tags ?? []);
      return this.#role(this.#roleRow(name));
    });
  }

  async getRole(roleName: string): Promise<Role> {
    return this.#role(this.#roleRow(roleName));
  }

  async listRoles(options?: ListOptions): Promise<Page<Role>> {
    return paged(this.sql, 'SELECT * FROM roles WHERE', 'name', [], options, (r) => this.#role(r), (r) => r.name as string, 'path');
  }

  async deleteRole(roleName: string): Promise<void> {
    this.sql.write(() => {
      const name = this.#roleRow(roleName).name as string;
      if (this.sql.get("SELECT 1 FROM attachments WHERE kind = 'role' AND entity = ?", name)) throw deleteConflict('Cannot delete entity, must detach all policies first.');
      if (this.sql.get("SELECT 1 FROM inline_policies WHERE kind = 'role' AND entity = ?", name)) throw deleteConflict('Cannot delete entity, must delete policies first.');
      this.sql.run("DELETE FROM tags WHERE kind = 'role' AND entity = ?", name);
      this.sql.run('DELETE FROM roles WHERE name = ?', name);
    });
  }

  async updateAssumeRolePolicy(roleName: string, document: string): Promise<void> {
    this.sql.write(() => this.sql.run('UPDATE roles SET trust = ? WHERE name = ?', document, this.#roleRow(roleName).name));
  }

  async tagRole(roleName: string, tags: Tag[]): Promise<void> {
    this.sql.write(() => this.#putTags('role', this.#roleRow(roleName).name as string, tags));
  }

  async untagRole(roleName: string, keys: string[]): Promise<void> {
    this.sql.write(() => {
      const name = this.#roleRow(roleName).name as string;
      for (const k of keys) this.sql.run("DELETE FROM tags WHERE kind = 'role' AND entity = ? AND key = ?", name, k);
    });
  }

  protected override entityName(kind: 'user' | 'group' | 'role', name: string): string {
    const row = kind === 'user' ? this.#userRow(name) : kind === 'group' ? this.#groupRow(name) : this.#roleRow(name);
    return row.name as string;
  }

  protected override boundaryOf(kind: 'user' | 'role', name: string): string | null {
    const row = kind === 'user' ? this.#userRow(name) : this.#roleRow(name);
    return (row.boundary as string | null) ?? null;
  }

  // ---- access keys ----

  #key(r: Row): AccessKeyMetadata {
    return { userName: r.user_name as string, accessKeyId: r.id as string, status: r.status as 'Active' | 'Inactive', createDate: isoDate(r.created as number) };
  }

  #insertKey(userName: string, id: string, secret: string, created: number): AccessKeyMetadata {
    const u = this.#userRow(userName).name as string;
    const n = this.sql.get('SELECT count(*) AS n FROM access_keys WHERE user_name = ?', u)?.n as number;
    if (n >= MAX_KEYS_PER_USER) throw limitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${MAX_KEYS_PER_USER}`);
    try {
      this.sql.run("INSERT INTO access_keys (id, user_name, sealed, status, created) VALUES (?, ?, ?, 'Active', ?)", id, u, this.#sealer.seal(id, secret), created);
    } catch (e) {
      if (isConstraint(e)) throw alreadyExists('Access key');
      throw e;
    }
    return this.#key(this.sql.get('SELECT * FROM access_keys WHERE id = ?', id) as Row);
  }

  async createAccessKey(userName: string): Promise<{ key: AccessKeyMetadata; secretAccessKey: string }> {
    const secretAccessKey = newSecretAccessKey();
    const key = this.sql.write(() => this.#insertKey(userName, newAccessKeyId(), secretAccessKey, this.clock.now()));
    return { key, secretAccessKey };
  }

  async importAccessKey(userName: string, accessKeyId: string, secretAccessKey: string, createdMs: number): Promise<AccessKeyMetadata> {
    if (!/^AKIA[A-Z2-7]{16}$/.test(accessKeyId) || secretAccessKey.length < 16) throw new CofferError('iam.validation', { message: 'Not an access key pair.' });
    return this.sql.write(() => this.#insertKey(userName, accessKeyId, secretAccessKey, createdMs));
  }

  async listAccessKeys(userName: string): Promise<AccessKeyMetadata[]> {
    const u = this.#userRow(userName).name as string;
    return this.sql.all('SELECT * FROM access_keys WHERE user_name = ? ORDER BY created, id', u).map((r) => this.#key(r));
  }

  #keyOf(userName: string, accessKeyId: string): Row {
    const u = this.#userRow(userName).name as string;
    const r = this.sql.get('SELECT * FROM access_keys WHERE id = ? AND user_name = ?', accessKeyId, u);
    if (!r) throw noSuchEntity(`Access Key with id ${accessKeyId}`);
    return r;
  }

  async updateAccessKey(userName: string, accessKeyId: string, status: 'Active' | 'Inactive'): Promise<void> {
    if (status !== 'Active' && status !== 'Inactive') throw new CofferError('iam.validation', { message: "Status must be 'Active' or 'Inactive'." });
    this.sql.write(() => this.sql.run('UPDATE access_keys SET status = ? WHERE id = ?', status, this.#keyOf(userName, accessKeyId).id));
  }

  async deleteAccessKey(userName: string, accessKeyId: string): Promise<void> {
    this.sql.write(() => this.sql.run('DELETE FROM access_keys WHERE id = ?', this.#keyOf(userName, accessKeyId).id));
  }

  async getAccessKeyLastUsed(accessKeyId: string) {
    const r = this.sql.get('SELECT * FROM access_keys WHERE id = ?', accessKeyId);
    if (!r) throw noSuchEntity(`Access Key with id ${accessKeyId}`);
    return {
      userName: r.user_name as string,
      lastUsed: { lastUsedDate: r.last_used == null ? null : isoDate(r.last_used as number), serviceName: (r.last_service as string | null) ?? null, region: (r.last_region as string | null) ?? null },
    };
  }

  async recordAccessKeyUse(accessKeyId: string, use: { atMs: number; serviceName: string; region: string }): Promise<void> {
    // Not a change to identities: no revision bump, so policy caches stay warm.
    this.sql.run('UPDATE access_keys SET last_used = ?, last_service = ?, last_region = ? WHERE id = ?', use.atMs, use.serviceName, use.region, accessKeyId);
  }

  async findAccessKey(accessKeyId: string): Promise<AccessKeyIdentity | null> {
    const r = this.sql.get('SELECT * FROM access_keys WHERE id = ?', accessKeyId);
    if (!r) return null;
    return {
      accessKeyId,
      secretAccessKey: this.#sealer.open(accessKeyId, r.sealed as Buffer),
      status: r.status as 'Active' | 'Inactive',
      user: this.#user(this.#userRow(r.user_name as string)),
    };
  }

  // ---- login profiles ----

  async createLoginProfile(userName: string, password: string, passwordResetRequired: boolean): Promise<LoginProfile> {
    const u = this.#userRow(userName).name as string;
    checkPasswordRules(password, u, await this.getPasswordPolicy());
    const hash = await hashPassword(password);
    return this.sql.write(() => {
      this.#userRow(u);
      if (this.sql.get('SELECT 1 FROM login_profiles WHERE user_name = ?', u)) throw alreadyExists(`Login Profile for user ${u}`);
      const created = this.clock.now();
      this.sql.run('INSERT INTO login_profiles (user_name, hash, created, reset_required) VALUES (?, ?, ?, ?)', u, hash, created, passwordResetRequired ? 1 : 0);
      return { userName: u, createDate: isoDate(created), passwordResetRequired };
    });
  }

  async getLoginProfile(userName: string): Promise<LoginProfile> {
    const u = this.#userRow(userName).name as string;
    const r = this.sql.get('SELECT * FROM login_profiles WHERE user_name = ?', u);
    if (!r) throw noSuchEntity(`Login Profile for User ${u}`);
    return { userName: u, createDate: isoDate(r.created as number), passwordResetRequired: r.reset_required === 1 };
  }

  async updateLoginProfile(userName: string, changes: { password?: string; passwordResetRequired?: boolean }): Promise<void> {
    const profile = await this.getLoginProfile(userName);
    let hash: string | undefined;
    if (changes.password !== undefined) {
      checkPasswordRules(changes.password, profile.userName, await this.getPasswordPolicy());
      hash = await hashPassword(changes.password);
    }
    this.sql.write(() => {
      if (hash !== undefined) this.sql.run('UPDATE login_profiles SET hash = ? WHERE user_name = ?', hash, profile.userName);
      if (changes.passwordResetRequired !== undefined) this.sql.run('UPDATE login_profiles SET reset_required = ? WHERE user_name = ?', changes.passwordResetRequired ? 1 : 0, profile.userName);
    });
  }

  async deleteLoginProfile(userName: string): Promise<void> {
    const u = this.#userRow(userName).name as string;
    this.sql.write(() => {
      if (this.sql.run('DELETE FROM login_profiles WHERE user_name = ?', u) === 0) throw noSuchEntity(`Login Profile for User ${u}`);
    });
  }

  async checkPassword(userName: string, password: string): Promise<boolean> {
    const r = this.sql.get('SELECT hash FROM login_profiles WHERE user_name = ?', userName);
    // Unknown users cost the same scrypt as known ones, so timing does not reveal which exist.
    const ok = await verifyPassword(password, (r?.hash as string | undefined) ?? DUMMY_HASH);
    if (ok && r) this.sql.run('UPDATE users SET password_last_used = ? WHERE name = ?', this.clock.now(), userName);
    return ok && r !== undefined;
  }

  // ---- permissions boundaries ----

  async setPermissionsBoundary(kind: 'user' | 'role', name: string, policyArn: string | null): Promise<void> {
    this.sql.write(() => {
      const entity = kind === 'user' ? (this.#userRow(name).name as string) : (this.#roleRow(name).name as string);
      if (policyArn !== null) this.policyRow(policyArn);
      this.sql.run(`UPDATE ${kind === 'user' ? 'users' : 'roles'} SET boundary = ? WHERE name = ?`, policyArn, entity);
    });
  }

  // ---- account-wide settings (sqlite-account-settings.ts) ----

  getPasswordPolicy(): Promise<PasswordPolicy> {
    return this.#settings.getPasswordPolicy();
  }

  setPasswordPolicy(policy: PasswordPolicy): Promise<void> {
    return this.#settings.setPasswordPolicy(policy);
  }

  hasPasswordPolicy(): Promise<boolean> {
    return this.#settings.hasPasswordPolicy();
  }

  deletePasswordPolicy(): Promise<void> {
    return this.#settings.deletePasswordPolicy();
  }

  getAccountPublicAccessBlock(): Promise<AccountPublicAccessBlock | null> {
    return this.#settings.getAccountPublicAccessBlock();
  }

  putAccountPublicAccessBlock(settings: AccountPublicAccessBlock): Promise<void> {
    return this.#settings.putAccountPublicAccessBlock(settings);
  }

  deleteAccountPublicAccessBlock(): Promise<void> {
    return this.#settings.deleteAccountPublicAccessBlock();
  }
}

// A well-formed hash of a random password, verified against when the user has no profile.
const DUMMY_HASH = 'scrypt$1$15$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
