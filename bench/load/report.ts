/**
 * Turns a SuiteResult into Markdown: the raw measurements, the ratios the issue asks for
 * (Coffer / ceiling, Coffer / peer, Coffer over TLS / Coffer over plain HTTP), and the project
 * goals with the measured value next to each (goals, not assertions).
 */
import { LABELS, type SystemName } from './systems.js';
import type { SuiteResult } from './suite.js';
import type { LoadResult, Operation } from './types.js';

const KiB = 1024;
const MiB = 1024 * KiB;

export function sizeLabel(n: number): string {
  return n >= MiB ? `${n / MiB} MiB` : `${n / KiB} KiB`;
}

const f1 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '–');
const f2 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(2));

export function find(results: LoadResult[], system: SystemName | string, op: Operation, size: number, concurrency?: number): LoadResult | undefined {
  return results.find((r) => r.system === system && r.op === op && r.size === size && (concurrency === undefined || r.concurrency === concurrency));
}

/** a / b by the measure that matters for the size: MB/s for bodies of 1 MiB and more, ops/s below. */
function ratio(a: LoadResult | undefined, b: LoadResult | undefined, byBytes: boolean): number | undefined {
  if (!a || !b) return undefined;
  const x = byBytes ? a.mbPerSec : a.opsPerSec;
  const y = byBytes ? b.mbPerSec : b.opsPerSec;
  return y > 0 ? x / y : undefined;
}

export interface Ratio {
  op: Operation;
  size: number;
  /** 'MB/s' or 'ops/s'. */
  measure: string;
  cofferOverCeiling?: number;
  ceiling?: string;
  cofferOverS3rver?: number;
  /** Coffer over TLS / Coffer over plain HTTP: 1 - this is the cost of TLS. */
  tlsOverPlain?: number;
  /** Server CPU per operation, s3rver / Coffer: above 1 means Coffer does the operation with less CPU. */
  cpuEfficiencyVsS3rver?: number;
}

