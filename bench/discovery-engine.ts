/**
 * Engine throughput (scanner only, no format parsing) with every managed identifier enabled, in
 * MB/s per core (1 MB = 10^6 bytes of UTF-8 text; CPU time of this single-threaded process), on
 * generated plain text, CSV cells and JSON values with a realistic density of sensitive values,
 * side by side with ripgrep searching the same bytes for an equivalent pattern set in one thread
 * (`rg -c -j1 -f patterns.txt FILE`, CPU time from bash's `time`).
 *
 *   node --import tsx bench/discovery-engine.ts [--quick] [--mib N] [--runs N]
 *
 * Text is scanned in units of the text reader's size (scanUnit, DEFAULT_LIMITS.maxUnitChars);
 * CSV cells and JSON leaf values in batches of units of `coffer scan`'s size (scanUnits, 64K
 * chars), which is how the format readers hand them over. The machine may be shared: each
 * format is measured `--runs` times, engine and ripgrep alternating, and the medians and the
 * engine/ripgrep ratio are reported.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { managedDetectors } from '../src/discovery/detectors/index.js';
import { createScanner } from '../src/discovery/engine/scanner.js';
import type { TextUnit } from '../src/discovery/types.js';
import { LOOK_ALIKES } from '../src/discovery/eval/corpus.js';
import { createRng, type Rng } from '../src/discovery/eval/rng.js';
import { valueSpecs } from '../src/discovery/eval/values.js';
import { DEFAULT_LIMITS } from '../src/discovery/formats/types.js';

const quick = process.argv.includes('--quick');
const mibArg = process.argv.indexOf('--mib');
const MIB = mibArg > 0 ? Number(process.argv[mibArg + 1]) : quick ? 1 : 32;
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : quick ? 1 : 3;
/** Text unit size of the text reader; CSV / JSON batch size of `coffer scan` (cli/run-scan.ts). */
const TEXT_UNIT = DEFAULT_LIMITS.maxUnitChars;
const BATCH = 64 * 1024;
/** Chars generated per distinct text / table batch. */
const GEN = 1024 * 1024;
/** Distinct generated batches; the rest of the MIB repeats them (generation is slower than scanning). */
const DISTINCT = Math.min(MIB, 8);

const WORDS = ('the of and to in a is that for it as was with be by on not he this are or his from at which but have an they you were her ' +
  'she there been one all we their has would when if so no will more can out said what up its about into than them only other new some ' +
  'could time these two may first then do any like my now over such our man me even most made after also did many before must through ' +
  'back years where much your way well down should because each just those people how too little state good very make world still own ' +
  'see men work long get here between both life being under never day same another know while last might us great old year off come ' +
  'since against go came right used take three customer invoice order shipment account report meeting review budget project team')
  .split(' ');

function sentence(r: Rng): string {
  const n = r.int(6, 18);
  const w: string[] = [];
  for (let i = 0; i < n; i++) w.push(r.chance(0.04) ? String(r.int(1, 2025)) : r.pick(WORDS));
  const s = w.join(' ');
  return `${s[0]!.toUpperCase()}${s.slice(1)}${r.pick(['.', '.', '.', '?', ','])}`;
}

const specs = valueSpecs().filter((s) => !s.nearCard);

/** One sensitive value with its keyword, or a look-alike. */
function sensitive(r: Rng): string {
  if (r.chance(0.3)) return r.pick(LOOK_ALIKES)[1](r);
  const s = r.pick(specs);
  return `${r.pick(s.keywords)} ${s.valid(r)}`;
}

function textBatch(r: Rng): string {
  const parts: string[] = [];
  let size = 0;
  while (size < GEN) {
    // About one sensitive value or look-alike per 25 lines of prose.
    const line = r.chance(0.04) ? `${sentence(r)} ${sensitive(r)} ${sentence(r)}` : `${sentence(r)} ${sentence(r)}`;
    parts.push(line);
    size += line.length + 1;
  }
  return `${parts.join('\n')}\n`;
}

