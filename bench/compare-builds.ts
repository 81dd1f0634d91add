/**
 * Before/after: small-object PUT and GET through two builds of Coffer side by side in one run,
 * e.g. the revision before a change against the working tree.
 *
 *   git archive <rev> src bench | tar -x -C /tmp/base
 *   node --import tsx bench/compare-builds.ts --base /tmp/base [--current DIR] [--size 4096]
 *        [--concurrency 16] [--seconds 5] [--rounds 5]
 * (--current defaults to this working tree)
 *
 * Both builds are bundled (bench/coffer-process.ts) and started on copies of one data directory
 * (TLS, encryption, audit on, as `coffer server`); each round runs PUT then GET on both, the
 * order alternating; each row is the median round, with server CPU per operation (the figure
 * least disturbed by neighbours on a shared machine).
 */
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleSources, initTemplate, startBenchCoffer, type BenchCoffer } from './coffer-process.js';
import { createRawClient } from './load/raw-client.js';
import { prepareObjects, runLoad } from './load/runner.js';
import type { LoadResult } from './load/types.js';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: { base: { type: 'string' }, current: { type: 'string' }, size: { type: 'string' }, concurrency: { type: 'string' }, seconds: { type: 'string' }, rounds: { type: 'string' } },
});
if (!values.base) throw new Error('usage: compare-builds.ts --base DIR (a tree with the older src/)');
const size = Number(values.size ?? 4096);
const concurrency = Number(values.concurrency ?? 16);
const seconds = Number(values.seconds ?? 5);
const rounds = Number(values.rounds ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Build {
  name: 'base' | 'current';
  coffer: BenchCoffer;
  client: ReturnType<typeof createRawClient>;
}

async function main(): Promise<void> {
  const out = join(ROOT, 'bench-results', '.compare');
  const bundles = { base: await bundleSources(resolve(values.base!), join(out, 'base')), current: await bundleSources(resolve(values.current ?? ROOT), join(out, 'current')) };
  const template = await initTemplate();
  const builds: Build[] = [];
  try {
    for (const name of ['base', 'current'] as const) {
      const coffer = await startBenchCoffer({ template, bundle: bundles[name] });
      const client = createRawClient({ endpoint: coffer.endpoint, ca: coffer.ca, credentials: { accessKeyId: coffer.accessKeyId, secretAccessKey: coffer.secretAccessKey } }, { concurrency });
      builds.push({ name, coffer, client });
      await client.createBucket('bench');
    }
    const payload = Buffer.alloc(size, 0x61);
    const results = new Map<string, LoadResult[]>();
    let run = 0;
    const one = async (b: Build, op: 'PUT' | 'GET', pool?: string[]) => {
      const r = await runLoad({ system: b.name, client: b.client, op, size, concurrency, durationMs: seconds * 1000, bucket: 'bench', payload, runId: `r${run++}`, serverPid: b.coffer.process.pid!, ...(pool ? { pool } : {}) });
      if (r.errors > 0) process.stderr.write(`${b.name} ${op}: ${r.errors} errors: ${r.firstError ?? ''}\n`);
      process.stderr.write(`  ${op} ${b.name.padEnd(8)} ${r.opsPerSec.toFixed(0).padStart(6)} ops/s  CPU ${r.server?.cpuMsPerOp.toFixed(2)} ms/op\n`);
      results.set(`${b.name}:${op}`, [...(results.get(`${b.name}:${op}`) ?? []), r]);
    };
    const pools = new Map<string, string[]>();
    for (const b of builds) {
      await runLoad({ system: b.name, client: b.client, op: 'PUT', size, concurrency, durationMs: 1000, bucket: 'bench', payload, runId: 'warm' });
      pools.set(b.name, await prepareObjects(b.client, 'bench', 'pool/', size, concurrency * 4, concurrency, payload));
    }
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? builds : [...builds].reverse();
      for (const op of ['PUT', 'GET'] as const) for (const b of order) await one(b, op, op === 'GET' ? pools.get(b.name) : undefined);
    }
    const lines = [
      `${size} B objects, ${concurrency} clients, ${seconds} s x ${rounds} rounds (median round), TLS + encryption + audit on, base = ${values.base}, current = ${values.current ?? 'working tree'}:`,
      '',
      '| op | build | ops/s | p50 ms | p99 ms | server CPU ms/op | current / base ops/s |',
      '|---|---|---:|---:|---:|---:|---:|',
    ];
    for (const op of ['PUT', 'GET'] as const) {
      const med = (name: string) => {
        const rs = results.get(`${name}:${op}`) ?? [];
        return { ops: median(rs.map((x) => x.opsPerSec)), p50: median(rs.map((x) => x.latency.p50)), p99: median(rs.map((x) => x.latency.p99)), cpu: median(rs.map((x) => x.server?.cpuMsPerOp ?? NaN)) };
      };
      const base = med('base');
      for (const name of ['base', 'current']) {
        const m = med(name);
        lines.push(`| ${op} | ${name} | ${m.ops.toFixed(0)} | ${m.p50.toFixed(1)} | ${m.p99.toFixed(1)} | ${m.cpu.toFixed(2)} | ${name === 'current' ? (m.ops / base.ops).toFixed(2) : ''} |`);
      }
    }
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    for (const b of builds) {
      b.client.close();
      await b.coffer.dispose();
    }
    await rm(template.dir, { recursive: true, force: true });
  }
}

await main();
