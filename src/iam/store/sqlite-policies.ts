/**
 * Managed policies (with up to five versions and a default), attachments and inline policies
 * of the SQLite identity store. The base of SqliteIamStore, which supplies entity lookups.
 */
import { CofferError, type Clock } from '../../shared/index.js';
import { arnOf, isoDate, newId, validateName, validatePath } from './names.js';
import { alreadyExists, deleteConflict, isConstraint, limitExceeded, noSuchEntity, paged, type Row, type Sql } from './sql.js';
import type { AttachedPolicy, EntityKind, ListOptions, ManagedPolicy, Page, PolicyVersion, PrincipalPolicyDocuments } from './types.js';

const MAX_VERSIONS = 5;
const MAX_ATTACHED = 10;

export abstract class SqlitePolicies {
  constructor(
    protected readonly sql: Sql,
    readonly accountId: string,
    protected readonly clock: Clock,
  ) {}

  /** The stored spelling of an entity's name; throws 'iam.no_such_entity'. */
  protected abstract entityName(kind: EntityKind, name: string): string;
  protected abstract boundaryOf(kind: 'user' | 'role', name: string): string | null;

  #policy(r: Row): ManagedPolicy {
    return {
      policyName: r.name as string,
      policyId: r.id as string,
      arn: r.arn as string,
      path: r.path as string,
      defaultVersionId: r.default_version as string,
      attachmentCount: (this.sql.get('SELECT count(*) AS n FROM attachments WHERE policy_arn = ?', r.arn)?.n as number) ?? 0,
      description: r.description as string,
      createDate: isoDate(r.created as number),
      updateDate: isoDate(r.updated as number),
    };
  }

  protected policyRow(policyArn: string): Row {
    const r = this.sql.get('SELECT * FROM policies WHERE arn = ?', policyArn);
    if (!r) throw noSuchEntity(`policy ${policyArn}`);
    return r;
  }

  async createPolicy(input: { policyName: string; path?: string; document: string; description?: string }): Promise<ManagedPolicy> {
    const name = validateName('policy', input.policyName, 'policyName');
    const path = validatePath(input.path);
    if ((input.description ?? '').length > 1000) throw new CofferError('iam.validation', { message: 'Description must be at most 1000 characters.' });
    const arn = arnOf(this.accountId, 'policy', path, name);
    return this.sql.write(() => {
      const now = this.clock.now();
      try {
        this.sql.run(
          "INSERT INTO policies (arn, name, id, path, description, created, updated, default_version, next_version) VALUES (?, ?, ?, ?, ?, ?, ?, 'v1', 2)",
          arn, name, newId('ANPA'), path, input.description ?? '', now, now,
        );
      } catch (e) {
        if (isConstraint(e)) throw alreadyExists(`A policy called ${name}`);
        throw e;
      }
      this.sql.run("INSERT INTO policy_versions (policy_arn, version_id, document, created) VALUES (?, 'v1', ?, ?)", arn, input.document, now);
      return this.#policy(this.policyRow(arn));
    });
  }

  async getPolicy(policyArn: string): Promise<ManagedPolicy> {
    return this.#policy(this.policyRow(policyArn));
  }

  async listPolicies(options?: ListOptions & { onlyAttached?: boolean }): Promise<Page<ManagedPolicy>> {
    const base = options?.onlyAttached ? 'SELECT * FROM policies p WHERE EXISTS (SELECT 1 FROM attachments a WHERE a.policy_arn = p.arn) AND' : 'SELECT * FROM policies WHERE';
    return paged(this.sql, base, 'name', [], options, (r) => this.#policy(r), (r) => r.name as string, 'path');
  }

  async deletePolicy(policyArn: string): Promise<void> {
    this.sql.write(() => {
      const r = this.policyRow(policyArn);
      if (this.sql.get('SELECT 1 FROM attachments WHERE policy_arn = ?', r.arn)) throw deleteConflict('Cannot delete a policy attached to entities.');
      if (this.sql.get('SELECT 1 FROM users WHERE boundary = ? UNION ALL SELECT 1 FROM roles WHERE boundary = ?', r.arn, r.arn)) {
        throw deleteConflict('Cannot delete a policy used as a permissions boundary.');
      }
      if ((this.sql.get('SELECT count(*) AS n FROM policy_versions WHERE policy_arn = ?', r.arn)?.n as number) > 1) {
        throw deleteConflict('Cannot delete a policy with versions other than the default; delete them first.');
      }
      this.sql.run('DELETE FROM policy_versions WHERE policy_arn = ?', r.arn);
      this.sql.run('DELETE FROM policies WHERE arn = ?', r.arn);
    });
  }

  #version(r: Row, defaultVersion: string): PolicyVersion {
    return { versionId: r.version_id as string, document: r.document as string, isDefaultVersion: r.version_id === defaultVersion, createDate: isoDate(r.created as number) };
  }

  async createPolicyVersion(policyArn: string, document: string, setAsDefault: boolean): Promise<PolicyVersion> {
    return this.sql.write(() => {
      const p = this.policyRow(policyArn);
      const n = this.sql.get('SELECT count(*) AS n FROM policy_versions WHERE policy_arn = ?', p.arn)?.n as number;
      if (n >= MAX_VERSIONS) throw limitExceeded(`A managed policy can have up to ${MAX_VERSIONS} versions. Before you create a new version, you must delete an existing version.`);
      const id = `v${p.next_version as number}`;
      const now = this.clock.now();
      this.sql.run('INSERT INTO policy_versions (policy_arn, version_id, document, created) VALUES (?, ?, ?, ?)', p.arn, id, document, now);
      this.sql.run('UPDATE policies SET next_version = next_version + 1, updated = ?' + (setAsDefault ? ', default_version = ?' : '') + ' WHERE arn = ?', ...(setAsDefault ? [now, id, p.arn] : [now, p.arn]));
      return this.#version(this.sql.get('SELECT * FROM policy_versions WHERE policy_arn = ? AND version_id = ?', p.arn, id) as Row, setAsDefault ? id : (p.default_version as string));
    });
  }

  async getPolicyVersion(policyArn: string, versionId: string): Promise<PolicyVersion> {
    const p = this.policyRow(policyArn);
    const r = this.sql.get('SELECT * FROM policy_versions WHERE policy_arn = ? AND version_id = ?', p.arn, versionId);
    if (!r) throw noSuchEntity(`policy version ${versionId} of ${policyArn}`);
    return this.#version(r, p.default_version as string);
  }

  async listPolicyVersions(policyArn: string): Promise<PolicyVersion[]> {
    const p = this.policyRow(policyArn);
    return this.sql
      .all('SELECT * FROM policy_versions WHERE policy_arn = ? ORDER BY created DESC, length(version_id) DESC, version_id DESC', p.arn)
      .map((r) => this.#version(r, p.default_version as string));
  }

  async deletePolicyVersion(policyArn: string, versionId: string): Promise<void> {
    this.sql.write(() => {
      const p = this.policyRow(policyArn);
      if (p.default_version === versionId) throw deleteConflict('Cannot delete the default version of a policy.');
      if (this.sql.run('DELETE FROM policy_versions WHERE policy_arn = ? AND version_id = ?', p.arn, versionId) === 0) throw noSuchEntity(`policy version ${versionId}`);
    });
  }

  async setDefaultPolicyVersion(policyArn: string, versionId: string): Promise<void> {
    this.sql.write(() => {
      const p = this.policyRow(policyArn);
      if (!this.sql.get('SELECT 1 FROM policy_versions WHERE policy_arn = ? AND version_id = ?', p.arn, versionId)) throw noSuchEntity(`policy version ${versionId}`);
      this.sql.run('UPDATE policies SET default_version = ?, updated = ? WHERE arn = ?', versionId, this.clock.now(), p.arn);
    });
  }

  // ---- attachments ----

  async attachPolicy(kind: EntityKind, name: string, policyArn: string): Promise<void> {
    this.sql.write(() => {
      const entity = this.entityName(kind, name);
      const p = this.policyRow(policyArn);
      if (this.sql.get('SELECT 1 FROM attachments WHERE kind = ? AND entity = ? AND policy_arn = ?', kind, entity, p.arn)) return;
      const n = this.sql.get('SELECT count(*) AS n FROM attachments WHERE kind = ? AND entity = ?', kind, entity)?.n as number;
      if (n >= MAX_ATTACHED) throw limitExceeded(`Cannot exceed quota for PoliciesPer${kind[0]?.toUpperCase()}${kind.slice(1)}: ${MAX_ATTACHED}`);
      this.sql.run('INSERT INTO attachments (kind, entity, policy_arn) VALUES (?, ?, ?)', kind, entity, p.arn);
    });
  }

  async detachPolicy(kind: EntityKind, name: string, policyArn: string): Promise<void> {
    this.sql.write(() => {
      const entity = this.entityName(kind, name);
      if (this.sql.run('DELETE FROM attachments WHERE kind = ? AND entity = ? AND policy_arn = ?', kind, entity, policyArn) === 0) {
        throw noSuchEntity(`Policy ${policyArn} attached to ${kind} ${name}`);
      }
    });
  }

  async listAttachedPolicies(kind: EntityKind, name: string, options?: ListOptions): Promise<Page<AttachedPolicy>> {
    const entity = this.entityName(kind, name);
    return paged(
      this.sql,
      'SELECT p.name, p.arn FROM attachments a JOIN policies p ON p.arn = a.policy_arn WHERE a.kind = ? AND a.entity = ? AND',
      'p.name',
      [kind, entity],
      { ...options, pathPrefix: undefined },
      (r) => ({ policyName: r.name as string, policyArn: r.arn as string }),
      (r) => r.name as string,
    );
  }

  // ---- inline policies ----

  async putInlinePolicy(kind: EntityKind, name: string, policyName: string, document: string): Promise<void> {
    validateName('inline policy', policyName, 'policyName');
    this.sql.write(() => {
      const entity = this.entityName(kind, name);
      this.sql.run(
        'INSERT INTO inline_policies (kind, entity, name, document) VALUES (?, ?, ?, ?) ON CONFLICT (kind, entity, name) DO UPDATE SET document = excluded.document',
        kind, entity, policyName, document,
      );
    });
  }

  async getInlinePolicy(kind: EntityKind, name: string, policyName: string): Promise<string> {
    const entity = this.entityName(kind, name);
    const r = this.sql.get('SELECT document FROM inline_policies WHERE kind = ? AND entity = ? AND name = ?', kind, entity, policyName);
    if (!r) throw noSuchEntity(`${kind} policy with name ${policyName}`);
    return r.document as string;
  }

  async deleteInlinePolicy(kind: EntityKind, name: string, policyName: string): Promise<void> {
    this.sql.write(() => {
      const entity = this.entityName(kind, name);
      if (this.sql.run('DELETE FROM inline_policies WHERE kind = ? AND entity = ? AND name = ?', kind, entity, policyName) === 0) {
        throw noSuchEntity(`${kind} policy with name ${policyName}`);
      }
    });
  }

  async listInlinePolicies(kind: EntityKind, name: string, options?: ListOptions): Promise<Page<string>> {
    const entity = this.entityName(kind, name);
    return paged(this.sql, 'SELECT name FROM inline_policies WHERE kind = ? AND entity = ? AND', 'name', [kind, entity], { ...options, pathPrefix: undefined }, (r) => r.name as string, (r) => r.name as string);
  }

  // ---- documents for evaluation ----

  #documents(kind: EntityKind, entity: string, out: PrincipalPolicyDocuments['identity']): void {
    for (const r of this.sql.all('SELECT name, document FROM inline_policies WHERE kind = ? AND entity = ? ORDER BY name', kind, entity)) {
      out.push({ id: `${kind}/${entity}/${r.name as string}`, document: r.document as string });
    }
    const managed = this.sql.all(
      'SELECT p.arn, v.document FROM attachments a JOIN policies p ON p.arn = a.policy_arn JOIN policy_versions v ON v.policy_arn = p.arn AND v.version_id = p.default_version WHERE a.kind = ? AND a.entity = ? ORDER BY p.arn',
      kind, entity,
    );
    for (const r of managed) out.push({ id: r.arn as string, document: r.document as string });
  }

  #boundary(arn: string | null): PrincipalPolicyDocuments['boundary'] {
    if (arn === null) return null;
    const r = this.sql.get('SELECT v.document FROM policies p JOIN policy_versions v ON v.policy_arn = p.arn AND v.version_id = p.default_version WHERE p.arn = ?', arn);
    // A boundary that no longer resolves allows nothing (fail closed).
    return { id: arn, document: (r?.document as string | undefined) ?? '{"Version":"2012-10-17","Statement":[]}' };
  }

  async userPolicyDocuments(userName: string): Promise<PrincipalPolicyDocuments> {
    const u = this.entityName('user', userName);
    const identity: PrincipalPolicyDocuments['identity'] = [];
    this.#documents('user', u, identity);
    for (const g of this.sql.all('SELECT group_name FROM group_members WHERE user_name = ? ORDER BY group_name', u)) this.#documents('group', g.group_name as string, identity);
    return { identity, boundary: this.#boundary(this.boundaryOf('user', u)) };
  }

  async rolePolicyDocuments(roleName: string): Promise<PrincipalPolicyDocuments> {
    const r = this.entityName('role', roleName);
    const identity: PrincipalPolicyDocuments['identity'] = [];
    this.#documents('role', r, identity);
    return { identity, boundary: this.#boundary(this.boundaryOf('role', r)) };
  }
}
