/**
 * End-to-end scan throughput of `coffer scan`'s pipeline (format reader + engine with every managed
 * identifier + Macie-shaped findings), in MB/s per core (1 MB = 10^6 bytes, CPU time of this
 * process), on generated plain text, CSV and JSON with a realistic density of sensitive values,
 * side by side with ripgrep searching the same files for an equivalent pattern set in one thread
 * (`rg -c -j1 -f patterns.txt FILE`; rg CPU time from bash's `time`).
 *
 *   node --import tsx bench/discovery-scan.ts [--quick] [--mib N] [--runs N]
 *
 * The machine may be shared: each file is measured `--runs` times (reader, scan and ripgrep
 * alternating, so a burst of load hits all three) and the medians and the scan/ripgrep ratio
 * are reported. Prints a Markdown table and writes bench-results/discovery-scan.json (git-ignored).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { runScan } from '../src/discovery/cli/run-scan.js';
import { createProgress } from '../src/discovery/cli/progress.js';
import type { ScanObject } from '../src/discovery/cli/scan-object.js';
import { managedDetectors } from '../src/discovery/detectors/index.js';
import { createScanner } from '../src/discovery/engine/scanner.js';
import { readUnitBatches } from '../src/discovery/formats/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const quick = process.argv.includes('--quick');
const mibArg = process.argv.indexOf('--mib');
const MIB = mibArg > 0 ? Number(process.argv[mibArg + 1]) : quick ? 1 : 32;
const TARGET = MIB * 1024 * 1024;
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : quick ? 1 : 3;
const median = (xs: readonly number[]): number => {
  const a = [...xs].sort((x, y) => x - y);
  return a.length === 0 ? NaN : a.length % 2 === 1 ? a[(a.length - 1) / 2]! : (a[a.length / 2 - 1]! + a[a.length / 2]!) / 2;
};

// ------------------------------------------------------------------ deterministic generator

let seed = 0x2545f491;
const rnd = (): number => {
  // xorshift32: reproducible data, so runs compare
  seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0;
  return seed / 0x1_0000_0000;
};
const int = (n: number): number => Math.floor(rnd() * n);
const pick = <T>(a: readonly T[]): T => a[int(a.length)]!;
const digits = (n: number): string => Array.from({ length: n }, () => String(int(10))).join('');

const WORDS = ('the of and to in is was for on that with as by at from this be are have it an which or were not but had has ' +
  'their all been one more its also can other new after first two may only some time would into over most people ' +
  'report system order shipment invoice account team project meeting update release service customer support ' +
  'request review quarter revenue network server deploy backup storage policy access region budget contract').split(' ');
const FIRST = ['James', 'Mary', 'Wei', 'Aisha', 'Carlos', 'Olga', 'Liam', 'Sofia', 'Kenji', 'Fatima', 'Noah', 'Elena'];
const LAST = ['Smith', 'Garcia', 'Chen', 'Okafor', 'Novak', 'Muller', 'Rossi', 'Tanaka', 'Dubois', 'Kowalski'];
const CITIES = ['Springfield', 'Portland', 'Austin', 'Leeds', 'Lyon', 'Turin', 'Osaka', 'Porto', 'Gdansk', 'Dublin'];
const DOMAINS = ['example.com', 'mail.example.org', 'corp.example.net', 'gmail.com', 'outlook.com'];

function luhnComplete(prefix: string, length: number): string {
  let body = prefix + digits(length - prefix.length - 1);
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  body += String((10 - (sum % 10)) % 10);
  return body;
}
const card = (): string => {
  const n = luhnComplete(pick(['4', '51', '55', '37', '6011']), 16);
  return rnd() < 0.5 ? n.replace(/(\d{4})(?=\d)/g, '$1 ') : n;
};
function mod97(s: string): number {
  let r = 0;
  for (const ch of s) r = (r * (ch >= 'A' ? 100 : 10) + (ch >= 'A' ? ch.charCodeAt(0) - 55 : Number(ch))) % 97;
  return r;
}
const iban = (): string => {
  const bban = digits(18);
  const check = String(98 - mod97(`${bban}DE00`)).padStart(2, '0');
  return `DE${check}${bban}`;
};
const ssn = (): string => `${String(100 + int(500)).padStart(3, '0')}-${String(10 + int(89))}-${String(1000 + int(8999))}`;
const email = (f: string, l: string): string => `${f.toLowerCase()}.${l.toLowerCase()}${int(100)}@${pick(DOMAINS)}`;
const phone = (): string => `+1 ${pick(['212', '415', '617', '312', '206'])} ${200 + int(700)} ${digits(4)}`;
const ipv4 = (): string => `${10 + int(200)}.${int(256)}.${int(256)}.${1 + int(254)}`;
const awsKeyId = (): string => `AKIA${Array.from({ length: 16 }, () => pick([...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'])).join('')}`;
const sentence = (n: number): string => Array.from({ length: n }, () => pick(WORDS)).join(' ');

/** About 1 line in 40 carries a sensitive value, with its usual context word. */
export function textLine(): string {
  const base = sentence(8 + int(10));
  if (rnd() > 0.025) return `${base[0]!.toUpperCase()}${base.slice(1)}.`;
  const f = pick(FIRST); const l = pick(LAST);
  return pick([
    () => `${base}, contact ${f} ${l} at ${email(f, l)}.`,
    () => `Payment by credit card ${card()} was approved for ${base}.`,
    () => `Employee ${f} ${l}, SSN: ${ssn()}, joined the ${pick(WORDS)} team.`,
    () => `Wire to IBAN ${iban()} for ${base}.`,
    () => `Call ${f} on phone ${phone()} about ${base}.`,
    () => `Connection from ${ipv4()} rejected by ${pick(WORDS)} policy.`,
    () => `aws_access_key_id = ${awsKeyId()}`,
  ])();
}

