/**
 * `npm run bench [-- --quick]`: runs every benchmark in one go on this machine, each side by side
 * with its peer or physical limit, and writes Markdown + JSON to bench-results/ (git-ignored).
 * Component benchmarks run as child processes so one's memory does not colour another's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { benchLargeObject, largeObjectTable } from './s3-large-object.js';

const ROOT = resolve(import.meta.dirname, '..');
const quick = process.argv.includes('--quick');
const outDir = join(ROOT, 'bench-results');

const COMPONENTS: Array<{ name: string; script: string; args: string[] }> = [
  { name: 'checksums', script: 'bench/checksums.ts', args: [quick ? '64' : '256'] },
  { name: 'crypto-stream', script: 'bench/crypto-stream.ts', args: quick ? ['--quick'] : [] },
  { name: 'sigv4', script: 'bench/sigv4.ts', args: quick ? ['--quick'] : [] },
  { name: 'discovery-engine', script: 'bench/discovery-engine.ts', args: quick ? ['--quick'] : [] },
  { name: 'discovery-scan', script: 'bench/discovery-scan.ts', args: quick ? ['--quick'] : [] },
];

async function main(): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const sections: string[] = [`# Coffer benchmarks (${quick ? 'quick' : 'full'}) — ${new Date().toISOString()}`, '', `Node ${process.version}, ${process.platform}/${process.arch}`, ''];
  const json: Record<string, unknown> = { quick, node: process.version, at: new Date().toISOString() };
  for (const c of COMPONENTS) {
    if (!existsSync(join(ROOT, c.script))) continue;
    process.stderr.write(`== ${c.name}\n`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', c.script, ...c.args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 15 * 60_000 });
    sections.push(`## ${c.name}`, '', r.stdout.trim() || `(failed with status ${r.status})`, '');
    json[c.name] = { status: r.status, output: r.stdout };
    process.stdout.write(r.stdout);
  }
  process.stderr.write('== large object\n');
  const large = await benchLargeObject({ quick });
  const table = largeObjectTable(large);
  process.stdout.write(table + '\n');
  sections.push('## large object', '', table);
  json['largeObject'] = large;
  await writeFile(join(outDir, 'results.md'), sections.join('\n'));
  await writeFile(join(outDir, 'results.json'), JSON.stringify(json, null, 2));
  process.stderr.write(`results in ${outDir}/results.{md,json}\n`);
}

await main();