const COLUMNS = ['id', 'created_at', 'name', 'email', 'phone', 'amount', 'status', 'notes'];
function row(r: Rng): string[] {
  const first = r.pick(['Alice', 'Rahul', 'Jonas', 'Lucia', 'Tom', 'Mei', 'Kwame', 'Giulia']);
  return [
    String(r.int(100000, 999999)),
    `2024-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}T10:${r.int(10, 59)}:00Z`,
    `${first} ${r.pick(['Moreau', 'Mehta', 'Becker', 'Smith', 'Chen'])}`,
    r.chance(0.5) ? `${first.toLowerCase()}.${r.int(1, 999)}@example.com` : '',
    r.chance(0.2) ? `+1 415 ${r.int(200, 989)} ${r.digits(4)}` : '',
    `${r.int(1, 9999)}.${r.digits(2)}`,
    r.pick(['active', 'closed', 'pending']),
    r.chance(0.05) ? sensitive(r) : sentence(r),
  ];
}

/** A generated document: its bytes as a file (for ripgrep) and its units in engine calls. */
export interface Doc { text: string; calls: TextUnit[][] }

/** Groups units into calls of at most BATCH chars, as `coffer scan` does. */
function batched(units: TextUnit[]): TextUnit[][] {
  const calls: TextUnit[][] = [];
  let cur: TextUnit[] = [];
  let chars = 0;
  for (const u of units) {
    cur.push(u);
    chars += u.text.length;
    if (chars >= BATCH) { calls.push(cur); cur = []; chars = 0; }
  }
  if (cur.length > 0) calls.push(cur);
  return calls;
}

export function textDoc(r: Rng): Doc {
  const t = textBatch(r);
  const calls: TextUnit[][] = [];
  for (let i = 0; i < t.length; i += TEXT_UNIT) calls.push([{ text: t.slice(i, i + TEXT_UNIT), location: { kind: 'text', startLine: 1, startColumn: 1, startOffset: i } }]);
  return { text: t, calls };
}

export function csvBatch(r: Rng): Doc {
  const units: TextUnit[] = [];
  const lines: string[] = [COLUMNS.join(',')];
  let size = 0;
  for (let ri = 2; size < GEN; ri++) {
    const cells = row(r);
    cells.forEach((c, ci) => units.push({ text: c, location: { kind: 'cell', row: ri, column: ci + 1, columnName: COLUMNS[ci]! }, contextKeywords: [COLUMNS[ci]!] }));
    const line = cells.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');
    lines.push(line);
    size += line.length + 1;
  }
  return { calls: batched(units), text: `${lines.join('\n')}\n` };
}

export function jsonBatch(r: Rng): Doc {
  const units: TextUnit[] = [];
  const lines: string[] = [];
  let size = 0;
  for (let ri = 0; size < GEN; ri++) {
    const c = row(r);
    const rec = { id: c[0], createdAt: c[1], customer: { name: c[2], email: c[3], phone: c[4] }, order: { amount: c[5], status: c[6] }, notes: c[7] };
    const leaves: Array<[string[], string]> = [[['id'], c[0]!], [['createdAt'], c[1]!], [['customer', 'name'], c[2]!], [['customer', 'email'], c[3]!], [['customer', 'phone'], c[4]!], [['order', 'amount'], c[5]!], [['order', 'status'], c[6]!], [['notes'], c[7]!]];
    for (const [path, v] of leaves) units.push({ text: v, location: { kind: 'record', recordIndex: ri, jsonPath: `$.${path.join('.')}` }, contextKeywords: path });
    const line = JSON.stringify(rec);
    lines.push(line);
    size += line.length + 1;
  }
  return { calls: batched(units), text: `${lines.join('\n')}\n` };
}

