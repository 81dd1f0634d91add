/**
 * CIDR matching for IpAddress/NotIpAddress without allocations on the request path:
 * IPv4 as a 32-bit number, IPv6 as eight 16-bit groups; IPv4-mapped IPv6 (::ffff:a.b.c.d)
 * counts as IPv4.
 */
import { isIP } from 'node:net';

type Parsed = { v: 4; n: number } | { v: 6; g: number[] };

function v4(s: string): number {
  let n = 0;
  for (const part of s.split('.')) n = n * 256 + Number(part);
  return n;
}

function v6(s: string): number[] | null {
  let text = s;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  // A trailing dotted quad becomes the last two groups.
  const dot = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dot) {
    const n = v4(dot[1] as string);
    text = text.slice(0, dot.index) + ((n >>> 16) & 0xffff).toString(16) + ':' + (n & 0xffff).toString(16);
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? (halves[0] as string).split(':') : [];
  const tail = halves.length === 2 && halves[1] ? (halves[1] as string).split(':') : [];
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? head.length !== 8 : fill < 0) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? fill : 0).fill('0'), ...tail].map((x) => parseInt(x, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

export function parseIp(s: string): Parsed | null {
  const f = isIP(s);
  if (f === 4) return { v: 4, n: v4(s) };
  if (f !== 6) return null;
  const g = v6(s);
  if (g === null) return null;
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) return { v: 4, n: (g[6] as number) * 65536 + (g[7] as number) };
  return { v: 6, g };
}

/** A test for one CIDR block (or single address); null when the text is not one. */
export function cidrMatcher(s: string): ((ip: string) => boolean) | null {
  const slash = s.indexOf('/');
  const base = parseIp(slash < 0 ? s : s.slice(0, slash));
  if (base === null) return null;
  const max = base.v === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > max) return null;
    prefix = Number(p);
  }
  if (base.v === 4) {
    const size = 2 ** (32 - prefix);
    const lo = Math.floor(base.n / size) * size;
    return (ip) => {
      const x = parseIp(ip);
      return x !== null && x.v === 4 && x.n >= lo && x.n < lo + size;
    };
  }
  const g = base.g;
  return (ip) => {
    const x = parseIp(ip);
    if (x === null || x.v !== 6) return false;
    let bits = prefix;
    for (let i = 0; i < 8 && bits > 0; i++, bits -= 16) {
      const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
      if (((x.g[i] as number) & mask) !== ((g[i] as number) & mask)) return false;
    }
    return true;
  };
}
