/**
 * Coffer server processes for the benchmarks, run from a bundle of the sources instead of
 * through tsx.
 *
 *   build:  esbuild bundles src/cli/main.ts (and the feature-switch fixture) into
 *           bench-results/.server/ once per bench process (~1 s); packages stay external, so
 *           native modules load from node_modules as usual
 *   start:  `node <bundle> init` once per template, copies of its data directory per server,
 *           `node <bundle> server` (or the fixture) on 127.0.0.1:0, wait for "serving S3 on"
 *
 * Why: under tsx every process spends ~2.5 s of CPU loading modules through the loader thread
 * (the quick run starts a dozen), and production runs compiled JavaScript without a loader
 * (bin/coffer.js), so the bundle is also the closer model of what users run. Same sources, same
 * esbuild transform tsx applies per file; only the module loading differs.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { build } from 'esbuild';
import { cleanEnv, type Credentials } from '../test/integration/harness.js';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'bench-results', '.server');

export interface BenchBundle {
  /** The CLI (`coffer init|server ...`). */
  cli: string;
  /** bench/feature-switch-server.ts: DATA_DIR all|no-audit|no-encryption|no-discovery. */
  featureSwitch: string;
}

let built: Promise<BenchBundle> | undefined;

/** Set by bench/run.ts for its children once it has bundled the sources of this run. */
export const BUNDLE_FRESH_ENV = 'COFFER_BENCH_BUNDLE_FRESH';

/** Bundles the current sources (once per process, or once per `npm run bench`). */
export function benchBundle(): Promise<BenchBundle> {
  built ??= (async () => {
    const bundle = { cli: join(OUT, 'coffer.mjs'), featureSwitch: join(OUT, 'feature-switch-server.mjs') };
    if (process.env[BUNDLE_FRESH_ENV] === '1' && existsSync(bundle.cli) && existsSync(bundle.featureSwitch)) return bundle;
    return bundleSources(ROOT, OUT);
  })();
  return built;
}

/**
 * Bundles the sources under `root` (a checkout, or an exported older revision with src/ and
 * bench/) into `outDir`, which must lie inside this checkout so packages resolve from its
 * node_modules.
 */
export async function bundleSources(root: string, outDir: string): Promise<BenchBundle> {
  const fixture = join(root, 'bench/feature-switch-server.ts');
  await build({
    entryPoints: { coffer: join(root, 'src/cli/main.ts'), ...(existsSync(fixture) ? { 'feature-switch-server': fixture } : {}) },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    tsconfig: join(ROOT, 'tsconfig.json'),
    logLevel: 'error',
  });
  return { cli: join(outDir, 'coffer.mjs'), featureSwitch: join(outDir, 'feature-switch-server.mjs') };
}

/** A data directory made by `coffer init`, to copy for each server. */
export interface DataTemplate {
  dir: string;
  creds: Credentials;
}

export async function initTemplate(): Promise<DataTemplate> {
  const { cli } = await benchBundle();
  const dir = await mkdtemp(join(tmpdir(), 'coffer-bench-template-'));
  const r = spawnSync(process.execPath, [cli, 'init', '--data-dir', join(dir, 'data'), '--json'], { cwd: ROOT, encoding: 'utf8', env: cleanEnv() });
  if (r.status !== 0) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`coffer init failed (${r.status}): ${r.stderr}`);
  }
  return { dir, creds: JSON.parse(r.stdout) as Credentials };
}

export interface BenchCoffer extends Credentials {
  endpoint: string;
  ca: string;
  process: ChildProcess;
  stderr(): string;
  /** An S3 client (path style, keep-alive) trusting the server's CA. */
  client(): S3Client;
  /** SIGTERM, wait for the exit, remove the data directory. */
  dispose(): Promise<void>;
}

export interface StartOptions {
  /** Extra `coffer server` arguments (e.g. --insecure-http). */
  extraArgs?: string[];
  /** Run bench/feature-switch-server.ts with this variant instead of `coffer server`. */
  variant?: 'all' | 'no-audit' | 'no-encryption' | 'no-discovery';
  /** Copy this template's data directory instead of running `coffer init`. */
  template?: DataTemplate;
  /** Run this bundle (default: the current sources, benchBundle()). */
  bundle?: BenchBundle;
  /** Extra environment for the server (COFFER_* settings). */
  env?: NodeJS.ProcessEnv;
}

export async function startBenchCoffer(opts: StartOptions = {}): Promise<BenchCoffer> {
  const bundle = opts.bundle ?? (await benchBundle());
  const own = opts.template === undefined;
  const template = opts.template ?? (await initTemplate());
  const dir = await mkdtemp(join(tmpdir(), 'coffer-bench-'));
  try {
    await cp(join(template.dir, 'data'), join(dir, 'data'), { recursive: true });
  } finally {
    if (own) await rm(template.dir, { recursive: true, force: true });
  }
  const dataDir = join(dir, 'data');
  const creds: Credentials = { ...template.creds, caCertFile: template.creds.caCertFile.replace(template.dir, dir) };
  const args = opts.variant
    ? [bundle.featureSwitch, dataDir, opts.variant]
    : [bundle.cli, 'server', '--data-dir', dataDir, '--listen', '127.0.0.1:0', ...(opts.extraArgs ?? [])];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: cleanEnv({ COFFER_LOG_LEVEL: 'warn', COFFER_MFA: 'optional', ...opts.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out = (out + d).slice(-64 * 1024)));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-64 * 1024)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const cleanup = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  let url: string;
  try {
    url = await new Promise<string>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`server did not start in 90 s\nstderr: ${err}`)), 90_000);
      const onData = () => {
        const m = /serving S3 on (https?:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          child.stdout!.off('data', onData);
          ok(m[1]!);
        }
      };
      child.stdout!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`server exited with ${code}\nstderr: ${err}`));
      });
    });
  } catch (e) {
    await cleanup();
    throw e;
  }
  const port = new URL(url).port;
  const endpoint = `${url.startsWith('https') ? 'https' : 'http'}://localhost:${port}`;
  const ca = await readFile(creds.caCertFile, 'utf8');
  const clients: S3Client[] = [];
  return {
    ...creds,
    endpoint,
    ca,
    process: child,
    stderr: () => err,
    client() {
      const c = new S3Client({
        endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey },
        requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca, keepAlive: true }) }),
      });
      clients.push(c);
      return c;
    },
    async dispose() {
      for (const c of clients) c.destroy();
      await cleanup();
    },
  };
}
