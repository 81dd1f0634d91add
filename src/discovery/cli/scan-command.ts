/**
 * `coffer scan PATH... | s3://BUCKET/PREFIX`: finds sensitive data in files, folders and S3
 * locations with the discovery engine, and reports it as a table, JSON or SARIF 2.1.0.
 *
 * Exit codes: 0 nothing found, 1 sensitive data found, 2 error (bad options or definitions, a path
 * or bucket that cannot be read, or an object that failed to scan -- the scan is then incomplete).
 * Output holds masked values and keyed hashes only, never the sensitive values.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { CofferError, isCofferError } from '../../shared/errors.js';
import { combineAllowLists, loadAllowListFile, loadCustomIdentifiersFile } from '../custom/index.js';
import { listManagedIdentifiers, managedDetectors } from '../detectors/index.js';
import type { AllowList, Detector } from '../engine/model.js';
import { createScanner } from '../engine/scanner.js';
import { localObjects } from './local-source.js';
import { createProgress } from './progress.js';
import { OUTPUT_FORMATS, renderReport, type OutputFormat } from './render.js';
import { runScan } from './run-scan.js';
import { createScanS3Client, isS3Url, parseS3Url, s3Objects } from './s3-source.js';
import type { ScanObject } from './scan-object.js';

/** Parsed options of `coffer scan`. */
export interface ScanCommandOptions {
  format: OutputFormat;
  output?: string;
  identifiers?: string[];
  excludeIdentifiers?: string[];
  allowList?: string[];
  customIdentifiers?: string[];
  endpointUrl?: string;
  caBundle?: string;
  region?: string;
  profile?: string;
  hashKeyFile?: string;
  objectTimeout?: number;
  listIdentifiers?: boolean;
  progress: boolean;
}

/** Where the command writes; injectable so that tests and embedders can capture output. */
export interface ScanIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WriteStream;
  cwd: string;
}

const list = (v: string, prev: string[] = []): string[] => [...prev, ...v.split(',').map((s) => s.trim()).filter((s) => s !== '')];
const collect = (v: string, prev: string[] = []): string[] => [...prev, v];
const positiveNumber = (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number of seconds');
  return n;
};

/**
 * Adds the `scan` subcommand to `program`. The action sets `process.exitCode` (0, 1 or 2) and never
 * throws; commander usage errors in this subcommand exit with 2 as well (1 means "findings").
 */
export function registerScanCommand(program: Command, io?: Partial<ScanIo>): Command {
  const cmd = program
    .command('scan')
    .description('find sensitive data (personal, financial, credentials, custom identifiers) in files, folders or s3://BUCKET/PREFIX')
    .argument('[targets...]', 'files, folders (scanned recursively) or s3://BUCKET/PREFIX locations')
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS as string[]).default('table'))
    .option('--output <file>', 'write the report to FILE instead of standard output')
    .option('--identifiers <ids>', 'report only these identifiers (comma-separated, repeatable)', list)
    .option('--exclude-identifiers <ids>', 'do not report these identifiers (comma-separated, repeatable)', list)
    .option('--allow-list <file>', 'allow list: *.json {texts, regex} or one exact text per line (repeatable)', collect)
    .option('--custom-identifiers <file>', 'JSON file of custom data identifiers (repeatable)', collect)
    .option('--endpoint-url <url>', 'S3 endpoint, e.g. https://127.0.0.1:9000 for a Coffer server')
    .option('--ca-bundle <file>', 'PEM CA certificate(s) to trust for the S3 endpoint')
    .option('--region <region>', 'S3 region for request signing (default: AWS config, else us-east-1)')
    .option('--profile <name>', 'AWS shared config profile for S3 credentials')
    .option('--hash-key-file <file>', 'key (>= 16 bytes) for the value hashes, to compare them across runs (default: random per run)')
    .option('--object-timeout <seconds>', 'stop scanning an object after SECONDS and report it PARTIAL (reason TIMEOUT)', positiveNumber)
    .option('--list-identifiers', 'list the managed (and --custom-identifiers) identifier ids and exit')
    .option('--no-progress', 'do not draw the progress bar (it is only drawn when stderr is a terminal)')
    .exitOverride((err) => {
      // 1 is reserved for "sensitive data found": usage errors exit with 2, help with 0.
      throw err.exitCode === 0 ? err : new CommanderError(2, err.code, err.message);
    })
    .action(async (targets: string[], opts: ScanCommandOptions) => {
      process.exitCode = await runScanCommand(targets, opts, {
        stdout: io?.stdout ?? process.stdout,
        stderr: io?.stderr ?? process.stderr,
        cwd: io?.cwd ?? process.cwd(),
      });
    });
  return cmd;
}

