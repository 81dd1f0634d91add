/**
 * Account-wide settings of the identity store, kept in its meta table: the password policy
 * (enforced by login profiles) and the S3 Block Public Access settings of the account (S3
 * Control). Both are single JSON rows; writes bump the store revision like any other change.
 */
import { CofferError } from '../../shared/index.js';
import { noSuchEntity, type Sql } from './sql.js';
import { DEFAULT_PASSWORD_POLICY, type AccountPublicAccessBlock, type PasswordPolicy } from './types.js';

export class SqliteAccountSettings {
  constructor(
    private readonly sql: Sql,
    private readonly accountId: string,
  ) {}

  async getPasswordPolicy(): Promise<PasswordPolicy> {
    const r = this.sql.get("SELECT value FROM meta WHERE key = 'password_policy'");
    return r ? { ...DEFAULT_PASSWORD_POLICY, ...(JSON.parse(r.value as string) as Partial<PasswordPolicy>) } : { ...DEFAULT_PASSWORD_POLICY };
  }

  async setPasswordPolicy(policy: PasswordPolicy): Promise<void> {
    if (!Number.isInteger(policy.minimumPasswordLength) || policy.minimumPasswordLength < 6 || policy.minimumPasswordLength > 128) {
      throw new CofferError('iam.validation', { message: 'MinimumPasswordLength must be between 6 and 128.' });
    }
    this.sql.write(() => this.sql.run("INSERT INTO meta (key, value) VALUES ('password_policy', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", JSON.stringify(policy)));
  }

  async hasPasswordPolicy(): Promise<boolean> {
    return this.sql.get("SELECT 1 FROM meta WHERE key = 'password_policy'") !== undefined;
  }

  async deletePasswordPolicy(): Promise<void> {
    this.sql.write(() => {
      if (this.sql.run("DELETE FROM meta WHERE key = 'password_policy'") === 0) throw noSuchEntity('Password Policy with domain name ' + this.accountId);
    });
  }


  async getAccountPublicAccessBlock(): Promise<AccountPublicAccessBlock | null> {
    const r = this.sql.get("SELECT value FROM meta WHERE key = 'public_access_block'");
    if (!r) return null;
    const v = JSON.parse(r.value as string) as Partial<AccountPublicAccessBlock>;
    // Anything unreadable counts as on (fail closed).
    return {
      blockPublicAcls: v.blockPublicAcls !== false,
      ignorePublicAcls: v.ignorePublicAcls !== false,
      blockPublicPolicy: v.blockPublicPolicy !== false,
      restrictPublicBuckets: v.restrictPublicBuckets !== false,
    };
  }

  async putAccountPublicAccessBlock(settings: AccountPublicAccessBlock): Promise<void> {
    const value = JSON.stringify({
      blockPublicAcls: settings.blockPublicAcls === true,
      ignorePublicAcls: settings.ignorePublicAcls === true,
      blockPublicPolicy: settings.blockPublicPolicy === true,
      restrictPublicBuckets: settings.restrictPublicBuckets === true,
    });
    this.sql.write(() => this.sql.run("INSERT INTO meta (key, value) VALUES ('public_access_block', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", value));
  }

  async deleteAccountPublicAccessBlock(): Promise<void> {
    this.sql.write(() => this.sql.run("DELETE FROM meta WHERE key = 'public_access_block'"));
  }
}
