// Loads the configuration: defaults < JSON config file < COFFER_* environment < CLI flags.
// Every source is merged into one raw object while remembering which source set each leaf;
// one schema parse then validates everything, and each issue is reported against the name the
// operator actually typed (COFFER_LISTEN, "listen (from config file /x.json)", ...).
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CofferError } from '../shared/index.js';
import { configSchema, type ConfigInput, type ParsedConfig } from './schema.js';
import { CONFIG_FILE_ENV, SETTINGS, settingForPath, type SettingInfo } from './settings.js';

type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;
type DeepPartial<T> = T extends unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** The validated, deeply frozen configuration. Paths (dataDir, tls.*File) are absolute. */
export type CofferConfig = DeepReadonly<ParsedConfig>;

/** Values from command-line flags; `undefined` fields are ignored (flag not given). */
export type ConfigOverrides = DeepPartial<ConfigInput>;

export interface LoadConfigOptions {
  /** Values from CLI flags (highest precedence). */
  overrides?: ConfigOverrides;
  /** Environment to read COFFER_* variables from. Defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** JSON config file (from --config). When absent, COFFER_CONFIG is used if set. */
  file?: string;
  /** Base for relative paths given on the command line or in the environment. Defaults to `process.cwd()`. */
  cwd?: string;
}

/** One problem found while loading, as reported in `CofferError.details.issues`. */
export interface ConfigIssue {
  /** Dotted setting path (or the environment variable / file name when no setting applies). */
  readonly setting: string;
  /** Where the offending value came from. */
  readonly source: 'default' | 'file' | 'env' | 'cli';
  /** The full line, naming the setting as the operator wrote it. */
  readonly message: string;
}

type Source = { kind: 'file'; file: string } | { kind: 'env' } | { kind: 'cli' };
type Raw = Record<string, unknown>;

const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

const isPlainObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads, merges and validates the configuration. Throws `CofferError('config.invalid')` whose
 * message has one line per problem, each naming the setting; secret values are never echoed.
 */
export function loadConfig(options: LoadConfigOptions = {}): CofferConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const issues: ConfigIssue[] = [];
  const raw: Raw = {};
  const provenance = new Map<string, Source>();

  issues.push(...unknownEnvironmentVariables(env));

  const fromFlag = options.file !== undefined;
  const fileName = options.file ?? nonEmpty(env[CONFIG_FILE_ENV]);
  let file: string | undefined;
  if (fileName !== undefined) {
    file = resolve(cwd, fileName);
    const label = fromFlag ? `config file ${file} (from --config)` : `${CONFIG_FILE_ENV} (config file ${file})`;
    const content = readConfigFile(file, label, issues);
    if (content !== undefined) merge(raw, content, [], { kind: 'file', file }, provenance);
  }

  const envLayer: Raw = {};
  for (const s of SETTINGS) {
    const v = nonEmpty(env[s.env]);
    if (v !== undefined) setPath(envLayer, s.path.split('.'), v);
  }
  merge(raw, envLayer, [], { kind: 'env' }, provenance);
  if (options.overrides !== undefined) merge(raw, options.overrides as Raw, [], { kind: 'cli' }, provenance);

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) issues.push(describe([...issue.path, key], 'unknown setting', raw, provenance));
      } else {
        issues.push(describe(issue.path, issue.message, raw, provenance));
      }
    }
  }
  if (issues.length > 0 || !parsed.success) {
    throw new CofferError('config.invalid', {
      message: issues.map((i) => i.message).join('\n'),
      details: { issues },
    });
  }

  const config = parsed.data;
  for (const s of SETTINGS.filter((x) => x.isPath)) {
    const parts = s.path.split('.');
    const value = getPath(config as unknown as Raw, parts);
    if (typeof value !== 'string') continue;
    const src = provenance.get(s.path);
    setPath(config as unknown as Raw, parts, resolve(src?.kind === 'file' ? dirname(src.file) : cwd, value));
  }
  return deepFreeze(config) as CofferConfig;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

