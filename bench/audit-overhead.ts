/**
 * What durable auditing costs: small-object PUT throughput of the same build with auditing on
 * and off (the benchmark-only switch), against the goal of at most 15% overhead.
 *
 *   node --import tsx bench/audit-overhead.ts [--quick] [--size 4096] [--concurrency 32] [--seconds 5] [--rounds 3]
 *
 * Two servers (TLS, encryption at rest, one data directory each) run side by side; rounds
 * alternate between them (on, off, on, off, ...) so drift on a shared machine hits both; each
 * row is the median round. Overhead = 1 - on/off throughput; server CPU ms per PUT is given too
 * (least disturbed by neighbours). With auditing on, every PUT's event is durably appended
 * (group commit, fdatasync) before the reply.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cleanEnv, initDataDir } from '../test/integration/harness.js';
import { createRawClient } from './load/raw-client.js';
import { runLoad } from './load/runner.js';
import type { LoadResult } from './load/types.js';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { quick: { type: 'boolean' }, size: { type: 'string' }, concurrency: { type: 'string' }, seconds: { type: 'string' }, rounds: { type: 'string' } } });
const quick = values.quick === true;
const size = Number(values.size ?? 4096);
const concurrency = Number(values.concurrency ?? 32);
const seconds = Number(values.seconds ?? (quick ? 2 : 5));
const rounds = Number(values.rounds ?? (quick ? 1 : 3));
const GOAL = 15;

interface Server {
  mode: 'on' | 'off';
  child: ChildProcess;
  client: ReturnType<typeof createRawClient>;
  dir: string;
}

async function start(mode: 'on' | 'off'): Promise<Server> {
  const dir = await mkdtemp(join(tmpdir(), `coffer-bench-audit-${mode}-`));
  const creds = await initDataDir(join(dir, 'data'));
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'audit-overhead-server.ts'), join(dir, 'data'), mode], { cwd: ROOT, env: cleanEnv({ COFFER_LOG_LEVEL: 'error' }), stdio: ['ignore', 'pipe', 'inherit'] });
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
  const client = createRawClient({ endpoint, ca: await readFile(creds.caCertFile, 'utf8'), credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey }, region: 'us-east-1' }, { concurrency });
  await client.createBucket('bench');
  return { mode, child, client, dir };
}

async function stop(s: Server): Promise<void> {
  s.client.close();
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  await exited;
  await rm(s.dir, { recursive: true, force: true });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main(): Promise<void> {
  const payload = Buffer.alloc(Math.max(size, 1), 0x61);
  const servers = [await start('on'), await start('off')];
  const results: Record<'on' | 'off', LoadResult[]> = { on: [], off: [] };
  try {
    let run = 0;
    for (const s of servers) await runLoad({ system: s.mode, client: s.client, op: 'PUT', size, concurrency, durationMs: 1000, bucket: 'bench', payload, runId: `warm${run++}`, serverPid: s.child.pid! });
    for (let r = 0; r < rounds; r++) {
      for (const s of r % 2 === 0 ? servers : [...servers].reverse()) {
        const res = await runLoad({ system: s.mode, client: s.client, op: 'PUT', size, concurrency, durationMs: seconds * 1000, bucket: 'bench', payload, runId: `r${run++}`, serverPid: s.child.pid! });
        if (res.errors > 0) process.stderr.write(`${s.mode}: ${res.errors} errors\n`);
        results[s.mode].push(res);
      }
    }
  } finally {
    await Promise.all(servers.map(stop));
  }
  const on = median(results.on.map((r) => r.opsPerSec));
  const off = median(results.off.map((r) => r.opsPerSec));
  const cpu = (m: 'on' | 'off') => median(results[m].map((r) => r.server?.cpuMsPerOp ?? NaN));
  const p50 = (m: 'on' | 'off') => median(results[m].map((r) => r.latency.p50));
  const overhead = (1 - on / off) * 100;
  const lines = [
    `Small-object PUT (${size} B, ${concurrency} concurrent, ${seconds} s x ${rounds} round(s), median), TLS + encryption at rest:`,
    '',
    '| auditing | PUT/s | p50 ms | server CPU ms/PUT |',
    '|---|---:|---:|---:|',
    `| on (durable, before reply) | ${on.toFixed(0)} | ${p50('on').toFixed(2)} | ${cpu('on').toFixed(3)} |`,
    `| off (benchmark-only switch) | ${off.toFixed(0)} | ${p50('off').toFixed(2)} | ${cpu('off').toFixed(3)} |`,
    '',
    `Audit overhead: ${overhead.toFixed(1)}% of PUT throughput (goal <= ${GOAL}%: ${overhead <= GOAL ? 'met' : 'NOT met'}); CPU per PUT +${((cpu('on') / cpu('off') - 1) * 100).toFixed(1)}%.`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

await main();
