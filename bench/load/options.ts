/**
 * Command-line options of the load suite (shared by bench/run.ts and bench/load/main.ts):
 *   --quick                 short CI smoke run (under two minutes with the rest of `npm run bench`)
 *   --systems a,b           coffer, coffer-http, s3rver, nginx, disk (default: all)
 *   --sizes 4KiB,1MiB       object sizes (KiB/MiB suffixes)
 *   --concurrency N         clients for objects up to 1 MiB; --large-concurrency N above
 *   --duration S            seconds per measurement; --ops N caps operations per measurement
 *   --rounds N              alternate-order rounds, best kept
 *   --no-sdk                skip the @aws-sdk/client-s3 comparison
 * Unknown options are ignored so the driver can pass its whole argv.
 */
import { parseArgs } from 'node:util';
import { defaultSuiteOptions, KiB, MiB, type SuiteOptions } from './suite.js';
import type { SystemName } from './systems.js';

const SYSTEMS: SystemName[] = ['coffer', 'coffer-http', 's3rver', 'nginx', 'disk'];

export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(B|KiB|K|MiB|M|GiB|G)?$/i.exec(text.trim());
  if (!m) throw new Error(`bad size: ${text}`);
  const unit = (m[2] ?? 'B').toUpperCase()[0];
  const mult = unit === 'K' ? KiB : unit === 'M' ? MiB : unit === 'G' ? 1024 * MiB : 1;
  return Math.round(Number(m[1]) * mult);
}

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
  return n;
}

export function parseSuiteOptions(argv: string[]): SuiteOptions {
  const { values } = parseArgs({
    args: argv,
    strict: false,
    options: {
      quick: { type: 'boolean' },
      systems: { type: 'string' },
      sizes: { type: 'string' },
      concurrency: { type: 'string' },
      'large-concurrency': { type: 'string' },
      duration: { type: 'string' },
      ops: { type: 'string' },
      rounds: { type: 'string' },
      'no-sdk': { type: 'boolean' },
    },
  });
  const o = defaultSuiteOptions(values.quick === true);
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const systems = str(values.systems);
  if (systems) {
    o.systems = systems.split(',').map((s) => s.trim()) as SystemName[];
    for (const s of o.systems) if (!SYSTEMS.includes(s)) throw new Error(`unknown system ${s}; known: ${SYSTEMS.join(', ')}`);
  }
  const sizes = str(values.sizes);
  if (sizes) o.sizes = sizes.split(',').map(parseSize);
  const c = str(values.concurrency);
  if (c) o.concurrency = positive('concurrency', c);
  const lc = str(values['large-concurrency']);
  if (lc) o.largeConcurrency = positive('large-concurrency', lc);
  const d = str(values.duration);
  if (d) o.durationMs = Number(d) * 1000;
  const ops = str(values.ops);
  if (ops) o.maxOps = positive('ops', ops);
  const rounds = str(values.rounds);
  if (rounds) o.rounds = positive('rounds', rounds);
  if (values['no-sdk'] === true) o.compareSdk = false;
  if (!(o.durationMs > 0)) throw new Error('--duration must be a positive number of seconds');
  return o;
}
