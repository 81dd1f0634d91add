/**
 * Systems under test, each started fresh on loopback for one suite run:
 *   coffer       real Coffer server process, TLS, encryption at rest (bench/coffer-process.ts)
 *   coffer-http  the same with --insecure-http, to attribute the cost of TLS
 *   s3rver       the npm s3rver package in a child process: plain HTTP, no encryption, no audit
 *   nginx        GET ceiling: static files over HTTPS
 *   disk         PUT ceiling: write + fsync in this process
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startBenchCoffer } from '../coffer-process.js';
import { createDiskTarget } from './disk-target.js';
import { startNginx, type NginxServer } from './nginx.js';
import { createRawClient } from './raw-client.js';
import type { S3Ops, TargetEndpoint } from './types.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

export type SystemName = 'coffer' | 'coffer-http' | 's3rver' | 'nginx' | 'disk';

export interface RunningSystem {
  name: SystemName;
  /** Human label for tables. */
  label: string;
  /** Network endpoint (absent for the in-process disk ceiling). */
  target?: TargetEndpoint;
  /** Server process to sample. */
  pid?: number;
  /** A client with `concurrency` keep-alive connections. */
  client(concurrency: number): S3Ops & { close(): void };
  /** nginx only: the served directory (files at root/BUCKET/KEY). */
  nginx?: NginxServer;
  /** The end of the server's diagnostic output (for a run that failed). */
  diagnostics?(): string;
  stop(): Promise<void>;
}

export const LABELS: Record<SystemName, string> = {
  coffer: 'Coffer (TLS, encrypted)',
  'coffer-http': 'Coffer (plain HTTP, encrypted)',
  s3rver: 's3rver (HTTP, plain)',
  nginx: 'nginx HTTPS (GET ceiling)',
  disk: 'disk write+fsync (PUT ceiling)',
};

async function startCofferSystem(tls: boolean): Promise<RunningSystem> {
  const coffer = await startBenchCoffer(tls ? {} : { extraArgs: ['--insecure-http'] });
  const target: TargetEndpoint = {
    endpoint: coffer.endpoint,
    ca: coffer.ca,
    credentials: { accessKeyId: coffer.accessKeyId, secretAccessKey: coffer.secretAccessKey },
  };
  const name: SystemName = tls ? 'coffer' : 'coffer-http';
  return {
    name,
    label: LABELS[name],
    target,
    pid: coffer.process.pid!,
    client: (concurrency) => createRawClient(target, { concurrency }),
    diagnostics: () => coffer.stderr().split('\n').filter((l) => !l.includes('"msg":"request"')).slice(-40).join('\n'),
    stop: () => coffer.dispose(),
  };
}

async function startS3rver(): Promise<RunningSystem> {
  const dir = await mkdtemp(join(tmpdir(), 'coffer-bench-s3rver-'));
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'load', 's3rver-child.ts'), dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`s3rver did not start: ${err}`)), 30_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /listening (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolvePort(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited with ${code}: ${err}`));
    });
  });
  // s3rver's fixed development credentials.
  const target: TargetEndpoint = { endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } };
  return {
    name: 's3rver',
    label: LABELS.s3rver,
    target,
    pid: child.pid!,
    client: (concurrency) => createRawClient(target, { concurrency }),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function startNginxSystem(): Promise<RunningSystem> {
  const nginx = await startNginx();
  const target: TargetEndpoint = { endpoint: nginx.endpoint, ca: nginx.ca };
  return {
    name: 'nginx',
    label: LABELS.nginx,
    target,
    pid: nginx.pid,
    nginx,
    client: (concurrency) => createRawClient(target, { concurrency }),
    stop: () => nginx.stop(),
  };
}

async function startDisk(): Promise<RunningSystem> {
  const disk = await createDiskTarget();
  return { name: 'disk', label: LABELS.disk, client: () => ({ ...disk, close() {} }), stop: () => disk.dispose() };
}

export async function startSystem(name: SystemName): Promise<RunningSystem> {
  switch (name) {
    case 'coffer':
      return startCofferSystem(true);
    case 'coffer-http':
      return startCofferSystem(false);
    case 's3rver':
      return startS3rver();
    case 'nginx':
      return startNginxSystem();
    case 'disk':
      return startDisk();
  }
}