/** ripgrep patterns equivalent to the managed identifiers' candidate shapes (Rust regex syntax). */
const RG_PATTERNS = [
  String.raw`\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b`, String.raw`(?i)(?:secret|credential)[^\n]{0,60}[A-Za-z0-9+/]{40}`,
  String.raw`-----BEGIN [A-Z ]*PRIVATE KEY`, String.raw`PuTTY-User-Key-File-[23]`, String.raw`\bgh[pousr]_[A-Za-z0-9]{36}\b`,
  String.raw`\bglpat-[A-Za-z0-9_-]{20}`, String.raw`\bxox[abposre]-[0-9A-Za-z-]{10,}`, String.raw`hooks\.slack\.com/services/`,
  String.raw`\b[sr]k_(?:live|test)_[0-9A-Za-z]{10,}`, String.raw`AIza[0-9A-Za-z_-]{35}`,
  String.raw`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*`, String.raw`(?i)(?:password|passwd|pwd|secret|api_?key)["']?\s*[:=]\s*\S{6,}`,
  String.raw`[a-z][a-z0-9+.-]*://[^\s:@/]+:[^\s@/]+@`, String.raw`(?i)authorization:\s*basic\s+[A-Za-z0-9+/=]{6,}`,
  String.raw`\b(?:\d[ -]?){12,18}\d\b`, String.raw`\b(?:0[1-9]|1[0-2])/\d{2}\b`, String.raw`(?i)\b(?:cvv|cvc|security code)\W{0,3}\d{3,4}\b`,
  String.raw`\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}\b`, String.raw`\b\d{9}\b`, String.raw`\b\d{8,17}\b`, String.raw`(?i)\b(?:swift|bic)\W{0,10}[A-Z]{6}[A-Z0-9]{2}`,
  String.raw`\b\d{3}[- ]\d{2}[- ]\d{4}\b`, String.raw`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`, String.raw`\+?\(?\d[\d ().-]{7,}\d`,
  String.raw`\b(?:\d{1,3}\.){3}\d{1,3}\b`, String.raw`(?:[0-9A-Fa-f]{1,4}:){2,7}[0-9A-Fa-f]{1,4}`, String.raw`-?\d{1,3}\.\d{4,8}`,
  String.raw`\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b`, String.raw`\b\d{3}\.\d{3}\.\d{3}-\d{2}\b`, String.raw`\b\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}\b`,
  String.raw`\b[A-Z]{5}\d{4}[A-Z]\b`, String.raw`\b\d{8}-?[A-Z]\b`, String.raw`\b[XYZ]\d{7}[A-Z]\b`, String.raw`\b[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z]\b`,
  String.raw`\b[1-478] ?\d{2} ?\d{2} ?\d{2} ?\d{3} ?\d{3} ?\d{2}\b`, String.raw`\b[1-9]\d{10}\b`, String.raw`\b[A-Z][A-Z9]\d{7}\b`,
  String.raw`\b[1-9][A-Z][A-Z0-9]\d-?[A-Z][A-Z0-9]\d-?[A-Z]{2}\d{2}\b`, String.raw`\b\d{3} ?\d{3} ?\d{4}\b`, String.raw`\b\d{4} ?\d{4} ?\d{4}\b`,
  String.raw`(?i)(?:birth|dob|bday)\W{0,20}\d{1,4}[-/. ]\d{1,2}[-/. ]\d{2,4}`, String.raw`\b\d{1,6} [A-Z][a-z]+ (?:Street|St|Avenue|Ave|Road|Rd|Lane|Drive)\b`,
  String.raw`(?i)(?:passport|licen[cs]e|nhs|npi|dea|medicare|mbi|routing|account|member id)\W{0,20}[A-Z0-9-]{6,}`,
];

interface Row { format: string; mb: number; engineMBs: number[]; matches: number; rgMBs: number[]; rgLines: number | null }