/** Runs a scan with parsed options; returns the exit code. Errors are printed to `io.stderr`. */
export async function runScanCommand(targets: readonly string[], opts: ScanCommandOptions, io: ScanIo): Promise<0 | 1 | 2> {
  const progress = createProgress(opts.progress ? io.stderr : ({ isTTY: false } as NodeJS.WriteStream));
  try {
    const custom: Detector[] = [];
    for (const f of opts.customIdentifiers ?? []) custom.push(...(await loadCustomIdentifiersFile(f)));
    const allowLists: AllowList[] = [];
    for (const f of opts.allowList ?? []) allowLists.push(await loadAllowListFile(f));
    if (opts.listIdentifiers) {
      await write(io, opts.output, identifierTable(custom));
      return 0;
    }
    if (targets.length === 0) {
      throw new CofferError('discovery.scan.no_targets', { message: 'nothing to scan: give files, folders or s3://BUCKET/PREFIX locations' });
    }
    const identifiers = selectIdentifiers(custom, opts.identifiers, opts.excludeIdentifiers);
    const scanner = createScanner({
      detectors: managedDetectors(),
      customIdentifiers: custom,
      ...(allowLists.length > 0 ? { allowList: combineAllowLists(allowLists) } : {}),
      ...(identifiers !== undefined ? { identifiers } : {}),
      hashKey: await hashKey(opts.hashKeyFile),
    });
    const objects = await collectSources(targets, opts, io.cwd, progress);
    const report = await runScan(objects, {
      scanner, progress, ...(opts.objectTimeout !== undefined ? { objectTimeoutMs: Math.round(opts.objectTimeout * 1000) } : {}),
    });
    progress.stop();
    await write(io, opts.output, renderReport(report, opts.format, io.cwd));
    if (report.summary.objectsFailed > 0) {
      io.stderr.write(`coffer scan: ${report.summary.objectsFailed} object(s) could not be scanned; the scan is incomplete\n`);
      return 2;
    }
    return report.summary.objectsWithFindings > 0 ? 1 : 0;
  } catch (e) {
    progress.stop();
    io.stderr.write(`coffer scan: ${errorMessage(e)}\n`);
    return 2;
  }
}

async function write(io: ScanIo, output: string | undefined, text: string): Promise<void> {
  if (output === undefined) {
    await new Promise<void>((resolve, reject) => io.stdout.write(text, (e) => (e ? reject(e) : resolve())));
    return;
  }
  try {
    await writeFile(output, text, { mode: 0o600 });
  } catch (cause) {
    throw new CofferError('discovery.scan.output_unwritable', { message: `cannot write ${output}`, cause });
  }
}

/** `--list-identifiers`: one line per identifier id usable with --identifiers. */
function identifierTable(custom: readonly Detector[]): string {
  const rows = [
    ...listManagedIdentifiers().map((i) => [i.id, i.category, i.severity, i.keywordRequired ? 'yes' : 'no', i.description]),
    ...custom.map((d) => [d.id, d.category, d.severity, d.keywordRequired ? 'yes' : 'no', d.description]),
  ];
  const header = ['ID', 'CATEGORY', 'SEVERITY', 'KEYWORD', 'DESCRIPTION'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

function errorMessage(e: unknown): string {
  if (isCofferError(e)) return e.message;
  if (e instanceof Error) {
    // AWS SDK errors: name is the S3 error code (NoSuchBucket, AccessDenied, ...).
    return e.name !== 'Error' ? `${e.name}: ${e.message}` : e.message;
  }
  return String(e);
}

/** The ids to report, or undefined for "all". Unknown ids are an error (a typo must not pass silently). */
export function selectIdentifiers(custom: readonly Detector[], include?: string[], exclude?: string[]): string[] | undefined {
  const all = [...listManagedIdentifiers().map((i) => i.id), ...custom.map((d) => d.id)];
  const known = new Set(all);
  for (const id of [...(include ?? []), ...(exclude ?? [])]) {
    if (!known.has(id)) {
      throw new CofferError('discovery.unknown_identifier', {
        message: `unknown identifier ${id} (coffer scan --list-identifiers shows the valid ids)`, details: { id },
      });
    }
  }
  if (include === undefined && exclude === undefined) return undefined;
  const excluded = new Set(exclude ?? []);
  const chosen = (include ?? all).filter((id) => !excluded.has(id));
  if (chosen.length === 0) throw new CofferError('discovery.scan.no_identifiers', { message: 'no identifier left to scan for' });
  return chosen;
}

async function hashKey(file: string | undefined): Promise<Buffer> {
  if (file === undefined) return randomBytes(32);
  let key: Buffer;
  try {
    key = await readFile(file);
  } catch (cause) {
    throw new CofferError('discovery.scan.hash_key_unreadable', { message: `cannot read the hash key file ${file}`, cause });
  }
  if (key.length < 16) throw new CofferError('discovery.scan.hash_key_too_short', { message: `the hash key file ${file} holds fewer than 16 bytes` });
  return key;
}

/** Local targets are listed up front (they fail fast and give the progress bar its totals); S3 ones lazily. */
async function collectSources(
  targets: readonly string[], opts: ScanCommandOptions, cwd: string, progress: ReturnType<typeof createProgress>,
): Promise<AsyncIterable<ScanObject>> {
  const s3Targets = targets.filter(isS3Url).map(parseS3Url);
  const local = await localObjects(targets.filter((t) => !isS3Url(t)), cwd);
  const client = s3Targets.length > 0 ? await createScanS3Client({
    ...(opts.endpointUrl !== undefined ? { endpointUrl: opts.endpointUrl } : {}),
    ...(opts.caBundle !== undefined ? { caBundle: opts.caBundle } : {}),
    ...(opts.region !== undefined ? { region: opts.region } : {}),
    ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
  }) : null;
  if (client === null) progress.expect(local.reduce((n, o) => n + o.size, 0), local.length);
  return (async function* () {
    try {
      yield* local;
      for (const loc of s3Targets) yield* s3Objects(client!, loc);
    } finally {
      client?.destroy();
    }
  })();
}
