// Read-only health check of the TLS material for `coffer doctor`: which certificate is served,
// the names it covers, when it expires, whether its key matches and is private, and the FIPS
// provider status. Never writes or renews anything (ensureTlsMaterial does that at start).
import { X509Certificate as NodeX509 } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../shared/index.js';
import { isCofferError, systemClock } from '../shared/index.js';
import { inspectCertificate, nameMatch, type CertificateInfo } from './certificate-info.js';
import { fipsStatus, type FipsMode, type FipsStatus } from './fips/fips-status.js';

export interface DiagnoseTlsOptions {
  /** Data directory; the generated material is read from DATA_DIR/tls when certFile is not given. */
  dataDir: string;
  /** Operator-provided certificate and key (config tls.certFile / tls.keyFile). */
  certFile?: string;
  keyFile?: string;
  /** Names the certificate must cover (serverCertificateNames(config) plus FIPS names). */
  names?: readonly string[];
  fipsMode?: FipsMode;
  /** Injected for tests; default crypto.getFips(). */
  fipsProviderActive?: boolean;
  /** Warn when a certificate expires within this many days. Default 30. */
  expiryWarningDays?: number;
  clock?: Clock;
}

export interface DiagnosedCertificate extends CertificateInfo {
  readonly role: 'server' | 'ca';
  readonly certFile: string;
  readonly keyFile: string | null;
  readonly daysLeft: number;
}

export interface DiagnosedFile {
  readonly path: string;
  /** Permission bits, e.g. 0o600; null when the file is missing. */
  readonly mode: number | null;
  /** The widest mode that is acceptable. */
  readonly wanted: number;
}

export interface TlsDiagnosis {
  readonly mode: 'generated' | 'files';
  readonly certificates: readonly DiagnosedCertificate[];
  readonly files: readonly DiagnosedFile[];
  readonly fips: FipsStatus;
  /** One line per problem; empty when healthy. */
  readonly warnings: readonly string[];
}

const DAY = 86_400_000;

/** Permission bits of `path`, or null when it does not exist. */
export async function modeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).mode & 0o777;
  } catch {
    return null;
  }
}

const octal = (m: number) => `0${m.toString(8).padStart(3, '0')}`;

/** Inspects the TLS material without changing it and lists what needs attention. */
export async function diagnoseTls(options: DiagnoseTlsOptions): Promise<TlsDiagnosis> {
  const now = (options.clock ?? systemClock).now();
  const warnDays = options.expiryWarningDays ?? 30;
  const warnings: string[] = [];
  const certificates: DiagnosedCertificate[] = [];
  const files: DiagnosedFile[] = [];
  const generated = options.certFile === undefined;
  const tlsDir = join(options.dataDir, 'tls');
  const certFile = options.certFile ?? join(tlsDir, 'server.pem');
  const keyFile = options.keyFile ?? join(tlsDir, 'server-key.pem');

  const checkMode = async (path: string, wanted: number, what: string) => {
    const mode = await modeOf(path);
    files.push({ path, mode, wanted });
    if (mode === null) warnings.push(`${path} (${what}) is missing`);
    else if ((mode & ~wanted) !== 0) warnings.push(`${path} (${what}) has mode ${octal(mode)}; run chmod ${octal(wanted).slice(1)} ${path}`);
  };
  const read = async (path: string) => {
    try {
      return await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') warnings.push(`${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
      return undefined;
    }
  };
  const expiry = (c: DiagnosedCertificate) => {
    if (c.notBefore.getTime() > now) warnings.push(`${c.certFile} is not valid before ${c.notBefore.toISOString()}`);
    if (c.daysLeft < 0 || c.notAfter.getTime() <= now) warnings.push(`${c.certFile} expired on ${c.notAfter.toISOString()}`);
    else if (c.notAfter.getTime() - now <= warnDays * DAY) {
      warnings.push(`${c.certFile} expires on ${c.notAfter.toISOString()} (in ${c.daysLeft} days)${c.role === 'server' && generated ? '; Coffer renews it at the next start or reload' : ''}`);
    }
  };
  const describe = (role: 'server' | 'ca', file: string, key: string | null, info: CertificateInfo): DiagnosedCertificate =>
    Object.freeze({ ...info, role, certFile: file, keyFile: key, daysLeft: Math.floor((info.notAfter.getTime() - now) / DAY) });

  if (generated) await checkMode(tlsDir, 0o700, 'TLS directory');
  await checkMode(keyFile, 0o600, 'TLS private key');

  const certPem = await read(certFile);
  const keyPem = await read(keyFile);
  if (certPem === undefined) warnings.push(`${certFile} (TLS certificate) is missing${generated ? '; run coffer init or start the server to create it' : ''}`);
  else {
    try {
      const server = describe('server', certFile, keyFile, inspectCertificate(certPem, keyPem, certFile));
      certificates.push(server);
      expiry(server);
      for (const name of options.names ?? []) {
        const covered = name.startsWith('*.') ? server.dns.includes(name.toLowerCase()) : nameMatch(server, name) > 0;
        if (!covered) warnings.push(`${certFile} does not cover the configured name ${name}${generated ? '; Coffer re-issues it at the next start' : ''}`);
      }
    } catch (e) {
      if (!isCofferError(e)) throw e;
      if (keyPem !== undefined || e.code !== 'tls.invalid_key') warnings.push(e.message);
    }
  }

  if (generated) {
    const caFile = join(tlsDir, 'ca.pem');
    const caKeyFile = join(tlsDir, 'ca-key.pem');
    await checkMode(caKeyFile, 0o600, 'CA private key');
    const caPem = await read(caFile);
    if (caPem === undefined) warnings.push(`${caFile} (local CA) is missing`);
    else {
      try {
        const ca = describe('ca', caFile, caKeyFile, inspectCertificate(caPem, await read(caKeyFile), caFile));
        certificates.push(ca);
        expiry(ca);
        if (certPem !== undefined) {
          const leaf = new NodeX509(certPem);
          const caNode = new NodeX509(caPem);
          if (!leaf.checkIssued(caNode) || !leaf.verify(caNode.publicKey)) warnings.push(`${certFile} was not issued by ${caFile}; clients trusting ca.pem will reject it`);
        }
      } catch (e) {
        if (!isCofferError(e)) warnings.push(`${caFile} cannot be checked (${(e as Error).message})`);
        else warnings.push(e.message);
      }
    }
  }

  const fips = fipsStatus({ mode: options.fipsMode ?? 'off', ...(options.fipsProviderActive !== undefined ? { providerActive: options.fipsProviderActive } : {}) });
  if (fips.mode === 'strict' && !fips.providerActive) {
    warnings.push('fips is "strict" but the OpenSSL FIPS provider is not active: the server will refuse to start (configure the provider and run node --enable-fips)');
  }
  return Object.freeze({ mode: generated ? 'generated' : 'files', certificates, files, fips, warnings });
}