const median = (xs: readonly number[]): number => {
  const a = [...xs].sort((x, y) => x - y);
  return a.length === 0 ? NaN : a.length % 2 === 1 ? a[(a.length - 1) / 2]! : (a[a.length / 2 - 1]! + a[a.length / 2]!) / 2;
};

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** One ripgrep pass over the file: CPU seconds (user + system, from bash's `time`) and matching lines. */
function rgPass(file: string, patternsFile: string): { cpu: number; lines: number } | null {
  const r = spawnSync('bash', ['-c', 'TIMEFORMAT="%U %S"; time rg -c -j1 --no-mmap -f "$1" "$2"', 'bash', patternsFile, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.error !== undefined || (r.status !== 0 && r.status !== 1)) return null;
  const [u, s] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { cpu: (u ?? 0) + (s ?? 0), lines: Number(r.stdout.trim() || 0) };
}

async function main(): Promise<void> {
  const scanner = createScanner({ detectors: managedDetectors(), hashKey: Buffer.alloc(32, 3) });
  const dir = await mkdtemp(join(tmpdir(), 'coffer-bench-engine-'));
  const patternsFile = join(dir, 'patterns.txt');
  await writeFile(patternsFile, `${RG_PATTERNS.join('\n')}\n`);
  const rows: Row[] = [];
  try {
    const formats: Array<{ name: string; make: (r: Rng) => Doc }> = [
      { name: 'text', make: textDoc },
      { name: 'csv', make: csvBatch },
      { name: 'json', make: jsonBatch },
    ];
    for (const f of formats) {
      const rng = createRng(42);
      const docs = Array.from({ length: DISTINCT }, () => f.make(rng));
      const file = join(dir, `data.${f.name}`);
      const parts: string[] = [];
      let bytes = 0;
      for (let i = 0; i < MIB; i++) { const t = docs[i % DISTINCT]!.text; parts.push(t); bytes += Buffer.byteLength(t); }
      await writeFile(file, parts.join(''));
      // Warm-up: V8 optimizes the engine's many small functions (validators, trigger filters,
      // the scan closures) only after enough calls, so throughput keeps rising for about the
      // first 50 MB of text (measured on text: 16 MB warm-up, then 32 MiB runs at 80-95, 125,
      // 135, 135... MB/s; without the optimizing compiler it stays at 45). A scanning service
      // runs in the steady state, so six passes over the distinct documents (one in --quick
      // runs) come first; the cold figure is about a third lower.
      for (let w = 0; w < (quick ? 1 : 6); w++) for (const d of docs) for (const c of d.calls) scanner.scanUnits(c);
      const row: Row = { format: f.name, mb: bytes / 1e6, engineMBs: [], matches: 0, rgMBs: [], rgLines: null };
      // Engine and ripgrep alternate, so a burst of load on the shared machine hits both.
      for (let run = 0; run < RUNS; run++) {
        let matches = 0;
        const t0 = cpuSeconds();
        for (let i = 0; i < MIB; i++) {
          for (const c of docs[i % DISTINCT]!.calls) for (const r of scanner.scanUnits(c)) matches += r.length;
        }
        row.engineMBs.push(bytes / 1e6 / (cpuSeconds() - t0));
        row.matches = matches;
        const rg = rgPass(file, patternsFile);
        if (rg !== null) { row.rgMBs.push(bytes / 1e6 / Math.max(rg.cpu, 1e-3)); row.rgLines = rg.lines; }
      }
      rows.push(row);
      await rm(file);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const n = managedDetectors().length;
  const rgVersion = spawnSync('rg', ['--version'], { encoding: 'utf8' }).stdout?.split('\n')[0] ?? 'not installed';
  console.log(`Discovery engine only (no format parsing), ${n} managed detectors (all enabled), ${MIB} MiB per format, single thread, after a warm-up pass, median of ${RUNS} runs alternating with ripgrep; MB/s per core (CPU time); Node ${process.version}, ${rgVersion}`);
  console.log('');
  console.log(`| Format | MB scanned | Engine MB/s per core (median) | min-max | Matches | ripgrep -j1 MB/s (median, same bytes, ${RG_PATTERNS.length} patterns) | rg matching lines | engine / rg |`);
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const e = median(r.engineMBs);
    const g = r.rgMBs.length > 0 ? median(r.rgMBs) : null;
    console.log(`| ${r.format} | ${r.mb.toFixed(1)} | ${e.toFixed(1)} | ${Math.min(...r.engineMBs).toFixed(1)}-${Math.max(...r.engineMBs).toFixed(1)} | ${r.matches} | ${g === null ? 'n/a (rg missing)' : g.toFixed(1)} | ${r.rgLines ?? 'n/a'} | ${g === null ? 'n/a' : `${((e / g) * 100).toFixed(0)}%`} |`);
  }
}

// Run when executed (bench/run.ts), not when imported by a profiling script.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
