/**
 * `npm run bench [-- --quick] [-- --only load,sigv4,iam-decision,...]`: runs every benchmark in one go on this
 * machine, each side by side with its peer or physical limit, and writes Markdown + JSON (and the
 * load suite's SVG chart) to bench-results/ (git-ignored). Component benchmarks run as child
 * processes so one's memory does not colour another's. Load-suite options: bench/load/options.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchLargeObject, largeObjectTable, type LargeObjectResult } from './s3-large-object.js';
import { markdownReport, parseSuiteOptions, runSuite, throughputChart } from './load/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const argv = process.argv.slice(2);
const { values } = parseArgs({ args: argv, strict: false, options: { quick: { type: 'boolean' }, only: { type: 'string' } } });
const quick = values.quick === true;
const only = typeof values.only === 'string' ? new Set(values.only.split(',').map((s) => s.trim())) : null;
const wanted = (name: string) => only === null || only.has(name);
const outDir = join(ROOT, 'bench-results');

const COMPONENTS: Array<{ name: string; script: string; args: string[] }> = [
  { name: 'checksums', script: 'bench/checksums.ts', args: [quick ? '64' : '256'] },
  { name: 'crypto-stream', script: 'bench/crypto-stream.ts', args: quick ? ['--mib', '64'] : [] },
  { name: 'sigv4', script: 'bench/sigv4.ts', args: quick ? ['--quick'] : [] },
  { name: 'discovery-engine', script: 'bench/discovery-engine.ts', args: quick ? ['--quick'] : [] },
  { name: 'discovery-scan', script: 'bench/discovery-scan.ts', args: quick ? ['--quick'] : [] },
  // IAM policy decision time (10 attached policies x 10 statements) against the 20 µs median goal.
  { name: 'iam-decision', script: 'src/iam/policy/benchmark.ts', args: quick ? ['--quick'] : [] },
  // Small-object PUT throughput with durable auditing on vs off (benchmark-only switch), against the 15% goal.
  { name: 'feature-cost', script: 'bench/feature-cost.ts', args: quick ? ['--quick'] : [] },
  // Small-object PUT/GET with SSE-S3, SSE-KMS and SSE-KMS + Bucket Keys, and the per-object key seal/open time of each.
  { name: 'sse-kms', script: 'bench/sse-kms.ts', args: quick ? ['--quick'] : [] },
];

async function main(): Promise<void> {
  const started = performance.now();
  await mkdir(outDir, { recursive: true });
  const sections: string[] = [`# Coffer benchmarks (${quick ? 'quick' : 'full'}) — ${new Date().toISOString()}`, '', `Node ${process.version}, ${process.platform}/${process.arch}`, ''];
  const json: Record<string, unknown> = { quick, node: process.version, at: new Date().toISOString() };
  for (const c of COMPONENTS) {
    if (!wanted(c.name) || !existsSync(join(ROOT, c.script))) continue;
    process.stderr.write(`== ${c.name}\n`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', c.script, ...c.args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 15 * 60_000 });
    sections.push(`## ${c.name}`, '', r.stdout.trim() || `(failed with status ${r.status})`, '');
    json[c.name] = { status: r.status, output: r.stdout };
    process.stdout.write(r.stdout);
  }
  let large: LargeObjectResult | undefined;
  if (wanted('large-object')) {
    process.stderr.write('== large object\n');
    large = await benchLargeObject({ quick });
    const table = largeObjectTable(large);
    process.stdout.write(table + '\n');
    sections.push('## large object', '', table);
    json['largeObject'] = large;
  }
  if (wanted('load')) {
    process.stderr.write('== load (side by side)\n');
    const suite = await runSuite(parseSuiteOptions(argv));
    const md = markdownReport(suite, large ? { largeObject: large } : {});
    process.stdout.write(md + '\n');
    sections.push('## load', '', md, '', '![throughput by object size](load.svg)', '');
    json['load'] = suite;
    await writeFile(join(outDir, 'load.svg'), throughputChart(suite.results, `Coffer load suite (${quick ? 'quick' : 'full'}), ${suite.environment.at}`));
  }
  const minutes = (performance.now() - started) / 60_000;
  sections.push('', `Total ${minutes.toFixed(1)} min.`);
  json['minutes'] = minutes;
  await writeFile(join(outDir, 'results.md'), sections.join('\n'));
  await writeFile(join(outDir, 'results.json'), JSON.stringify(json, null, 2));
  process.stderr.write(`results in ${outDir}/results.{md,json} and load.svg (${minutes.toFixed(1)} min)\n`);
}

await main();
