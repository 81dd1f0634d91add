/**
 * Where a small-object request's time goes: starts a real Coffer server (TLS, encryption, audit,
 * as `coffer server` runs it) under `node --cpu-prof`, drives one operation at a fixed
 * concurrency with the load suite's raw client, stops the server and reads its CPU profile.
 *
 *   node --import tsx bench/profile-small.ts [--op PUT|GET] [--size 4096] [--concurrency 16] [--seconds 10]
 *
 *   profile   self time per function -> grouped by area (TLS, SigV4, SQLite, audit, crypto, ...)
 *   idle      the profile's (idle) samples: the event loop waiting (fsync on the thread pool,
 *             the network, the client); with server CPU ms/op and ops/s this separates
 *             "CPU-bound" from "waiting on the disk"
 * Not part of `npm run bench` (a diagnosis tool; the .cpuprofile is kept for a closer look).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cleanEnv, cofferArgs, initDataDir } from '../test/integration/harness.js';
import { createRawClient } from './load/raw-client.js';
import { prepareObjects, runLoad } from './load/runner.js';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { op: { type: 'string' }, size: { type: 'string' }, concurrency: { type: 'string' }, seconds: { type: 'string' }, keep: { type: 'boolean' } } });
const op = (values.op ?? 'PUT').toUpperCase() as 'PUT' | 'GET';
const size = Number(values.size ?? 4096);
const concurrency = Number(values.concurrency ?? 16);
const seconds = Number(values.seconds ?? 10);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Area of a frame by its script URL and name (first match wins). */
const AREAS: Array<[string, (url: string, fn: string) => boolean]> = [
  ['(idle)', (_u, f) => f === '(idle)'],
  ['(garbage collector)', (_u, f) => f === '(garbage collector)'],
  ['(program: native, not JS)', (_u, f) => f === '(program)'],
  ['TLS + sockets (node:internal net/tls/stream)', (u) => /node:(internal\/)?(tls|_tls|net|stream|internal\/stream|internal\/streams|_http_|http|https|internal\/js_stream)/.test(u) || /(_tls|_http|streams)/.test(u)],
  ['SQLite (better-sqlite3)', (u) => u.includes('better-sqlite3') || u.includes('/storage/metadata/')],
  ['audit trail', (u) => u.includes('/src/audit/')],
  ['SigV4 + IAM', (u) => u.includes('/src/auth/') || u.includes('/src/iam/') || u.includes('/src/sts/')],
  ['XML', (u) => u.includes('fast-xml-parser') || u.includes('/xml')],
  ['logging + guards', (u) => u.includes('pino') || u.includes('/src/guards/') || u.includes('sonic-boom')],
  ['discovery', (u) => u.includes('/src/discovery/') || u.includes('re2')],
  ['blobs + fs', (u) => u.includes('/storage/blobs/') || /node:(internal\/)?fs/.test(u)],
  ['crypto (envelope, stream, checksums)', (u) => u.includes('/src/crypto/') || u.includes('/objects/checksums') || u.includes('integrity') || /node:(internal\/)?crypto/.test(u) || u.includes('crc')],
  ['objects', (u) => u.includes('/src/objects/')],
  ['http/s3 + app', (u) => u.includes('/src/http/') || u.includes('/src/app/')],
  ['tsx loader', (u) => u.includes('/tsx/') || u.includes('esbuild')],
  ['other node internals', (u) => u.startsWith('node:')],
  ['native (no URL)', (u) => u === ''],
];

function areaOf(url: string, fn: string): string {
  for (const [name, test] of AREAS) if (test(url, fn)) return name;
  return 'other';
}

