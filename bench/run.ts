/**
 * `npm run bench [-- --quick] [-- --only load,sigv4,iam-decision,...]`: runs every benchmark in one go on this
 * machine, each side by side with its peer or physical limit, and writes Markdown + JSON (and the
 * load suite's SVG chart) to bench-results/ (git-ignored). Component benchmarks run as child
 * processes so one's memory does not colour another's. Load-suite options: bench/load/options.ts.
 * Exits 1 when the harness broke (CI smoke check): a component that did not exit 0, a system
 * dropped from the load suite, a measurement that completed no operation; no figure is asserted.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchLargeObject, largeObjectTable, type LargeObjectResult } from './s3-large-object.js';
import { markdownReport, parseSuiteOptions, runSuite, throughputChart } from './load/index.js';
import { benchBundle, BUNDLE_FRESH_ENV } from './coffer-process.js';

const ROOT = resolve(import.meta.dirname, '..');
const argv = process.argv.slice(2);
const { values } = parseArgs({ args: argv, strict: false, options: { quick: { type: 'boolean' }, only: { type: 'string' } } });
const quick = values.quick === true;
const only = typeof values.only === 'string' ? new Set(values.only.split(',').map((s) => s.trim())) : null;
const wanted = (name: string) => only === null || only.has(name);
const outDir = join(ROOT, 'bench-results');
/** A quick (CI smoke) run writes results-quick.* and load-quick.svg, so it never overwrites a full run's results. */
const suffix = quick ? '-quick' : '';

const COMPONENTS: Array<{ name: string; script: string; args: string[] }> = [
  { name: 'checksums', script: 'bench/checksums.ts', args: [quick ? '16' : '256'] },
  { name: 'crypto-stream', script: 'bench/crypto-stream.ts', args: quick ? ['--mib', '16'] : [] },
  { name: 'sigv4', script: 'bench/sigv4.ts', args: quick ? ['--quick'] : [] },
  { name: 'discovery-engine', script: 'bench/discovery-engine.ts', args: quick ? ['--quick'] : [] },
  { name: 'discovery-scan', script: 'bench/discovery-scan.ts', args: quick ? ['--quick'] : [] },
  // IAM policy decision time (10 attached policies x 10 statements) against the issue's 20 µs median goal.
  { name: 'iam-decision', script: 'src/iam/policy/benchmark.ts', args: quick ? ['--quick'] : [] },
  // Small-object PUT throughput with durable auditing on vs off (benchmark-only switch), against the issue's 15% goal.
  { name: 'feature-cost', script: 'bench/feature-cost.ts', args: quick ? ['--quick'] : [] },
  // Small-object PUT/GET with SSE-S3, SSE-KMS and SSE-KMS + Bucket Keys, and the per-object key seal/open time of each.
  { name: 'sse-kms', script: 'bench/sse-kms.ts', args: quick ? ['--quick'] : [] },
  // Discovery on write end to end: PUT -> finding latency (idle, serving reads) and the PUT throughput cost at the full CPU budget.
  { name: 'discovery-latency', script: 'bench/discovery-latency.ts', args: quick ? ['--quick', '--objects', '3', '--seconds', '0.5'] : [] },
];

/** CPU seconds of this process and its waited-for children (/proc/self/stat utime+stime+cutime+cstime); NaN off Linux. */
function cpuSecondsWithChildren(): number {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
    // After the command name: state is field 3, so utime..cstime (fields 14-17) are at 11-14.
    return fields.slice(11, 15).reduce((a, f) => a + Number(f), 0) / 100;
  } catch {
    return NaN;
  }
}

/** Wall and CPU time of each part, printed as it ends (the quick run must stay under two minutes). */
const timings: Array<{ part: string; seconds: number; cpuSeconds: number }> = [];
async function timed<T>(part: string, fn: () => T | Promise<T>): Promise<T> {
  process.stderr.write(`== ${part}\n`);
  const t0 = performance.now();
  const c0 = cpuSecondsWithChildren();
  try {
    return await fn();
  } finally {
    const t = { part, seconds: (performance.now() - t0) / 1000, cpuSeconds: cpuSecondsWithChildren() - c0 };
    timings.push(t);
    process.stderr.write(`   ${part}: ${t.seconds.toFixed(1)} s wall, ${t.cpuSeconds.toFixed(1)} s CPU\n`);
  }
}

