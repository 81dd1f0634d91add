/**
 * Virtual MFA devices of the SQLite identity store. Seeds are sealed with the store's
 * SecretSealer under the id 'mfa-seed|<serial>' (AES-256-GCM under HKDF(master), bound to the
 * device), inside the page-encrypted file; they leave the store only once, at creation.
 *
 *   check(user, serial, code):  BEGIN IMMEDIATE
 *     load device (enabled for user) + user counter -> attemptTotp (src/mfa) -> store new states
 *   COMMIT    (so two requests with the same code cannot both pass: the step is compare-and-set)
 */
import { CofferError, type Clock } from '../../shared/index.js';
import { attemptTotp, base32Decode, findConsecutive, newTotpSeed } from '../../mfa/index.js';
import { isoDate, validateName, validatePath } from './names.js';
import type { SecretSealer } from './secret-seal.js';
import { alreadyExists, deleteConflict, isConstraint, limitExceeded, noSuchEntity, paged, type Row, type Sql } from './sql.js';
import type { MfaAssignment, MfaCheck, MfaDevice } from './mfa-session-types.js';
import type { ListOptions, Page } from './types.js';

/** AWS allows up to 8 MFA devices per user. */
const MAX_DEVICES_PER_USER = 8;

const sealId = (serial: string) => `mfa-seed|${serial}`;

export function invalidCode(message = 'Authentication code for device is not valid.'): CofferError {
  return new CofferError('iam.invalid_authentication_code', { message });
}

export class SqliteMfa {
  constructor(
    private readonly sql: Sql,
    private readonly accountId: string,
    private readonly sealer: SecretSealer,
    private readonly clock: Clock,
    /** Resolves a user name to its stored spelling; throws 'iam.no_such_entity'. */
    private readonly userName: (name: string) => string,
  ) {}