/** A customer export: every row has an e-mail and a phone number; 2% of notes quote a card. */
export function csvRow(i: number): string {
  const f = pick(FIRST); const l = pick(LAST);
  const note = rnd() < 0.02 ? `paid with card ${card()}` : sentence(3 + int(5));
  return `${i},${f},${l},${email(f, l)},${phone()},${pick(CITIES)},ORD-${digits(8)},${(int(100000) / 100).toFixed(2)},2024-0${1 + int(9)}-1${int(10)}T10:${10 + int(49)}:00Z,${note}`;
}

export function jsonRecord(i: number): string {
  const f = pick(FIRST); const l = pick(LAST);
  return JSON.stringify({
    id: i,
    name: { first: f, last: l },
    contact: { email: email(f, l), phone: phone() },
    address: { city: pick(CITIES), zip: digits(5) },
    orders: [{ id: `ORD-${digits(8)}`, amount: int(100000) / 100, at: `2024-0${1 + int(9)}-1${int(10)}` }],
    ...(rnd() < 0.02 ? { payment: { card_number: card() } } : {}),
    ...(rnd() < 0.01 ? { bank: { iban: iban() } } : {}),
    notes: sentence(4 + int(8)),
  });
}

export async function generate(path: string, header: string, first: string, sep: string, last: string, item: (i: number) => string): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  const put = async (s: string): Promise<void> => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  await put(header + first);
  for (let i = 1; bytes < TARGET; i++) await put((i > 1 ? sep : '') + item(i));
  await put(last);
  out.end();
  await once(out, 'finish');
  return (await stat(path)).size;
}

// ------------------------------------------------------------------ ripgrep pattern set

/**
 * The managed identifiers' shapes as plain regexes (no validation: rg has no checksums). No inline
 * `(?i)`: rg joins the lines of -f into one alternation, where the flag would leak into later lines.
 */