/** Self time per node of the samples taken in [fromUs, toUs] (V8 ticks = CLOCK_MONOTONIC µs, as process.hrtime). */
function analyse(p: Profile, ops: number, fromUs: number, toUs: number): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let t = p.startTime;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    t += dt;
    if (t >= fromUs && t <= toUs) self.set(id, (self.get(id) ?? 0) + dt);
  });
  if (self.size === 0) throw new Error('no profile samples inside the measured window (clock mismatch?)');
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const { functionName: fn, url, lineNumber } = n.callFrame;
    const area = areaOf(url, fn);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const label = `${fn || '(anonymous)'} ${url.replace(/^.*\/(node_modules|src)\//, '$1/').replace('file://', '')}:${lineNumber + 1}`;
    fns.set(label, (fns.get(label) ?? 0) + us);
  }
  const row = (name: string, us: number) => `| ${name} | ${(us / 1000).toFixed(0)} | ${((us / total) * 100).toFixed(1)}% | ${(us / ops).toFixed(0)} |`;
  const lines = [`Profile: ${(total / 1e6).toFixed(1)} s sampled, ${ops} operations`, '', '| area | ms | share | µs per op |', '|---|---:|---:|---:|'];
  for (const [name, us] of [...areas].sort((a, b) => b[1] - a[1])) lines.push(row(name, us));
  lines.push('', '| top functions (self) | ms | share | µs per op |', '|---|---:|---:|---:|');
  for (const [name, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, 30)) lines.push(row(name.replace(/\|/g, '\\|'), us));
  return lines.join('\n');
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'coffer-bench-prof-'));
  const dataDir = join(dir, 'data');
  const profDir = join(dir, 'prof');
  const creds = await initDataDir(dataDir);
  const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir', profDir, ...cofferArgs('server', '--data-dir', dataDir, '--listen', '127.0.0.1:0')], {
    cwd: ROOT,
    env: cleanEnv({ COFFER_LOG_LEVEL: 'warn', COFFER_MFA: 'optional' }),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error('server did not start in 120 s')), 120_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /serving S3 on (https?:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]!);
      }
    });
    child.once('exit', (code) => fail(new Error(`server exited with ${code}`)));
  });
  const endpoint = `https://localhost:${new URL(url).port}`;
  const client = createRawClient({ endpoint, ca: await readFile(creds.caCertFile, 'utf8'), credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey } }, { concurrency });
  const payload = Buffer.alloc(size, 0x61);
  let report: string;
  try {
    await client.createBucket('bench');
    const pool = op === 'GET' ? await prepareObjects(client, 'bench', 'pool/', size, concurrency * 4, concurrency, payload) : undefined;
    // Warm-up: JIT, tsx transpilation of lazily imported modules, connection set-up.
    await runLoad({ system: 'coffer', client, op, size, concurrency, durationMs: 2000, bucket: 'bench', payload, runId: 'warm', ...(pool ? { pool } : {}) });
    const fromUs = Number(process.hrtime.bigint() / 1000n);
    const r = await runLoad({ system: 'coffer', client, op, size, concurrency, durationMs: seconds * 1000, bucket: 'bench', payload, runId: 'run', serverPid: child.pid!, ...(pool ? { pool } : {}) });
    report = `${op} ${size} B, ${concurrency} clients, ${seconds} s: ${r.opsPerSec.toFixed(0)} ops/s, p50 ${r.latency.p50.toFixed(1)} ms, p99 ${r.latency.p99.toFixed(1)} ms, server CPU ${r.server?.cpuMsPerOp.toFixed(2)} ms/op (${r.server?.cpuCores.toFixed(2)} cores), errors ${r.errors}`;
    const toUs = Number(process.hrtime.bigint() / 1000n);
    client.close();
    child.kill('SIGTERM');
    await exited;
    const files = (await readdir(profDir)).filter((f) => f.endsWith('.cpuprofile'));
    if (files.length === 0) throw new Error('the server wrote no CPU profile');
    const profile = JSON.parse(await readFile(join(profDir, files[0]!), 'utf8')) as Profile;
    report += '\n\n' + analyse(profile, r.ops, fromUs, toUs);
    if (values.keep) report += `\n\nprofile kept: ${join(profDir, files[0]!)}`;
  } finally {
    client.close();
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    if (!values.keep) await rm(dir, { recursive: true, force: true });
  }
  process.stdout.write(report + '\n');
}

await main();