  #device(r: Row): MfaDevice {
    return {
      serialNumber: r.serial as string,
      name: r.name as string,
      path: r.path as string,
      userName: (r.user_name as string | null) ?? null,
      enableDate: r.enabled == null ? null : isoDate(r.enabled as number),
      createDate: isoDate(r.created as number),
    };
  }

  #row(serial: string): Row {
    const r = this.sql.get('SELECT * FROM mfa_devices WHERE serial = ?', serial);
    if (!r) throw noSuchEntity(`VirtualMFADevice with serial number ${serial}`);
    return r;
  }

  #seed(r: Row): Buffer {
    return base32Decode(this.sealer.open(sealId(r.serial as string), r.sealed_seed as Buffer));
  }

  async createVirtualMfaDevice(input: { name: string; path?: string }): Promise<{ device: MfaDevice; base32Seed: string }> {
    const name = validateName('user', input.name, 'virtualMFADeviceName');
    const path = validatePath(input.path);
    const serial = `arn:aws:iam::${this.accountId}:mfa${path}${name}`;
    const seed = newTotpSeed();
    const device = this.sql.write(() => {
      try {
        this.sql.run('INSERT INTO mfa_devices (serial, name, path, sealed_seed, created) VALUES (?, ?, ?, ?, ?)', serial, name, path, this.sealer.seal(sealId(serial), seed), this.clock.now());
      } catch (e) {
        if (isConstraint(e)) throw alreadyExists('MFADevice entity at the same path and name');
        throw e;
      }
      return this.#device(this.#row(serial));
    });
    return { device, base32Seed: seed };
  }

  async getMfaDevice(serial: string): Promise<MfaDevice> {
    return this.#device(this.#row(serial));
  }

  async listVirtualMfaDevices(options: ListOptions & { assignment?: MfaAssignment } = {}): Promise<Page<MfaDevice>> {
    const a = options.assignment ?? 'Any';
    const where = a === 'Assigned' ? 'user_name IS NOT NULL AND' : a === 'Unassigned' ? 'user_name IS NULL AND' : '';
    return paged(this.sql, `SELECT * FROM mfa_devices WHERE ${where}`, 'serial', [], { ...options, pathPrefix: undefined }, (r) => this.#device(r), (r) => r.serial as string);
  }

  async listMfaDevices(userName: string): Promise<MfaDevice[]> {
    const u = this.userName(userName);
    return this.sql.all('SELECT * FROM mfa_devices WHERE user_name = ? ORDER BY enabled, serial', u).map((r) => this.#device(r));
  }

  async enableMfaDevice(userName: string, serial: string, code1: string, code2: string): Promise<void> {
    this.sql.write(() => {
      const u = this.userName(userName);
      const r = this.#row(serial);
      if (r.user_name != null) throw alreadyExists('MFA Device is already in use.');
      const n = this.sql.get('SELECT count(*) AS n FROM mfa_devices WHERE user_name = ?', u)?.n as number;
      if (n >= MAX_DEVICES_PER_USER) throw limitExceeded(`Cannot exceed quota for MFADevicesPerUser: ${MAX_DEVICES_PER_USER}`);
      const now = this.clock.now();
      const step = findConsecutive(this.#seed(r), code1, code2, now);
      if (step === null) throw invalidCode();
      this.sql.run('UPDATE mfa_devices SET user_name = ?, enabled = ?, last_step = ?, failures = 0, locked_until = 0 WHERE serial = ?', u, now, step, serial);
    });
  }

  /** Re-synchronises with two consecutive codes; also clears the device's and the user's lockout. */
  async resyncMfaDevice(userName: string, serial: string, code1: string, code2: string): Promise<void> {
    this.sql.write(() => {
      const u = this.userName(userName);
      const r = this.#row(serial);
      if ((r.user_name as string | null)?.toLowerCase() !== u.toLowerCase()) throw noSuchEntity(`MFA device ${serial} for user ${u}`);
      const step = findConsecutive(this.#seed(r), code1, code2, this.clock.now());
      if (step === null) throw invalidCode();
      if (r.last_step != null && step <= (r.last_step as number)) throw invalidCode();
      this.sql.run('UPDATE mfa_devices SET last_step = ?, failures = 0, locked_until = 0 WHERE serial = ?', step, serial);
      this.sql.run('DELETE FROM mfa_user_attempts WHERE user_name = ?', u);
    });
  }

  async deactivateMfaDevice(userName: string, serial: string): Promise<void> {
    this.sql.write(() => {
      const u = this.userName(userName);
      const r = this.sql.get('SELECT * FROM mfa_devices WHERE serial = ?', serial);
      if (!r || (r.user_name as string | null)?.toLowerCase() !== u.toLowerCase()) throw noSuchEntity(`MFA Device with serial number ${serial} for user ${u}`);
      this.sql.run('UPDATE mfa_devices SET user_name = NULL, enabled = NULL, last_step = NULL, failures = 0, locked_until = 0 WHERE serial = ?', serial);
    });
  }

  async deleteVirtualMfaDevice(serial: string): Promise<void> {
    this.sql.write(() => {
      const r = this.#row(serial);
      if (r.user_name != null) throw deleteConflict('MFA Device must be deactivated before deletion.');
      this.sql.run('DELETE FROM mfa_devices WHERE serial = ?', serial);
    });
  }

  /** MFA Delete flags, keyed by the caller (bucket name and creation time, so a re-created bucket starts without it). */
  async getMfaDeleteFlag(key: string): Promise<boolean> {
    return this.sql.get('SELECT value FROM meta WHERE key = ?', `mfa-delete|${key}`)?.value === 'Enabled';
  }

  async setMfaDeleteFlag(key: string, enabled: boolean): Promise<void> {
    this.sql.write(() => {
      if (enabled) this.sql.run("INSERT INTO meta (key, value) VALUES (?, 'Enabled') ON CONFLICT (key) DO UPDATE SET value = excluded.value", `mfa-delete|${key}`);
      else this.sql.run('DELETE FROM meta WHERE key = ?', `mfa-delete|${key}`);
    });
  }

  /**
   * Checks one code for a device enabled for the user, at most once per step, counting failures
   * per device and per user (src/mfa attemptTotp). Not a change to identities: no revision bump.
   */
  async checkMfaCode(userName: string, serial: string, code: string): Promise<MfaCheck> {
    return this.sql.db.transaction((): MfaCheck => {
      const r = this.sql.get('SELECT * FROM mfa_devices WHERE serial = ?', serial);
      const owner = r?.user_name as string | null | undefined;
      if (!r || owner == null || owner.toLowerCase() !== userName.toLowerCase()) return { ok: false, reason: 'unknown_device' };
      const ua = this.sql.get('SELECT * FROM mfa_user_attempts WHERE user_name = ?', owner);
      const now = this.clock.now();
      const result = attemptTotp({
        seed: this.#seed(r),
        code,
        nowMs: now,
        device: { lastStep: (r.last_step as number | null) ?? null, failures: r.failures as number, lockedUntilMs: r.locked_until as number },
        user: { failures: (ua?.failures as number | undefined) ?? 0, lockedUntilMs: (ua?.locked_until as number | undefined) ?? 0 },
      });
      if (result.outcome === 'locked') return { ok: false, reason: 'locked', retryAtMs: result.retryAtMs ?? null };
      this.sql.run('UPDATE mfa_devices SET last_step = ?, failures = ?, locked_until = ? WHERE serial = ?', result.device.lastStep, result.device.failures, result.device.lockedUntilMs, serial);
      this.sql.run(
        'INSERT INTO mfa_user_attempts (user_name, failures, locked_until) VALUES (?, ?, ?) ON CONFLICT (user_name) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until',
        owner, result.user.failures, result.user.lockedUntilMs,
      );
      return result.outcome === 'accepted' ? { ok: true, atMs: now } : { ok: false, reason: 'invalid' };
    }).immediate();
  }
}
