import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { throughputChart } from './chart.js';
import { goals, markdownReport, ratios } from './report.js';
import { defaultSuiteOptions, type SuiteResult } from './suite.js';
import type { LoadResult, Operation } from './types.js';

const KiB = 1024;
const MiB = 1024 * KiB;

function r(system: string, op: Operation, size: number, opsPerSec: number, extra: Partial<LoadResult> = {}): LoadResult {
  return {
    system, op, size, concurrency: size > MiB ? 4 : 8, ops: opsPerSec, errors: 0, seconds: 1, opsPerSec,
    mbPerSec: op === 'PUT' || op === 'GET' ? (opsPerSec * size) / 1e6 : 0,
    latency: { p50: 1, p90: 2, p99: 3, max: 4, mean: 1.5 }, ...extra,
  };
}

function suite(results: LoadResult[]): SuiteResult {
  const { log: _log, ...options } = defaultSuiteOptions(true);
  return {
    options, results, sdkComparison: [], cipher: { mbPerSecOneCore: 2000, blockBytes: 65536, command: 'openssl speed' }, failures: [], seconds: 60,
    environment: { node: 'v20', cpus: 2, loadAverageStart: [1, 1, 1], loadAverageEnd: [1, 1, 1], at: '2026-11-28T20:00:00Z' },
  };
}

const results = [
  r('coffer', 'PUT', 4 * KiB, 1000), r('coffer-http', 'PUT', 4 * KiB, 1250), r('s3rver', 'PUT', 4 * KiB, 100), r('disk', 'PUT', 4 * KiB, 4000),
  r('coffer', 'GET', 4 * KiB, 2000), r('s3rver', 'GET', 4 * KiB, 1000), r('nginx', 'GET', 4 * KiB, 8000),
  r('coffer', 'GET', 16 * MiB, 10), r('nginx', 'GET', 16 * MiB, 40),
  r('coffer', 'HEAD', 4 * KiB, 3000), r('s3rver', 'HEAD', 4 * KiB, 1500),
];

describe('ratios', () => {
  it('divides Coffer by the ceiling and the peer per operation and size, by MB/s from 1 MiB up', () => {
    const byId = new Map(ratios(suite(results)).map((x) => [`${x.op} ${x.size}`, x]));
    const put = byId.get(`PUT ${4 * KiB}`)!;
    assert.equal(put.cofferOverCeiling, 0.25);
    assert.equal(put.ceiling, 'disk write+fsync');
    assert.equal(put.cofferOverS3rver, 10);
    assert.equal(put.tlsOverPlain, 0.8);
    assert.equal(put.measure, 'ops/s');
    const big = byId.get(`GET ${16 * MiB}`)!;
    assert.equal(big.measure, 'MB/s');
    assert.equal(big.cofferOverCeiling, 0.25);
    assert.equal(byId.get(`HEAD ${4 * KiB}`)!.cofferOverCeiling, undefined);
    assert.equal(byId.get(`HEAD ${4 * KiB}`)!.cofferOverS3rver, 2);
  });
});

describe('goals', () => {
  it('reports each goal as met, missed, or not measured', () => {
    const g = new Map(goals(suite(results)).map((x) => [x.goal, x]));
    assert.equal(g.get('4 KiB PUT ops/s >= 5x s3rver')!.met, true);
    assert.equal(g.get('4 KiB GET ops/s >= 5x s3rver')!.met, false);
    assert.match(g.get('64 MiB GET MB/s >= 50% of nginx over HTTPS')!.measured, /25% \(at 16 MiB/);
    assert.equal(g.get('TLS costs <= 15% of throughput')!.met, false);
    assert.equal(g.get('server RSS < 300 MB at 64 concurrent clients')!.met, null);
  });
});

describe('markdownReport and throughputChart', () => {
  it('renders every measurement and names a dropped system', () => {
    const s = suite(results);
    s.failures.push({ system: 's3rver', op: 'LIST', size: 4 * KiB, error: 'socket hang up' });
    const md = markdownReport(s);
    assert.equal(md.split('\n').filter((l) => /^\| (PUT|GET|HEAD) \| [\d]+ [KM]iB \| [^|]+ \| \d+ \|/.test(l)).length, results.length);
    assert.match(md, /s3rver \(HTTP, plain\) failed at LIST 4 KiB/);
  });

  it('draws one line per system in each panel and escapes labels', () => {
    const svg = throughputChart(results, 'a <title> & more');
    assert.match(svg, /^<svg /);
    assert.match(svg, /a &lt;title&gt; &amp; more/);
    assert.equal((svg.match(/<polyline /g) ?? []).length, 4 + 3);
  });
});