export function ratios(s: SuiteResult): Ratio[] {
  const out: Ratio[] = [];
  const rs = s.results;
  const seen = new Set<string>();
  for (const r of rs) {
    if (r.system !== 'coffer') continue;
    const id = `${r.op}/${r.size}/${r.concurrency}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const byBytes = (r.op === 'PUT' || r.op === 'GET') && r.size >= MiB;
    const ceilingName: SystemName | undefined = r.op === 'PUT' ? 'disk' : r.op === 'GET' ? 'nginx' : undefined;
    const row: Ratio = { op: r.op, size: r.size, measure: byBytes ? 'MB/s' : 'ops/s' };
    if (ceilingName) {
      const c = ratio(r, find(rs, ceilingName, r.op, r.size, r.concurrency), byBytes);
      if (c !== undefined) {
        row.cofferOverCeiling = c;
        row.ceiling = ceilingName === 'disk' ? 'disk write+fsync' : 'nginx HTTPS';
      }
    }
    const p = ratio(r, find(rs, 's3rver', r.op, r.size, r.concurrency), byBytes);
    if (p !== undefined) row.cofferOverS3rver = p;
    const t = ratio(r, find(rs, 'coffer-http', r.op, r.size, r.concurrency), byBytes);
    if (t !== undefined) row.tlsOverPlain = t;
    const peerCpu = find(rs, 's3rver', r.op, r.size, r.concurrency)?.server?.cpuMsPerOp;
    const ownCpu = r.server?.cpuMsPerOp;
    if (peerCpu !== undefined && ownCpu !== undefined && ownCpu > 0 && Number.isFinite(peerCpu)) row.cpuEfficiencyVsS3rver = peerCpu / ownCpu;
    out.push(row);
  }
  return out;
}

export interface Goal {
  goal: string;
  measured: string;
  met: boolean | null;
}

export function goals(s: SuiteResult, extra: { largeObject?: { sizeMiB: number; serverPeakRssMiB: number; serverIdleRssMiB: number } } = {}): Goal[] {
  const rs = s.results;
  const out: Goal[] = [];
  for (const op of ['PUT', 'GET'] as const) {
    const own = find(rs, 'coffer', op, 4 * KiB);
    const peer = find(rs, 's3rver', op, 4 * KiB);
    const x = ratio(own, peer, false);
    const cpu = own?.server?.cpuMsPerOp && peer?.server?.cpuMsPerOp ? peer.server.cpuMsPerOp / own.server.cpuMsPerOp : undefined;
    const measured = x === undefined ? 'not measured' : `${f2(x)}x (server CPU per op: s3rver / Coffer = ${f2(cpu)})`;
    out.push({ goal: `4 KiB ${op} ops/s >= 5x s3rver`, measured, met: x === undefined ? null : x >= 5 });
  }
  const biggest = Math.max(...rs.filter((r) => r.op === 'GET' && r.system === 'coffer').map((r) => r.size));
  const g = ratio(find(rs, 'coffer', 'GET', biggest), find(rs, 'nginx', 'GET', biggest), true);
  out.push({
    goal: '64 MiB GET MB/s >= 50% of nginx over HTTPS',
    measured: g === undefined ? 'not measured' : `${(g * 100).toFixed(0)}%${biggest !== 64 * MiB ? ` (at ${sizeLabel(biggest)}, the largest size run)` : ''}`,
    met: g === undefined ? null : g >= 0.5,
  });
  const tls = ratios(s).filter((r) => r.tlsOverPlain !== undefined);
  if (tls.length > 0) {
    const worst = tls.reduce((a, b) => (a.tlsOverPlain! < b.tlsOverPlain! ? a : b));
    const cost = 1 - worst.tlsOverPlain!;
    out.push({ goal: 'TLS costs <= 15% of throughput', measured: `worst ${(cost * 100).toFixed(0)}% (${worst.op} ${sizeLabel(worst.size)})`, met: cost <= 0.15 });
  }
  for (const feature of ['encryption at rest', 'auditing', 'discovery on write']) {
    out.push({ goal: `${feature} costs <= 15% of throughput`, measured: 'see the feature-cost section of this run', met: null });
  }
  // A run that completed nothing (server down) measured no RSS worth reporting.
  const high = rs.filter((r) => r.system === 'coffer' && r.concurrency >= 64 && r.ops > 0);
  const highPeak = high.length ? Math.max(...high.map((r) => r.server?.peakRssMiB ?? 0)) : undefined;
  out.push({
    goal: 'server RSS < 300 MB at 64 concurrent clients',
    measured: highPeak === undefined ? 'not measured (full run only)' : `${f1(highPeak * 1.048576)} MB peak`,
    met: highPeak === undefined ? null : highPeak * 1.048576 < 300,
  });
  const lo = extra.largeObject;
  out.push({
    goal: 'memory flat while streaming a 5 GiB object',
    measured: lo ? `peak RSS ${f1(lo.serverPeakRssMiB)} MiB (start ${f1(lo.serverIdleRssMiB)} MiB) over a ${lo.sizeMiB} MiB object` : 'not measured',
    met: lo ? lo.serverPeakRssMiB - lo.serverIdleRssMiB < 256 : null,
  });
  return out;
}

function label(system: string): string {
  return (LABELS as Record<string, string>)[system] ?? system;
}

export function resultsTable(results: LoadResult[]): string {
  const lines = [
    '| op | size | system | clients | ops/s | MB/s | p50 ms | p90 ms | p99 ms | errors | server peak RSS MiB | server CPU cores | server CPU ms/op |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const extra = r.keysPerSec !== undefined ? ` (${f1(r.keysPerSec)} keys/s)` : '';
    lines.push(
      `| ${r.op} | ${sizeLabel(r.size)} | ${label(r.system)} | ${r.concurrency} | ${f1(r.opsPerSec)}${extra} | ${r.op === 'PUT' || r.op === 'GET' || r.op === 'MIXED' ? f1(r.mbPerSec) : ''} | ${f1(r.latency.p50)} | ${f1(r.latency.p90)} | ${f1(r.latency.p99)} | ${r.errors} | ${f1(r.server?.peakRssMiB)} | ${f2(r.server?.cpuCores)} | ${f2(r.server?.cpuMsPerOp)} |`,
    );
  }
  return lines.join('\n');
}

export function markdownReport(s: SuiteResult, extra: Parameters<typeof goals>[1] = {}): string {
  const out: string[] = [];
  const e = s.environment;
  out.push(
    `### Load: Coffer side by side (${s.options.quick ? 'quick' : 'full'}, ${(s.seconds / 60).toFixed(1)} min)`,
    '',
    `${e.cpus} CPUs, Node ${e.node}; load average ${e.loadAverageStart.map((x) => x.toFixed(1)).join('/')} at start, ${e.loadAverageEnd.map((x) => x.toFixed(1)).join('/')} at end ` +
      `(a shared machine: compare the ratios, not the absolute figures). ${s.options.durationMs / 1000} s per measurement, best of ${s.options.rounds} round(s) in alternating order; ` +
      `${s.options.concurrency} clients up to 1 MiB, ${s.options.largeConcurrency} above. Client: raw SigV4-signed keep-alive requests (UNSIGNED-PAYLOAD).`,
    '',
    '#### Ratios',
    '',
    '| op | size | by | Coffer / ceiling | ceiling | Coffer / s3rver | Coffer TLS / plain HTTP | server CPU per op, s3rver / Coffer |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const r of ratios(s)) {
    out.push(`| ${r.op} | ${sizeLabel(r.size)} | ${r.measure} | ${f2(r.cofferOverCeiling)} | ${r.ceiling ?? ''} | ${f2(r.cofferOverS3rver)} | ${f2(r.tlsOverPlain)} | ${f2(r.cpuEfficiencyVsS3rver)} |`);
  }
  if (s.cipher) {
    const put = s.results.filter((r) => r.system === 'coffer' && r.op === 'PUT').sort((a, b) => b.mbPerSec - a.mbPerSec)[0];
    const get = s.results.filter((r) => r.system === 'coffer' && r.op === 'GET').sort((a, b) => b.mbPerSec - a.mbPerSec)[0];
    out.push(
      '',
      `Cipher ceiling: \`${s.cipher.command}\` = ${f1(s.cipher.mbPerSecOneCore)} MB/s on one core. ` +
        `Best Coffer PUT ${f1(put?.mbPerSec)} MB/s = ${pct((put?.mbPerSec ?? NaN) / s.cipher.mbPerSecOneCore)} of it; best GET ${f1(get?.mbPerSec)} MB/s = ${pct((get?.mbPerSec ?? NaN) / s.cipher.mbPerSecOneCore)}.`,
    );
  }
  out.push('', '#### Goals (reported, not asserted)', '', '| goal | measured | met |', '|---|---|---|');
  for (const g of goals(s, extra)) out.push(`| ${g.goal} | ${g.measured} | ${g.met === null ? '–' : g.met ? 'yes' : 'no'} |`);
  out.push('', '#### Measurements', '', resultsTable(s.results));
  for (const f of s.failures) out.push('', `**${label(f.system)} failed at ${f.op} ${sizeLabel(f.size)} and was dropped from the rest of the run:** ${f.error.slice(0, 300)}`);
  if (s.sdkComparison.length > 0) {
    out.push('', '#### Client overhead: raw signed requests against @aws-sdk/client-s3, back to back on the same Coffer server', '', '| op | size | raw ops/s | SDK ops/s | SDK / raw | raw p50 ms | SDK p50 ms |', '|---|---|---|---|---|---|---|');
    for (const op of ['GET', 'PUT'] as const) {
      const raw = s.sdkComparison.find((r) => r.op === op && r.system.includes('raw'));
      const sdk = s.sdkComparison.find((r) => r.op === op && r.system.includes('SDK'));
      if (!raw || !sdk) continue;
      out.push(`| ${op} | ${sizeLabel(sdk.size)} | ${f1(raw.opsPerSec)} | ${f1(sdk.opsPerSec)} | ${f2(ratio(sdk, raw, false))} | ${f1(raw.latency.p50)} | ${f1(sdk.latency.p50)} |`);
    }
  }
  out.push(
    '',
    'What each security feature costs (encryption at rest, auditing, discovery on write, one at a time) is measured by the feature-cost section of `npm run bench`; ' +
      'TLS is attributed here with --insecure-http.',
  );
  return out.join('\n');
}
