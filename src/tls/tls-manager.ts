/*
 * Owns the secure contexts of Coffer's TLS listeners and swaps them without a restart.
 *
 *   start:   load certificates (generated: ensureTlsMaterial(DATA_DIR/tls); files: readTlsFiles per pair)
 *            -> one SecureContext per (certificate, profile standard|fips)
 *   SNI:     SNICallback(servername) -> context of the certificate whose SAN matches best
 *            (exact > wildcard, first listed wins ties), else the primary (first) certificate
 *   no SNI:  the server's default context (primary certificate); attach(server) lets reload() replace
 *            it with server.setSecureContext
 *   reload:  on fs.watch / stat-poll change, reload() (SIGHUP) or expiry-driven renewal: load again;
 *            on success swap the state atomically (new handshakes only; open connections keep the
 *            context they negotiated); on failure keep serving the old certificates and report
 *   expiry:  at load and every expiryCheckIntervalMs: warn for certificates expiring within
 *            expiryWarningDays (30); generated material is renewed by the next load
 */
import { createSecureContext, type SecureContext, type Server, type TlsOptions } from 'node:tls';
import { resolve } from 'node:path';
import type { Clock } from '../shared/index.js';
import { CofferError, isCofferError, systemClock } from '../shared/index.js';
import { inspectCertificate, nameMatch, type CertificateInfo } from './certificate-info.js';
import { ensureTlsMaterial } from './ensure-tls-material.js';
import { fipsServerOptions } from './fips/fips-server-options.js';
import { readTlsFiles } from './read-tls-files.js';
import { tlsServerOptions, type TlsMinVersion } from './server-options.js';
import { watchFiles, type FileWatch } from './watch-files.js';

/** Which cipher policy a listener uses: the standard one or the FIPS endpoint's. */
export type TlsProfile = 'standard' | 'fips';

/** A certificate chain file and its private key file (PEM). */
export interface CertificateFiles {
  certFile: string;
  keyFile: string;
}

/** The subset of pino's logger the manager uses. */
export interface TlsLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export type TlsReloadReason = 'start' | 'manual' | 'file-change' | 'renewal';

/** Reported through `onEvent` (and the logger). */
export type TlsEvent =
  | { type: 'loaded'; reason: TlsReloadReason; changed: boolean; fingerprints: string[] }
  | { type: 'reload-failed'; reason: TlsReloadReason; code: string; message: string }
  | { type: 'expiring'; certFile: string; notAfter: Date; daysLeft: number; expired: boolean };

export interface CreateTlsManagerOptions {
  /** Generated material: the data directory (material in DATA_DIR/tls). Exclusive with certFile/keyFile. */
  dataDir?: string;
  /** Names for the generated certificate (serverCertificateNames(config) plus FIPS names). */
  names?: readonly string[];
  /** Operator-provided primary certificate (config tls.certFile / tls.keyFile). */
  certFile?: string;
  keyFile?: string;
  /** More certificates chosen by SNI (e.g. one for s3-fips.DOMAIN); the primary serves everything else. */
  additionalCertificates?: readonly CertificateFiles[];
  minVersion?: TlsMinVersion;
  handshakeTimeoutMs?: number;
  /** Warn when a certificate expires within this many days. Default 30. */
  expiryWarningDays?: number;
  /** Watch the files and reload on change. Default true. */
  watch?: boolean;
  /** Stat-poll interval for the watch fallback (ms). Default 60000; 0 disables polling. */
  pollIntervalMs?: number;
  /** Debounce of file events (ms). Default 200. */
  debounceMs?: number;
  /** How often to re-check expiry (ms). Default 12 hours; 0 disables. */
  expiryCheckIntervalMs?: number;
  clock?: Clock;
  logger?: TlsLogger;
  onEvent?: (event: TlsEvent) => void;
}

/** One certificate as `status()` reports it. */
export interface TlsCertificateStatus extends CertificateInfo {
  readonly certFile: string;
  readonly keyFile: string;
  readonly daysLeft: number;
  readonly expiringSoon: boolean;
  readonly expired: boolean;
}

export interface TlsStatus {
  readonly mode: 'generated' | 'files';
  readonly loadedAt: Date;
  readonly certificates: readonly TlsCertificateStatus[];
  /** Human-readable warnings (expiry, last failed reload). Empty when healthy. */
  readonly warnings: readonly string[];
  readonly lastError: { readonly code: string; readonly message: string; readonly at: Date } | null;
  readonly attachedServers: number;
}

export type TlsReloadResult = { ok: true; changed: boolean } | { ok: false; error: CofferError };

export interface TlsManager {
  /** Options for tls/https.createServer: the policy of `profile` (default standard), the primary certificate and an SNICallback. */
  serverOptions(profile?: TlsProfile): TlsOptions;
  /** Lets reload() update `server`'s default context (clients without SNI, e.g. by IP). Returns a detach function. */
  attach(server: Server, profile?: TlsProfile): () => void;
  /** Loads the certificates again (call on SIGHUP). Never rejects; on failure the old certificates stay in use. */
  reload(reason?: TlsReloadReason): Promise<TlsReloadResult>;
  status(): TlsStatus;
  /** Stops watching and timers. Servers are not closed. */
  close(): Promise<void>;
}

