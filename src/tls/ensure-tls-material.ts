/*
 * Keeps DIR/tls/ holding a usable local CA and server certificate.
 *
 *   mkdir DIR/tls (0700); remove temp files left by a crash
 *   CA:     ca.pem + ca-key.pem both present -> load; key must match, CA must be valid now (else error)
 *           ca.pem present, ca-key.pem absent -> error (never silently replace a CA clients trust)
 *           otherwise                       -> create CA; write ca-key.pem (0600) then ca.pem
 *   server: re-issue when server.pem / server-key.pem is missing or unreadable, the key does not
 *           match, it was not issued by the CA, it expires within `renewBeforeDays`, or its SANs
 *           differ from the configured names; write server-key.pem (0600) then server.pem
 *   every write: temp file (exclusive, final mode) -> fsync -> rename -> fsync directory, so a
 *   crash leaves the old or the new file; a new key beside an old certificate is caught on the
 *   next start by the key-match check.
 */
import { X509Certificate as NodeX509, createPrivateKey, randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../shared/index.js';
import { CofferError, systemClock } from '../shared/index.js';
import { createLocalCa, type CertificateMaterial } from './create-local-ca.js';
import { issueServerCertificate, MAX_SERVER_CERT_DAYS } from './issue-server-certificate.js';
import { canonicalIp, classifyServerNames, sameServerNames } from './names.js';
import { x509 } from './x509.js';

export interface EnsureTlsMaterialOptions {
  /** The data directory; material lives in DIR/tls/. */
  dir: string;
  /** Configured server names (config `serverNames`, `baseDomain` and `*.baseDomain`, ...). */
  names: readonly string[];
  clock?: Clock;
  /** Re-issue the server certificate when it expires within this many days. Default 30. */
  renewBeforeDays?: number;
  /** Validity of newly issued server certificates, 1..397 days. Default 397. */
  validityDays?: number;
  /** Common name for a newly created CA. Default "Coffer Local CA <random id>". */
  caCommonName?: string;
}

/** Why the server certificate was (or was not) written by this call. */
export type ServerCertAction = 'kept' | 'created' | 'replaced' | 'renewed' | 'names-changed';

export interface TlsMaterial {
  /** DIR/tls */
  readonly tlsDir: string;
  /** CA certificate to give clients (--ca-bundle, --cacert, NODE_EXTRA_CA_CERTS). */
  readonly caCertFile: string;
  readonly caKeyFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly caCertPem: string;
  readonly certPem: string;
  readonly keyPem: string;
  /** Expiry of the server certificate in use. */
  readonly notAfter: Date;
  readonly caCreated: boolean;
  readonly serverAction: ServerCertAction;
}

const DAY = 86_400_000;

/** Creates or refreshes the local CA and server certificate under DIR/tls and returns their paths and PEMs. */
export async function ensureTlsMaterial(options: EnsureTlsMaterialOptions): Promise<TlsMaterial> {
  const clock = options.clock ?? systemClock;
  const renewBefore = (options.renewBeforeDays ?? 30) * DAY;
  const validityDays = options.validityDays ?? MAX_SERVER_CERT_DAYS;
  const wanted = classifyServerNames(options.names);

  const tlsDir = join(options.dir, 'tls');
  await mkdir(tlsDir, { recursive: true, mode: 0o700 });
  await tightenMode(tlsDir, 0o700);
  await removeStaleTemps(tlsDir);
  const files = {
    caCertFile: join(tlsDir, 'ca.pem'),
    caKeyFile: join(tlsDir, 'ca-key.pem'),
    certFile: join(tlsDir, 'server.pem'),
    keyFile: join(tlsDir, 'server-key.pem'),
  };

  // --- CA ---
  let ca: CertificateMaterial;
  let caCreated = false;
  const caCertPem = await readIfExists(files.caCertFile);
  const caKeyPem = await readIfExists(files.caKeyFile);
  if (caCertPem !== undefined && caKeyPem === undefined) {
    throw new CofferError('tls.ca_key_missing', {
      message: `${files.caKeyFile} is missing while ${files.caCertFile} exists; restore the key, or remove both to create a new CA (clients must then trust the new ca.pem)`,
    });
  }
  if (caCertPem !== undefined && caKeyPem !== undefined) {
    ca = { certPem: caCertPem, keyPem: caKeyPem };
    checkCa(ca, files.caCertFile, clock.now());
    await tightenMode(files.caKeyFile, 0o600);
  } else {
    const id = randomBytes(4).toString('hex');
    ca = await createLocalCa({ commonName: options.caCommonName ?? `Coffer Local CA ${id}`, clock });
    await writeAtomic(tlsDir, files.caKeyFile, ca.keyPem, 0o600);
    await writeAtomic(tlsDir, files.caCertFile, ca.certPem, 0o644);
    caCreated = true;
  }

  // --- server certificate ---
  const certPem = await readIfExists(files.certFile);
  const keyPem = await readIfExists(files.keyFile);
  let action: ServerCertAction = 'kept';
  let notAfter: Date | undefined;
  if (certPem === undefined && keyPem === undefined) action = 'created';
  else if (certPem === undefined || keyPem === undefined || caCreated) action = 'replaced';
  else {
    const state = inspectServerCert(certPem, keyPem, ca.certPem);
    if (state === undefined) action = 'replaced';
    else if (state.notAfter.getTime() - clock.now() <= renewBefore) action = 'renewed';
    else if (!sameServerNames(state.names, wanted)) action = 'names-changed';
    else notAfter = state.notAfter;
  }

  let server: CertificateMaterial;
  if (action === 'kept' && certPem !== undefined && keyPem !== undefined) {
    server = { certPem, keyPem };
    await tightenMode(files.keyFile, 0o600);
  } else {
    server = await issueServerCertificate({ ca, names: options.names, days: validityDays, clock });
    await writeAtomic(tlsDir, files.keyFile, server.keyPem, 0o600);
    await writeAtomic(tlsDir, files.certFile, server.certPem, 0o644);
  }

  return Object.freeze({
    tlsDir,
    ...files,
    caCertPem: ca.certPem,
    certPem: server.certPem,
    keyPem: server.keyPem,
    notAfter: notAfter ?? new Date(new NodeX509(server.certPem).validTo),
    caCreated,
    serverAction: action,
  });
}

function checkCa(ca: CertificateMaterial, file: string, now: number): void {
  let cert: NodeX509;
  let matches: boolean;
  try {
    cert = new NodeX509(ca.certPem);
    matches = cert.checkPrivateKey(createPrivateKey(ca.keyPem));
  } catch (cause) {
    throw new CofferError('tls.invalid_ca', { message: `${file} or its key cannot be read as PEM`, cause });
  }
  if (!cert.ca) throw new CofferError('tls.invalid_ca', { message: `${file} is not a CA certificate` });
  if (!matches) throw new CofferError('tls.invalid_ca', { message: `${file} does not match its private key` });
  if (now >= new Date(cert.validTo).getTime()) {
    throw new CofferError('tls.ca_expired', {
      message: `${file} expired on ${new Date(cert.validTo).toISOString()}; remove the tls directory to create a new CA (clients must then trust the new ca.pem)`,
    });
  }
}

/** Parses the server certificate; undefined when unusable (unparseable, wrong key, other issuer). */
function inspectServerCert(certPem: string, keyPem: string, caCertPem: string) {
  try {
    const node = new NodeX509(certPem);
    const caNode = new NodeX509(caCertPem);
    if (!node.checkPrivateKey(createPrivateKey(keyPem))) return undefined;
    if (!node.checkIssued(caNode) || !node.verify(caNode.publicKey)) return undefined;
    const san = new x509.X509Certificate(certPem).getExtension(x509.SubjectAlternativeNameExtension);
    const entries = san?.names.toJSON() ?? [];
    const names = {
      dns: [...new Set(entries.filter((e) => e.type === 'dns').map((e) => e.value.toLowerCase()))].sort(),
      ips: [...new Set(entries.filter((e) => e.type === 'ip').map((e) => canonicalIp(e.value)))].sort(),
    };
    return { notAfter: new Date(node.validTo), names };
  } catch {
    return undefined;
  }
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CofferError('tls.read_failed', { message: `${file} cannot be read`, cause: e });
  }
}

async function tightenMode(path: string, mode: number): Promise<void> {
  const st = await stat(path);
  if ((st.mode & 0o777 & ~mode) !== 0) await chmod(path, mode);
}

async function removeStaleTemps(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (/^\..+\.tmp$/.test(name)) await rm(join(dir, name), { force: true });
  }
}

async function writeAtomic(dir: string, file: string, data: string, mode: number): Promise<void> {
  const tmp = join(dir, `.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await chmod(tmp, mode); // umask may have removed bits from a 0644 file; keys stay 0600 regardless
  await rename(tmp, file);
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}
