// Parsers for the textual forms settings take in environment variables and config files.
// Each returns the parsed value or a `{ error }` whose text names what was expected but never
// repeats the input: the loader decides whether a value may be echoed (secret settings never are).
import { isIP } from 'node:net';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (error: string): Parsed<never> => ({ ok: false, error });

/** A listening address: host is an IPv4/IPv6 literal (without brackets) or a DNS name. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** True for a DNS host name (letters, digits, hyphens; labels of 1..63 characters; at most 253). */
export function isHostname(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  return name.toLowerCase().split('.').every((label) => LABEL.test(label));
}

/** A host name, optionally with a leading `*.` wildcard label (for virtual-hosted buckets). */
export function isCertificateName(name: string): boolean {
  if (name.startsWith('*.')) return isHostname(name.slice(2)) && name.slice(2).includes('.');
  return isHostname(name) || isIP(stripBrackets(name)) !== 0;
}

function stripBrackets(s: string): string {
  return s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s;
}

/** Parses `HOST:PORT`, with IPv6 hosts in brackets (`[::1]:9000`). Port 0 means "any free port". */
export function parseListen(text: string): Parsed<ListenAddress> {
  const expected = 'expected HOST:PORT (IPv6 as [ADDR]:PORT)';
  const v6 = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text);
  const plain = /^([^:[\]]+):(\d{1,5})$/.exec(text);
  const m = v6 ?? plain;
  if (!m) return fail(expected);
  const host = m[1] ?? '';
  const port = Number(m[2]);
  if (v6 && isIP(host) !== 6) return fail(`${expected}; the bracketed host is not an IPv6 address`);
  if (!v6 && isIP(host) !== 4 && !isHostname(host)) return fail(`${expected}; the host is not an IPv4 address or host name`);
  if (port > 65535) return fail(`${expected}; the port must be 0..65535`);
  return ok({ host: v6 ? host : host.toLowerCase(), port });
}

const SIZE_UNITS: Record<string, number> = {
  '': 1, b: 1,
  kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4,
  kb: 1000, mb: 1000 ** 2, gb: 1000 ** 3, tb: 1000 ** 4,
};

/** Parses a byte count: an integer, optionally with a unit (B, KiB, MiB, GiB, TiB, KB, MB, GB, TB). */
export function parseSize(text: string): Parsed<number> {
  const m = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(text);
  const factor = m ? SIZE_UNITS[(m[2] ?? '').toLowerCase()] : undefined;
  if (!m || factor === undefined) return fail('expected a byte count such as 1048576 or 1MiB');
  const n = Number(m[1]) * factor;
  return Number.isSafeInteger(n) ? ok(n) : fail('expected a byte count below 2^53');
}

const DURATION_UNITS: Record<string, number> = { '': 1, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a duration in milliseconds: an integer, optionally with a unit (ms, s, m, h). */
export function parseDuration(text: string): Parsed<number> {
  const m = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(text);
  const factor = m ? DURATION_UNITS[(m[2] ?? '').toLowerCase()] : undefined;
  if (!m || factor === undefined) return fail('expected a duration in milliseconds such as 10000 or 10s');
  const n = Number(m[1]) * factor;
  return Number.isSafeInteger(n) ? ok(n) : fail('expected a duration below 2^53 ms');
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** Parses a boolean: true/false, 1/0, yes/no, on/off (case-insensitive). */
export function parseBoolean(text: string): Parsed<boolean> {
  const t = text.trim().toLowerCase();
  if (TRUE.has(t)) return ok(true);
  if (FALSE.has(t)) return ok(false);
  return fail('expected true or false');
}

/** Splits a comma-separated list, trimming blanks and dropping empty entries. */
export function parseList(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}
