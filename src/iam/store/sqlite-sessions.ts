/**
 * STS sessions of the SQLite identity store: one row per temporary access key (ASIA…), its
 * secret sealed with the store's SecretSealer (bound to the key id), the SHA-256 of its session
 * token (never the token), its principal, expiry, MFA time and session policies. Revocation is
 * a per-user/per-role "sessions issued before T are void" mark, as AWS's "revoke active
 * sessions" (an aws:TokenIssueTime deny) does.
 */
import type { Clock } from '../../shared/index.js';
import type { SecretSealer } from './secret-seal.js';
import type { Row, Sql } from './sql.js';
import type { StsSessionInput, StsSessionRecord } from './mfa-session-types.js';

export class SqliteSessions {
  constructor(
    private readonly sql: Sql,
    private readonly sealer: SecretSealer,
    private readonly clock: Clock,
  ) {}

  async createSession(s: StsSessionInput): Promise<void> {
    // Not a change to identities (no revision bump); expired rows are swept on the way.
    this.sql.db.transaction(() => {
      this.sql.run('DELETE FROM sts_sessions WHERE expires < ?', this.clock.now() - 86_400_000);
      this.sql.run(
        `INSERT INTO sts_sessions (access_key_id, sealed_secret, token_hash, kind, user_name, role_name, session_name, created, expires, mfa_time, session_policy, policy_arns, source_arn)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        s.accessKeyId, this.sealer.seal(s.accessKeyId, s.secretAccessKey), s.tokenHash, s.kind, s.userName, s.roleName, s.roleSessionName,
        s.createdMs, s.expiresMs, s.mfaAuthMs, s.sessionPolicy, JSON.stringify(s.policyArns), s.sourceArn,
      );
    }).immediate();
  }

  async findSession(accessKeyId: string): Promise<StsSessionRecord | null> {
    const r = this.sql.get('SELECT * FROM sts_sessions WHERE access_key_id = ?', accessKeyId);
    if (!r) return null;
    const kind = r.kind as 'user' | 'role';
    const subject = kind === 'role' ? (r.role_name as string) : (r.user_name as string);
    const rev = this.sql.get('SELECT before FROM session_revocations WHERE kind = ? AND name = ?', kind, subject);
    return {
      accessKeyId,
      secretAccessKey: this.sealer.open(accessKeyId, r.sealed_secret as Buffer),
      tokenHash: r.token_hash as Buffer,
      kind,
      userName: (r.user_name as string | null) ?? null,
      roleName: (r.role_name as string | null) ?? null,
      roleSessionName: (r.session_name as string | null) ?? null,
      createdMs: r.created as number,
      expiresMs: r.expires as number,
      mfaAuthMs: (r.mfa_time as number | null) ?? null,
      sessionPolicy: (r.session_policy as string | null) ?? null,
      policyArns: JSON.parse(r.policy_arns as string) as string[],
      sourceArn: r.source_arn as string,
      revokedBeforeMs: (rev?.before as number | undefined) ?? null,
    };
  }

  /** Voids every session of the user or role issued up to now; returns how many were active. */
  async revokeSessions(kind: 'user' | 'role', name: string): Promise<number> {
    const now = this.clock.now();
    return this.sql.db.transaction(() => {
      this.sql.run('INSERT INTO session_revocations (kind, name, before) VALUES (?, ?, ?) ON CONFLICT (kind, name) DO UPDATE SET before = excluded.before', kind, name, now);
      const col = kind === 'role' ? 'role_name' : 'user_name';
      const row = this.sql.get(`SELECT count(*) AS n FROM sts_sessions WHERE kind = ? AND ${col} = ? AND expires > ? AND created <= ?`, kind, name, now, now) as Row;
      return row.n as number;
    }).immediate();
  }
}
