// Splits the configured server names into DNS names and IP addresses for subjectAltName, in a
// canonical form (lower case, IPv6 compressed) so that two sets can be compared exactly.
import { isIP } from 'node:net';
import { CofferError } from '../shared/index.js';

/** Names every generated server certificate carries, whatever is configured. */
export const DEFAULT_SERVER_NAMES: readonly string[] = Object.freeze(['localhost', '127.0.0.1', '::1']);

/** Server names split by kind, canonical, de-duplicated and sorted. */
export interface ServerNames {
  readonly dns: readonly string[];
  readonly ips: readonly string[];
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

function isDnsName(name: string): boolean {
  const host = name.startsWith('*.') ? name.slice(2) : name;
  if (host.length === 0 || host.length > 253) return false;
  const labels = host.split('.');
  return labels.every((l) => LABEL.test(l)) && (!name.startsWith('*.') || labels.length >= 2);
}

/** Canonical text of an IP address: IPv4 as given, IPv6 compressed and lower case. */
export function canonicalIp(ip: string): string {
  return isIP(ip) === 6 ? new URL(`http://[${ip}]`).hostname.slice(1, -1) : ip;
}

/**
 * Classifies `names` (plus DEFAULT_SERVER_NAMES) as DNS names (wildcards allowed in the leftmost
 * label) or IP addresses (IPv6 with or without brackets). Throws `tls.invalid_name` on anything else.
 */
export function classifyServerNames(names: readonly string[]): ServerNames {
  const dns = new Set<string>();
  const ips = new Set<string>();
  for (const raw of [...DEFAULT_SERVER_NAMES, ...names]) {
    const name = raw.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
    if (isIP(name) !== 0) ips.add(canonicalIp(name));
    else if (isDnsName(name)) dns.add(name);
    else throw new CofferError('tls.invalid_name', { message: `server name ${JSON.stringify(raw.slice(0, 100))} is not a DNS name or IP address` });
  }
  return { dns: [...dns].sort(), ips: [...ips].sort() };
}

/** True when both sets hold exactly the same names. */
export function sameServerNames(a: ServerNames, b: ServerNames): boolean {
  const eq = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  return eq(a.dns, b.dns) && eq(a.ips, b.ips);
}
