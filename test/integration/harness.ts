/**
 * Starts a real Coffer server process on an ephemeral loopback port over TLS, with a fresh data
 * directory, and hands tests its endpoint, admin credentials and CA — plus real clients.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';

export const ROOT = resolve(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  caCertFile: string;
}

export interface Coffer extends Credentials {
  dataDir: string;
  /** https://localhost:PORT */
  endpoint: string;
  port: number;
  /** The FIPS endpoint's port and https://localhost:PORT when started with fips.mode endpoint|strict, else null. */
  fipsPort: number | null;
  fipsEndpoint: string | null;
  ca: string;
  process: ChildProcess;
  stdout(): string;
  stderr(): string;
  client(opts?: { forcePathStyle?: boolean }): S3Client;
  /** Environment for the AWS CLI / s3cmd pointing at this server. */
  cliEnv(): NodeJS.ProcessEnv;
  /** SIGTERM and wait for exit. */
  stop(): Promise<number | null>;
  /** SIGKILL (crash) and wait. */
  kill(): Promise<void>;
  /** Starts the server again on the same data directory (after stop/kill). */
  restart(): Promise<Coffer>;
  /** stop() and remove the data directory. */
  dispose(): Promise<void>;
}

export function cofferArgs(...args: string[]): string[] {
  return ['--import', 'tsx', MAIN, ...args];
}

export async function initDataDir(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<Credentials> {
  const r = spawnSync(process.execPath, cofferArgs('init', '--data-dir', dataDir, '--json'), { cwd: ROOT, encoding: 'utf8', env: cleanEnv(env) });
  if (r.status !== 0) throw new Error(`coffer init failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Credentials;
}

/** The environment without the caller's COFFER_* or AWS_* settings, so tests are hermetic. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('COFFER_') && !k.startsWith('AWS_')) env[k] = v;
  return { ...env, ...extra };
}

async function launch(dataDir: string, creds: Credentials, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Coffer> {
  const child = spawn(process.execPath, cofferArgs('server', '--data-dir', dataDir, '--listen', '127.0.0.1:0', ...extraArgs), {
    cwd: ROOT,
    // Tests drive IAM and S3 with the admin's long-term keys: MFA only where a test asks for it (env COFFER_MFA).
    env: cleanEnv({ COFFER_LOG_LEVEL: 'warn', COFFER_MFA: 'optional', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 90 s\nstdout: ${out}\nstderr: ${err}`)), 90_000);
    const onData = () => {
      const m = /serving S3 on (https?:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolveUrl(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}\nstdout: ${out}\nstderr: ${err}`));
    });
  });
  const port = Number(new URL(url).port);
  // Printed in the same write as the main URL.
  const fipsUrl = /FIPS endpoint \(fips \w+\) on (https:\/\/\S+)/.exec(out)?.[1];
  const fipsPort = fipsUrl ? Number(new URL(fipsUrl).port) : null;
  const ca = await readFile(creds.caCertFile, 'utf8');
  const endpoint = `${url.startsWith('https') ? 'https' : 'http'}://localhost:${port}`;
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const clients: S3Client[] = [];
  const self: Coffer = {
    ...creds,
    dataDir,
    endpoint,
    port,
    fipsPort,
    fipsEndpoint: fipsPort === null ? null : `https://localhost:${fipsPort}`,
    ca,
    process: child,
    stdout: () => out,
    stderr: () => err,
    client(opts = {}) {
      const c = new S3Client({
        endpoint,
        region: 'us-east-1',
        forcePathStyle: opts.forcePathStyle ?? true,
        credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey },
        requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca, keepAlive: true }) }),
      });
      clients.push(c);
      return c;
    },
    cliEnv() {
      return cleanEnv({
        AWS_ACCESS_KEY_ID: creds.accessKeyId,
        AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_CA_BUNDLE: creds.caCertFile,
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        AWS_PAGER: '',
        HOME: dataDir,
      });
    },
    async stop() {
      for (const c of clients) c.destroy();
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      for (const c of clients) c.destroy();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async restart() {
      await self.stop();
      return launch(dataDir, creds, extraArgs, env);
    },
    async dispose() {
      await self.stop();
      // A server-side failure a test only sees as a status code: show its log line (no secrets are logged).
      const failures = err.split('\n').filter((l) => /"level":(50|60)/.test(l)).slice(0, 5);
      if (failures.length > 0) process.stderr.write(`coffer server errors (${dataDir}):\n${failures.join('\n')}\n`);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return self;
}

export async function startCoffer(opts: { extraArgs?: string[]; env?: NodeJS.ProcessEnv; /** Also give `env` to `coffer init` (e.g. a master key source). */ initWithEnv?: boolean } = {}): Promise<Coffer> {
  const dataDir = join(await mkdtemp(join(tmpdir(), 'coffer-it-')), 'data');
  const creds = await initDataDir(dataDir, opts.initWithEnv ? opts.env : {});
  return launch(dataDir, creds, opts.extraArgs, opts.env);
}

/** An S3 SigV4 signer (the AWS SDK's own) with the server's admin credentials, for raw requests. */
export function adminSigner(c: Credentials): SignatureV4 {
  return new SignatureV4({ service: 's3', region: 'us-east-1', credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey }, sha256: Sha256, uriEscapePath: false });
}

export async function bodyText(body: unknown): Promise<string> {
  return (body as { transformToString(): Promise<string> }).transformToString();
}