const RG_PATTERNS = [
  String.raw`\b(?:\d[ -]?){12,18}\d\b`, // payment card candidates
  String.raw`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`, // e-mail
  String.raw`\b\d{3}-\d{2}-\d{4}\b`, // US SSN
  String.raw`\b[A-Z]{2}\d{2}[A-Z0-9]{11,30}\b`, // IBAN
  String.raw`\+?\d{1,3}[ .-]?\(?\d{3}\)?[ .-]?\d{3}[ .-]?\d{4}\b`, // phone
  String.raw`\b(?:\d{1,3}\.){3}\d{1,3}\b`, // IPv4
  String.raw`\b(?:AKIA|ASIA|AROA|AIDA)[A-Z2-7]{16}\b`, // AWS access key id
  String.raw`(?:aws|AWS|Aws).{0,20}['"]?[A-Za-z0-9/+=]{40}\b`, // AWS secret near keyword
  String.raw`-----BEGIN [A-Z ]*PRIVATE KEY-----`, // private keys
  String.raw`\bgh[pousr]_[A-Za-z0-9]{36}\b`, // GitHub
  String.raw`\bglpat-[A-Za-z0-9_-]{20}\b`, // GitLab
  String.raw`\bxox[baprs]-[A-Za-z0-9-]{10,}\b`, // Slack
  String.raw`\b[sr]k_live_[A-Za-z0-9]{24,}\b`, // Stripe
  String.raw`\bAIza[A-Za-z0-9_-]{35}\b`, // Google API key
  String.raw`\beyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+`, // JWT
  String.raw`[a-z]+://[^/\s:@]+:[^/\s:@]+@`, // basic auth in URL
  String.raw`(?:password|passwd|pwd|PASSWORD|Password)\s*[:=]\s*\S+`, // password in config
  String.raw`\b[A-Z]{6}[A-Z2-9][A-NP-Z0-9](?:[A-Z0-9]{3})?\b`, // SWIFT/BIC
  String.raw`\b\d{9}\b`, // ABA routing / NPI-like numbers
  String.raw`\b[A-CEGHJ-PR-TW-Z]{2}\d{6}[A-D]\b`, // UK NINO
  String.raw`\b\d{3}[ -]?\d{3}[ -]?\d{4}\b`, // NHS / SIN-like numbers
];

// ------------------------------------------------------------------ measurement

const cpuSeconds = (since: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};

function fileObject(path: string, size: number): ScanObject {
  return { name: path, uri: path, uriIsRelative: false, size, open: () => createReadStream(path, { highWaterMark: 256 * 1024 }) };
}

interface Row {
  format: string; bytes: number; readMBps: number; scanMBps: number; occurrences: number; rgMBps: number | null; rgLines: number | null; wallScanS: number;
  /** Every run's figures (the row holds their medians). */
  runs: Array<{ readMBps: number; scanMBps: number; rgMBps: number | null }>;
}

async function measureOnce(path: string, size: number, patternsFile: string): Promise<{ readMBps: number; scanMBps: number; occurrences: number; rgMBps: number | null; rgLines: number | null; wallScanS: number }> {
  const scanner = createScanner({ detectors: managedDetectors(), hashKey: randomBytes(32) });
  // Format reader alone, through the batch interface `coffer scan` reads with: the floor under the scan.
  let t = process.cpuUsage();
  for await (const batch of readUnitBatches(createReadStream(path, { highWaterMark: 256 * 1024 }), { filename: path })) void batch;
  const readMBps = size / 1e6 / cpuSeconds(t);
  // The whole pipeline, as `coffer scan` runs it.
  const wall = performance.now();
  t = process.cpuUsage();
  const report = await runScan([fileObject(path, size)], { scanner, progress: createProgress({ isTTY: false } as NodeJS.WriteStream) });
  const scanMBps = size / 1e6 / cpuSeconds(t);
  const wallScanS = (performance.now() - wall) / 1000;
  let rgMBps: number | null = null;
  let rgLines: number | null = null;
  const rg = spawnSync('bash', ['-c', `TIMEFORMAT='%3U %3S'; time rg -c -j1 -f "$1" "$2"`, 'bash', patternsFile, path], { encoding: 'utf8' });
  if (rg.error === undefined && (rg.status === 0 || rg.status === 1)) {
    const times = rg.stderr.trim().split('\n').pop()!.split(' ').map(Number);
    rgMBps = size / 1e6 / ((times[0] ?? 0) + (times[1] ?? 0) || 1e-3);
    rgLines = Number(rg.stdout.trim() || 0);
  }
  return { readMBps, scanMBps, occurrences: report.summary.occurrences, rgMBps, rgLines, wallScanS };
}