function readConfigFile(file: string, label: string, issues: ConfigIssue[]): Raw | undefined {
  const fail = (why: string) => {
    issues.push({ setting: file, source: 'file', message: `${label}: ${why}` });
    return undefined;
  };
  let text: string;
  try {
    const st = statSync(file);
    if (!st.isFile()) return fail('is not a regular file');
    if (st.size > MAX_CONFIG_FILE_BYTES) return fail(`is larger than ${MAX_CONFIG_FILE_BYTES} bytes`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return fail(`cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    // Newer V8 messages quote the file's text, which may hold secrets: report a position only.
    const pos = /position (\d+)/.exec(String((e as Error).message));
    if (pos) {
      const before = text.slice(0, Number(pos[1]));
      const line = before.split('\n').length;
      const column = before.length - before.lastIndexOf('\n');
      return fail(`is not valid JSON (at line ${line}, column ${column})`);
    }
    return fail('is not valid JSON');
  }
  if (!isPlainObject(data)) return fail('must contain a JSON object');
  return data;
}

/** Merges `layer` into `target`; objects merge recursively, anything else (arrays too) replaces. */
function merge(target: Raw, layer: Raw, at: string[], source: Source, provenance: Map<string, Source>): void {
  for (const [key, value] of Object.entries(layer)) {
    if (value === undefined) continue;
    const path = [...at, key];
    if (isPlainObject(value)) {
      if (!isPlainObject(target[key])) target[key] = {};
      merge(target[key] as Raw, value, path, source, provenance);
    } else {
      target[key] = value;
      provenance.set(path.join('.'), source);
    }
  }
}

function getPath(obj: Raw, parts: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const p of parts) {
    if (!isPlainObject(cur) && !Array.isArray(cur)) return undefined;
    cur = (cur as Raw)[p];
  }
  return cur;
}

function setPath(obj: Raw, parts: readonly string[], value: unknown): void {
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    if (!isPlainObject(cur[p])) cur[p] = {};
    cur = cur[p] as Raw;
  }
  cur[parts[parts.length - 1] as string] = value;
}

function describe(path: readonly PropertyKey[], why: string, raw: Raw, provenance: Map<string, Source>): ConfigIssue {
  const parts = path.map(String);
  const setting: SettingInfo | undefined = settingForPath(path);
  const dotted = setting?.path ?? parts.join('.');
  let source: Source | undefined;
  for (let n = parts.length; n > 0 && source === undefined; n--) source = provenance.get(parts.slice(0, n).join('.'));

  let label: string;
  if (source?.kind === 'env') label = setting?.env ?? dotted;
  else if (source?.kind === 'file') label = `${parts.join('.')} (from config file ${source.file})`;
  else if (source?.kind === 'cli') label = `${parts.join('.')} (from command line)`;
  else label = dotted;

  let message = `${label}: ${why}`;
  if (why === 'unknown setting') {
    const hint = suggest(parts.join('.'), SETTINGS.map((s) => s.path));
    if (hint) message += ` (did you mean ${hint}?)`;
  }
  const value = getPath(raw, parts);
  if (setting !== undefined && !setting.secret && why !== 'unknown setting' && isEchoable(value)) {
    message += `, got ${JSON.stringify(String(value).slice(0, 80))}`;
  }
  return { setting: dotted, source: source?.kind ?? 'default', message };
}

const isEchoable = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

function unknownEnvironmentVariables(env: Readonly<Record<string, string | undefined>>): ConfigIssue[] {
  const known = new Set([CONFIG_FILE_ENV, ...SETTINGS.map((s) => s.env)]);
  return Object.keys(env)
    .filter((name) => name.startsWith('COFFER_') && !known.has(name))
    .sort()
    .map((name) => {
      // The value is never shown: an unknown variable may well be a mistyped secret.
      const hint = suggest(name, [...known]);
      return {
        setting: name,
        source: 'env' as const,
        message: `${name}: unknown COFFER_* environment variable${hint ? ` (did you mean ${hint}?)` : ''}`,
      };
    });
}

function suggest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 4)) + 1;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
