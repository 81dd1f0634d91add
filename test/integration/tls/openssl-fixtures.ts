// Shared fixtures for the TLS integration tests: certificates (ECDSA from Coffer's CA, RSA from
// the openssl CLI), HTTPS servers built from the TLS manager's options on 127.0.0.1:0, and a
// wrapper around Debian's `openssl s_client`.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createLocalCa, createTlsManager, issueServerCertificate, type TlsManager, type TlsProfile } from '../../../src/tls/index.js';

export interface PemFiles {
  certFile: string;
  keyFile: string;
  /** CA (or self-signed certificate) that verifies certFile. */
  caFile: string;
}

function run(cmd: string, args: string[], timeout = 20_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { timeout }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
    // s_client reads stdin until EOF; close it so a finished handshake ends the process.
    child.stdin?.end();
  });
}

/** An ECDSA P-256 server certificate issued by a fresh Coffer local CA. */
export async function ecdsaFiles(dir: string): Promise<PemFiles> {
  const ca = await createLocalCa({ commonName: 'Coffer Integration CA' });
  const server = await issueServerCertificate({ ca, names: ['s3.example.test', '*.s3.example.test'], days: 30 });
  const files = { certFile: join(dir, 'ecdsa.pem'), keyFile: join(dir, 'ecdsa-key.pem'), caFile: join(dir, 'ecdsa-ca.pem') };
  writeFileSync(files.certFile, server.certPem);
  writeFileSync(files.keyFile, server.keyPem, { mode: 0o600 });
  writeFileSync(files.caFile, ca.certPem);
  return files;
}

/** A self-signed RSA-2048 certificate made by the openssl CLI (operator-provided style). */
export async function rsaFiles(dir: string): Promise<PemFiles> {
  const files = { certFile: join(dir, 'rsa.pem'), keyFile: join(dir, 'rsa-key.pem'), caFile: join(dir, 'rsa.pem') };
  const r = await run('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '30', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-addext', 'extendedKeyUsage=serverAuth',
    '-keyout', files.keyFile, '-out', files.certFile,
  ]);
  if (r.code !== 0) throw new Error(`openssl req failed: ${r.stderr}`);
  return files;
}

export interface PolicyServer {
  port: number;
  manager: TlsManager;
  /** Errors the server reported for failed handshakes, oldest first. */
  clientErrors: Error[];
  close(): Promise<void>;
}

/** An HTTPS server on 127.0.0.1:0 using the manager's options for `profile`; answers "ok" with HSTS. */
export async function startPolicyServer(files: PemFiles, profile: TlsProfile): Promise<PolicyServer> {
  const manager = await createTlsManager({ certFile: files.certFile, keyFile: files.keyFile, watch: false });
  const clientErrors: Error[] = [];
  const server: Server = createServer(manager.serverOptions(profile), (_req, res) => {
    res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    res.end('ok');
  });
  manager.attach(server, profile);
  server.on('tlsClientError', (e, socket) => {
    clientErrors.push(e);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    manager,
    clientErrors,
    async close() {
      await manager.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export interface SClientResult {
  /** True when the handshake completed. */
  connected: boolean;
  protocol?: string;
  cipher?: string;
  /** "Server Temp Key" line, e.g. "X25519, 253 bits" or "ECDH, prime256v1, 256 bits". */
  tempKey?: string;
  verification?: string;
  output: string;
}

/** Runs `openssl s_client -brief` against 127.0.0.1:port with SNI "localhost" (unless `args` has -noservername or its own -servername) plus `args`; `brief: false` prints certificates too. */
export async function sClient(port: number, args: string[], caFile?: string, brief = true): Promise<SClientResult> {
  const r = await run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, ...(args.includes('-noservername') || args.includes('-servername') ? [] : ['-servername', 'localhost']), ...(brief ? ['-brief'] : []), ...(caFile ? ['-CAfile', caFile] : []), ...args], 10_000);
  const output = `${r.stdout}\n${r.stderr}`;
  // A usage error would look like a refused handshake; never let it pass as one.
  if (/Use -help for summary/.test(output)) throw new Error(`openssl s_client usage error: ${output.slice(0, 300)}`);
  const field = (name: string) => new RegExp(`^${name}: (.+)$`, 'm').exec(output)?.[1]?.trim();
  const protocol = field('Protocol version');
  const cipher = field('Ciphersuite');
  const tempKey = field('Server Temp Key');
  const verification = field('Verification');
  return {
    connected: /CONNECTION ESTABLISHED/.test(output) && protocol !== undefined,
    ...(protocol ? { protocol } : {}),
    ...(cipher ? { cipher } : {}),
    ...(tempKey ? { tempKey } : {}),
    ...(verification ? { verification } : {}),
    output,
  };
}

/** Every TLS 1.2-and-below cipher this OpenSSL knows, except PSK/SRP suites that need extra client parameters. */
export async function allTls12Ciphers(): Promise<string[]> {
  const r = await run('openssl', ['ciphers', '-tls1_2', 'ALL:COMPLEMENTOFALL:@SECLEVEL=0']);
  return r.stdout.trim().split(':').filter((c) => c && !c.startsWith('TLS_') && !/PSK|SRP/.test(c));
}

/**
 * Everything the server accepts out of `offered`: offer the whole list, note what the server picks,
 * drop it and offer the rest again until the handshake fails. One handshake per accepted item
 * (plus one) instead of one per item, and just as complete: a refused remainder means no item of it
 * is acceptable.
 */
export async function acceptedOutOf(offered: readonly string[], attempt: (list: string[]) => Promise<string | undefined>): Promise<string[]> {
  const left = [...offered];
  const accepted: string[] = [];
  for (let i = 0; i <= offered.length && left.length > 0; i++) {
    const picked = await attempt(left);
    if (picked === undefined) break;
    accepted.push(picked);
    const at = left.indexOf(picked);
    if (at < 0) break; // picked something not offered: reported in `accepted`, and the assertion fails
    left.splice(at, 1);
  }
  return accepted.sort();
}

/** Group name of an s_client "Server Temp Key" line. */
export function groupOf(tempKey: string | undefined): string | undefined {
  if (tempKey === undefined) return undefined;
  const known: Record<string, string> = { X25519: 'X25519', X448: 'X448', prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
  for (const [k, v] of Object.entries(known)) if (tempKey.includes(k)) return v;
  const dh = /^DH, (\d+) bits/.exec(tempKey);
  return dh ? `ffdhe${dh[1]}` : tempKey;
}
