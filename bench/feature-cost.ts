/**
 * What each security feature costs: small-object PUT and GET throughput of the same build with
 * everything on, and with auditing, encryption at rest or discovery on write off one at a time
 * (bench/feature-switch-server.ts), against the goal of at most 15% each.
 *
 *   node --import tsx bench/feature-cost.ts [--quick] [--size 4096] [--concurrency 32] [--seconds 5] [--rounds 3]
 *
 * Four servers (TLS, one data directory each) run side by side; rounds rotate their order so
 * drift on a shared machine hits all; each row is the median round. Cost of a feature =
 * 1 - all/without throughput; server CPU ms per operation is given too (least disturbed by
 * neighbours). With auditing on, every request's event is durably appended (group commit,
 * fdatasync) before the reply.
 */
import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { initTemplate, startBenchCoffer, type BenchCoffer, type DataTemplate } from './coffer-process.js';
import { createRawClient } from './load/raw-client.js';
import { prepareObjects, runLoad } from './load/runner.js';
import type { LoadResult } from './load/types.js';

const VARIANTS = ['all', 'no-audit', 'no-encryption', 'no-discovery'] as const;
type Variant = (typeof VARIANTS)[number];
const LABEL: Record<Variant, string> = { all: 'everything on', 'no-audit': 'auditing off', 'no-encryption': 'encryption at rest off', 'no-discovery': 'discovery on write off' };

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, size: { type: 'string' }, concurrency: { type: 'string' }, seconds: { type: 'string' }, rounds: { type: 'string' } } });
const quick = values.quick === true;
const size = Number(values.size ?? 4096);
const concurrency = Number(values.concurrency ?? (quick ? 16 : 32));
const seconds = Number(values.seconds ?? (quick ? 0.3 : 5));
const rounds = Number(values.rounds ?? (quick ? 1 : 3));
const GOAL = 15;

interface Server {
  mode: Variant;
  coffer: BenchCoffer;
  client: ReturnType<typeof createRawClient>;
}

/** A server of one variant on a copy of the template's data directory (one `coffer init` for all four). */
async function start(mode: Variant, template: DataTemplate): Promise<Server> {
  const coffer = await startBenchCoffer({ variant: mode, template });
  const client = createRawClient({ endpoint: coffer.endpoint, ca: coffer.ca, credentials: { accessKeyId: coffer.accessKeyId, secretAccessKey: coffer.secretAccessKey }, region: 'us-east-1' }, { concurrency });
  try {
    await client.createBucket('bench');
  } catch (e) {
    client.close();
    await coffer.dispose();
    throw e;
  }
  return { mode, coffer, client };
}

async function stop(s: Server): Promise<void> {
  s.client.close();
  await s.coffer.dispose();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main(): Promise<void> {
  const payload = Buffer.alloc(Math.max(size, 1), 0x61);
  // Started together: start-up is mostly waiting on child processes, not measured.
  const template = await initTemplate();
  const started = await Promise.allSettled(VARIANTS.map((v) => start(v, template))).finally(() => rm(template.dir, { recursive: true, force: true }));
  const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(servers.map(stop));
    throw failed.reason;
  }
  const results = new Map<string, LoadResult[]>();
  const keep = (v: Variant, op: string, r: LoadResult) => results.set(`${v}:${op}`, [...(results.get(`${v}:${op}`) ?? []), r]);
  try {
    let run = 0;
    if (!quick) for (const s of servers) await runLoad({ system: s.mode, client: s.client, op: 'PUT', size, concurrency, durationMs: 1000, bucket: 'bench', payload, runId: `warm${run++}`, serverPid: s.coffer.process.pid! });
    for (let r = 0; r < rounds; r++) {
      const order = [...servers.slice(r % servers.length), ...servers.slice(0, r % servers.length)];
      for (const op of ['PUT', 'GET'] as const) {
        for (const s of order) {
          const pool = op === 'GET' ? (await prepareObjects(s.client, 'bench', `get-${r}-`, size, quick ? concurrency : 64, concurrency, payload)) : undefined;
          const res = await runLoad({ system: s.mode, client: s.client, op, size, concurrency, durationMs: seconds * 1000, bucket: 'bench', payload, runId: `r${run++}`, serverPid: s.coffer.process.pid!, ...(pool ? { pool } : {}) });
          if (res.errors > 0) process.stderr.write(`${s.mode} ${op}: ${res.errors} errors: ${res.firstError ?? ''}\n`);
          keep(s.mode, op, res);
        }
      }
    }
  } finally {
    await Promise.all(servers.map(stop));
  }
  const lines = [`Small objects (${size} B, ${concurrency} concurrent, ${seconds} s x ${rounds} round(s), median round), TLS on; one feature off at a time:`, ''];
  for (const op of ['PUT', 'GET'] as const) {
    const ops = (v: Variant) => median((results.get(`${v}:${op}`) ?? []).map((r) => r.opsPerSec));
    const cpu = (v: Variant) => median((results.get(`${v}:${op}`) ?? []).map((r) => r.server?.cpuMsPerOp ?? NaN));
    lines.push(`| ${op} | ops/s | server CPU ms/op | cost of the feature (throughput) | goal <= ${GOAL}% |`, '|---|---:|---:|---:|---|');
    for (const v of VARIANTS) {
      const cost = v === 'all' ? null : (1 - ops('all') / ops(v)) * 100;
      lines.push(`| ${LABEL[v]} | ${ops(v).toFixed(0)} | ${cpu(v).toFixed(2)} | ${cost === null ? '' : `${cost.toFixed(1)}%`} | ${cost === null ? '' : cost <= GOAL ? 'met' : 'not met'} |`);
    }
    lines.push('');
  }
  process.stdout.write(lines.join('\n') + '\n');
}

await main();