interface Loaded extends CertificateFiles {
  certPem: string;
  keyPem: string;
  info: CertificateInfo;
  contexts: Record<TlsProfile, SecureContext>;
}

interface State {
  certs: Loaded[];
  loadedAt: number;
}

const DAY = 86_400_000;
const silent: TlsLogger = { info() {}, warn() {}, error() {} };

/** Loads the certificates, builds their contexts and starts watching. Throws CofferError (`tls.*`) when the initial load fails. */
export async function createTlsManager(options: CreateTlsManagerOptions): Promise<TlsManager> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silent;
  const warnDays = options.expiryWarningDays ?? 30;
  const generated = options.dataDir !== undefined;
  if (generated === (options.certFile !== undefined || options.keyFile !== undefined)) {
    throw new CofferError('tls.invalid_options', { message: 'give either dataDir (generated certificate) or certFile and keyFile, not both' });
  }
  if (!generated && (options.certFile === undefined || options.keyFile === undefined)) {
    throw new CofferError('tls.invalid_options', { message: 'certFile and keyFile must be given together' });
  }
  const policyInput = { minVersion: options.minVersion, handshakeTimeoutMs: options.handshakeTimeoutMs };
  const policy = (profile: TlsProfile, certPem: string, keyPem: string): TlsOptions => {
    const input = { certPem, keyPem, ...(policyInput.minVersion ? { minVersion: policyInput.minVersion } : {}), ...(policyInput.handshakeTimeoutMs ? { handshakeTimeoutMs: policyInput.handshakeTimeoutMs } : {}) };
    return profile === 'fips' ? fipsServerOptions(input) : tlsServerOptions(input);
  };
  // Fail fast on a bad minVersion before touching any file.
  policy('standard', '', '');

  const additional = (options.additionalCertificates ?? []).map((c) => ({ certFile: resolve(c.certFile), keyFile: resolve(c.keyFile) }));
  const primaryFiles = generated ? undefined : { certFile: resolve(options.certFile as string), keyFile: resolve(options.keyFile as string) };

  const build = (files: CertificateFiles, certPem: string, keyPem: string): Loaded => {
    const info = inspectCertificate(certPem, keyPem, files.certFile);
    let contexts: Record<TlsProfile, SecureContext>;
    try {
      contexts = { standard: createSecureContext(policy('standard', certPem, keyPem)), fips: createSecureContext(policy('fips', certPem, keyPem)) };
    } catch (cause) {
      throw new CofferError('tls.invalid_key', { message: `OpenSSL refused ${files.certFile} or its key (${(cause as { code?: string }).code ?? 'error'})`, cause });
    }
    return { ...files, certPem, keyPem, info, contexts };
  };

  const load = async (): Promise<State> => {
    const certs: Loaded[] = [];
    if (generated) {
      const m = await ensureTlsMaterial({ dir: options.dataDir as string, names: options.names ?? [], clock, renewBeforeDays: warnDays });
      certs.push(build({ certFile: m.certFile, keyFile: m.keyFile }, m.certPem, m.keyPem));
    }
    for (const files of primaryFiles ? [primaryFiles, ...additional] : additional) {
      const f = await readTlsFiles({ ...files, clock });
      certs.push(build(files, f.certPem, f.keyPem));
    }
    return { certs, loadedAt: clock.now() };
  };

  let state = await load();
  let lastError: TlsStatus['lastError'] = null;
  const attached = new Map<Server, TlsProfile>();
  const emit = (e: TlsEvent) => {
    try {
      options.onEvent?.(e);
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'TLS event listener failed');
    }
  };
  const primary = () => state.certs[0] as Loaded;

  const pick = (servername: string): Loaded => {
    let best = primary();
    let score = 0;
    for (const c of state.certs) {
      const s = nameMatch(c.info, servername);
      if (s > score) [best, score] = [c, s];
    }
    return best;
  };

  const certificateStatus = (c: Loaded, now: number): TlsCertificateStatus => {
    const left = c.info.notAfter.getTime() - now;
    return Object.freeze({ ...c.info, certFile: c.certFile, keyFile: c.keyFile, daysLeft: Math.floor(left / DAY), expiringSoon: left <= warnDays * DAY, expired: left <= 0 });
  };

  const checkExpiry = () => {
    const now = clock.now();
    for (const c of state.certs) {
      const s = certificateStatus(c, now);
      if (!s.expiringSoon) continue;
      logger.warn({ certFile: s.certFile, notAfter: s.notAfter.toISOString(), daysLeft: s.daysLeft }, s.expired ? 'TLS certificate has expired' : 'TLS certificate expires soon');
      emit({ type: 'expiring', certFile: s.certFile, notAfter: s.notAfter, daysLeft: s.daysLeft, expired: s.expired });
    }
  };

  const doReload = async (reason: TlsReloadReason): Promise<TlsReloadResult> => {
    let next: State;
    try {
      next = await load();
    } catch (e) {
      const error = isCofferError(e) ? e : new CofferError('tls.reload_failed', { message: 'loading the TLS certificates failed', cause: e });
      lastError = { code: error.code, message: error.message, at: new Date(clock.now()) };
      logger.warn({ reason, code: error.code, err: error.message }, 'TLS reload failed; still serving the previous certificates');
      emit({ type: 'reload-failed', reason, code: error.code, message: error.message });
      return { ok: false, error };
    }
    lastError = null;
    const same = next.certs.length === state.certs.length &&
      next.certs.every((c, i) => c.certPem === state.certs[i]?.certPem && c.keyPem === state.certs[i]?.keyPem && c.certFile === state.certs[i]?.certFile);
    if (!same) {
      state = next;
      const p = primary();
      for (const [server, profile] of attached) {
        try {
          server.setSecureContext(policy(profile, p.certPem, p.keyPem));
        } catch (err) {
          // The pair was already accepted by createSecureContext above, so this is not expected;
          // SNI clients get the new certificate regardless.
          logger.error({ err: (err as Error).message }, 'could not update a listener\'s default TLS context');
        }
      }
      logger.info({ reason, certificates: state.certs.map((c) => ({ certFile: c.certFile, notAfter: c.info.notAfter.toISOString(), fingerprint256: c.info.fingerprint256 })) }, 'TLS certificates reloaded');
    }
    emit({ type: 'loaded', reason, changed: !same, fingerprints: state.certs.map((c) => c.info.fingerprint256) });
    if (!same) checkExpiry();
    return { ok: true, changed: !same };
  };

  let chain: Promise<unknown> = Promise.resolve();
  const reload = (reason: TlsReloadReason = 'manual'): Promise<TlsReloadResult> => {
    const p = chain.then(() => doReload(reason));
    chain = p;
    return p;
  };

  const watchList = generated ? [primary().certFile, primary().keyFile, ...additional.flatMap((c) => [c.certFile, c.keyFile])]
    : [primaryFiles as CertificateFiles, ...additional].flatMap((c) => [c.certFile, c.keyFile]);
  let watcher: FileWatch | undefined;
  if (options.watch ?? true) {
    watcher = watchFiles(watchList, () => void reload('file-change'), {
      ...(options.debounceMs !== undefined ? { debounceMs: options.debounceMs } : {}),
      ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
      onWatchError: (dir, e) => logger.warn({ dir, err: e.message }, 'cannot watch TLS directory; relying on periodic checks'),
    });
    await watcher.snapshot();
  }

  const expiryEvery = options.expiryCheckIntervalMs ?? 12 * 3_600_000;
  const expiryTimer = expiryEvery > 0
    ? setInterval(() => {
      // Generated material renews itself on load once it is inside the warning window.
      const renew = generated && state.certs.some((c) => c.info.notAfter.getTime() - clock.now() <= warnDays * DAY);
      if (renew) void reload('renewal');
      else checkExpiry();
    }, expiryEvery)
    : undefined;
  expiryTimer?.unref();

  logger.info({ mode: generated ? 'generated' : 'files', certificates: state.certs.map((c) => ({ certFile: c.certFile, notAfter: c.info.notAfter.toISOString() })) }, 'TLS certificates loaded');
  checkExpiry();

  return {
    serverOptions(profile: TlsProfile = 'standard'): TlsOptions {
      const p = primary();
      return {
        ...policy(profile, p.certPem, p.keyPem),
        SNICallback: (servername, cb) => cb(null, pick(servername).contexts[profile]),
      };
    },
    attach(server: Server, profile: TlsProfile = 'standard') {
      attached.set(server, profile);
      return () => void attached.delete(server);
    },
    reload,
    status(): TlsStatus {
      const now = clock.now();
      const certificates = state.certs.map((c) => certificateStatus(c, now));
      const warnings = certificates.filter((c) => c.expiringSoon).map((c) => c.expired
        ? `${c.certFile} expired on ${c.notAfter.toISOString()}`
        : `${c.certFile} expires on ${c.notAfter.toISOString()} (in ${c.daysLeft} days)`);
      if (lastError) warnings.push(`last TLS reload failed (${lastError.code}): ${lastError.message}`);
      return Object.freeze({
        mode: generated ? 'generated' : 'files', loadedAt: new Date(state.loadedAt), certificates: Object.freeze(certificates),
        warnings: Object.freeze(warnings), lastError, attachedServers: attached.size,
      });
    },
    async close() {
      watcher?.close();
      if (expiryTimer) clearInterval(expiryTimer);
      attached.clear();
      await chain.catch(() => undefined);
    },
  };
}