async function measure(format: string, path: string, size: number, patternsFile: string): Promise<Row> {
  const runs: Row['runs'] = [];
  let last: Awaited<ReturnType<typeof measureOnce>> | undefined;
  const walls: number[] = [];
  // One unrecorded pass first: V8 needs several MB of scanning to optimize every reader, detector
  // and regex, and the first measured run would otherwise be mostly warm-up.
  if (!quick) await runScan([fileObject(path, size)], { scanner: createScanner({ detectors: managedDetectors(), hashKey: randomBytes(32) }), progress: createProgress({ isTTY: false } as NodeJS.WriteStream) });
  for (let i = 0; i < RUNS; i++) {
    last = await measureOnce(path, size, patternsFile);
    runs.push({ readMBps: last.readMBps, scanMBps: last.scanMBps, rgMBps: last.rgMBps });
    walls.push(last.wallScanS);
  }
  const rgs = runs.flatMap((r) => (r.rgMBps === null ? [] : [r.rgMBps]));
  return {
    format, bytes: size, readMBps: median(runs.map((r) => r.readMBps)), scanMBps: median(runs.map((r) => r.scanMBps)),
    occurrences: last!.occurrences, rgMBps: rgs.length > 0 ? median(rgs) : null, rgLines: last!.rgLines, wallScanS: median(walls), runs,
  };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'coffer-bench-scan-'));
  try {
    const patternsFile = join(dir, 'patterns.txt');
    await writeFile(patternsFile, RG_PATTERNS.join('\n') + '\n');
    const files = [
      { format: 'text', path: join(dir, 'notes.txt'), gen: (p: string) => generate(p, '', '', '\n', '\n', () => textLine()) },
      { format: 'csv', path: join(dir, 'customers.csv'), gen: (p: string) => generate(p, 'id,first_name,last_name,email,phone,city,order_id,amount,created_at,note\n', '', '\n', '\n', csvRow) },
      { format: 'json', path: join(dir, 'customers.json'), gen: (p: string) => generate(p, '', '[\n', ',\n', '\n]\n', jsonRecord) },
    ];
    const rows: Row[] = [];
    for (const f of files) {
      const size = await f.gen(f.path);
      process.stderr.write(`discovery-scan: ${f.format} ${(size / 1e6).toFixed(1)} MB generated, scanning\n`);
      rows.push(await measure(f.format, f.path, size, patternsFile));
    }
    const rgVersion = spawnSync('rg', ['--version'], { encoding: 'utf8' }).stdout?.split('\n')[0] ?? 'not installed';
    const fmt = (n: number | null): string => (n === null ? 'n/a' : n.toFixed(1));
    const lines = [
      `Discovery scan (format reader + engine + findings, as \`coffer scan\`), ${MIB} MiB per format, all ${managedDetectors().length} managed detectors, median of ${RUNS} runs alternating with ripgrep, node ${process.version}, ${rgVersion}; MB/s per core (CPU time)`,
      '',
      '| format | size (MB) | reader only | coffer scan | occurrences | ripgrep -j1 (same files, ' + RG_PATTERNS.length + ' patterns) | rg matching lines | scan / rg |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
      ...rows.map((r) => `| ${r.format} | ${(r.bytes / 1e6).toFixed(1)} | ${fmt(r.readMBps)} | ${fmt(r.scanMBps)} | ${r.occurrences} | ${fmt(r.rgMBps)} | ${r.rgLines ?? 'n/a'} | ${r.rgMBps ? `${((r.scanMBps / r.rgMBps) * 100).toFixed(1)}%` : 'n/a'} |`),
    ];
    console.log(lines.join('\n'));
    const outDir = join(ROOT, 'bench-results');
    await mkdir(outDir, { recursive: true });
    await writeFile(join(outDir, 'discovery-scan.json'), JSON.stringify({
      at: new Date().toISOString(), node: process.version, ripgrep: rgVersion, mibPerFormat: MIB,
      detectors: managedDetectors().length, rgPatterns: RG_PATTERNS, rows,
    }, null, 2));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// Run when executed (bench/run.ts), not when imported by a profiling script.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