/** What broke (a component that did not exit 0, a system dropped, a measurement without one operation): CI fails on any. */
const broken: string[] = [];

async function main(): Promise<void> {
  const started = performance.now();
  await mkdir(outDir, { recursive: true });
  // Every Coffer server of this run (here and in the components) runs from one bundle of the sources.
  await timed('bundle', () => benchBundle());
  process.env[BUNDLE_FRESH_ENV] = '1';
  const sections: string[] = [`# Coffer benchmarks (${quick ? 'quick' : 'full'}) — ${new Date().toISOString()}`, '', `Node ${process.version}, ${process.platform}/${process.arch}`, ''];
  const json: Record<string, unknown> = { quick, node: process.version, at: new Date().toISOString() };
  for (const c of COMPONENTS) {
    if (!wanted(c.name) || !existsSync(join(ROOT, c.script))) continue;
    const r = await timed(c.name, () => spawnSync(process.execPath, ['--import', 'tsx', c.script, ...c.args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 15 * 60_000 }));
    if (r.status !== 0) broken.push(`${c.name} exited with ${r.status ?? r.signal ?? r.error?.message}`);
    sections.push(`## ${c.name}`, '', r.stdout.trim() || `(failed with status ${r.status})`, '');
    json[c.name] = { status: r.status, output: r.stdout };
    process.stdout.write(r.stdout);
  }
  let large: LargeObjectResult | undefined;
  if (wanted('large-object')) {
    large = await timed('large-object', () => benchLargeObject({ quick }));
    const table = largeObjectTable(large);
    process.stdout.write(table + '\n');
    sections.push('## large object', '', table);
    json['largeObject'] = large;
  }
  if (wanted('load')) {
    const suite = await timed('load', () => runSuite(parseSuiteOptions(argv)));
    const md = markdownReport(suite, large ? { largeObject: large } : {});
    process.stdout.write(md + '\n');
    sections.push('## load', '', md, '', `![throughput by object size](load${suffix}.svg)`, '');
    json['load'] = suite;
    for (const f of suite.failures) broken.push(`load: ${f.system} failed at ${f.op} ${f.size} B: ${f.error.slice(0, 200)}`);
    for (const r of [...suite.results, ...suite.sdkComparison]) if (r.ops === 0) broken.push(`load: ${r.op} ${r.size} B on ${r.system} completed no operation (${r.firstError ?? 'no error'})`);
    await writeFile(join(outDir, `load${suffix}.svg`), throughputChart(suite.results, `Coffer load suite (${quick ? 'quick' : 'full'}), ${suite.environment.at}`));
  }
  const minutes = (performance.now() - started) / 60_000;
  sections.push('', `Total ${minutes.toFixed(1)} min.`);
  json['minutes'] = minutes;
  json['broken'] = broken;
  json['timings'] = timings;
  sections.push('', '| part | wall s | CPU s (with children) |', '|---|---:|---:|', ...timings.map((t) => `| ${t.part} | ${t.seconds.toFixed(1)} | ${t.cpuSeconds.toFixed(1)} |`));
  if (broken.length > 0) sections.push('', '**The harness broke:**', '', ...broken.map((b) => `- ${b}`));
  await writeFile(join(outDir, `results${suffix}.md`), sections.join('\n'));
  await writeFile(join(outDir, `results${suffix}.json`), JSON.stringify(json, null, 2));
  process.stderr.write(`results in ${outDir}/results${suffix}.{md,json} and load${suffix}.svg (${minutes.toFixed(1)} min)\n`);
  if (broken.length > 0) {
    process.stderr.write(`the benchmark harness broke:\n${broken.map((b) => `  ${b}`).join('\n')}\n`);
    process.exitCode = 1;
  }
}

await main();
