/**
 * Hand-written SVG: throughput (MB/s, log scale) by object size for each system, one panel for
 * PUT and one for GET. No dependencies; the output opens in any browser and renders on GitHub.
 */
import type { LoadResult } from './types.js';
import { sizeLabel } from './report.js';
import { LABELS } from './systems.js';

const COLORS: Record<string, string> = {
  coffer: '#1f6feb',
  'coffer-http': '#8ab4f8',
  s3rver: '#d9480f',
  nginx: '#2f9e44',
  disk: '#6741d9',
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function panel(results: LoadResult[], op: 'PUT' | 'GET', x0: number, w: number, h: number): string {
  const rows = results.filter((r) => r.op === op && r.mbPerSec > 0);
  const sizes = [...new Set(rows.map((r) => r.size))].sort((a, b) => a - b);
  const left = x0 + 60;
  const right = x0 + w - 20;
  const top = 40;
  const bottom = h - 50;
  if (rows.length === 0) return `<text x="${x0 + w / 2}" y="${h / 2}" text-anchor="middle">no ${op} data</text>`;
  const lo = Math.floor(Math.log10(Math.min(...rows.map((r) => r.mbPerSec))));
  const hi = Math.ceil(Math.log10(Math.max(...rows.map((r) => r.mbPerSec))));
  const span = Math.max(1, hi - lo);
  const y = (v: number) => bottom - ((Math.log10(v) - lo) / span) * (bottom - top);
  // Sizes are evenly spaced (they grow geometrically), inset so the end labels clear the axis.
  const inset = 30;
  const x = (size: number) => (sizes.length === 1 ? (left + right) / 2 : left + inset + (sizes.indexOf(size) / (sizes.length - 1)) * (right - left - 2 * inset));
  const out: string[] = [`<text x="${(left + right) / 2}" y="24" text-anchor="middle" font-weight="bold">${op} throughput (MB/s, log scale)</text>`];
  for (let e = lo; e <= hi; e++) {
    const yy = y(10 ** e);
    out.push(`<line x1="${left}" x2="${right}" y1="${yy}" y2="${yy}" stroke="#ddd"/>`, `<text x="${left - 6}" y="${yy + 4}" text-anchor="end" font-size="11">${10 ** e >= 1 ? (10 ** e).toFixed(0) : (10 ** e).toString()}</text>`);
  }
  for (const s of sizes) out.push(`<text x="${x(s)}" y="${bottom + 18}" text-anchor="middle" font-size="11">${sizeLabel(s)}</text>`);
  out.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${bottom}" stroke="#888"/>`, `<line x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}" stroke="#888"/>`);
  for (const system of [...new Set(rows.map((r) => r.system))]) {
    const pts = rows.filter((r) => r.system === system).sort((a, b) => a.size - b.size);
    const color = COLORS[system] ?? '#444';
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map((p) => `${x(p.size).toFixed(1)},${y(p.mbPerSec).toFixed(1)}`).join(' ')}"/>`);
    for (const p of pts) out.push(`<circle cx="${x(p.size).toFixed(1)}" cy="${y(p.mbPerSec).toFixed(1)}" r="3.5" fill="${color}"><title>${esc(system)} ${op} ${sizeLabel(p.size)}: ${p.mbPerSec.toFixed(1)} MB/s, ${p.opsPerSec.toFixed(0)} ops/s</title></circle>`);
  }
  out.push(`<text x="${(left + right) / 2}" y="${h - 14}" text-anchor="middle" font-size="12">object size</text>`);
  return out.join('\n');
}

/** The chart as an SVG document. */
export function throughputChart(results: LoadResult[], title: string): string {
  const w = 520;
  const h = 360;
  const systems = [...new Set(results.filter((r) => r.op === 'PUT' || r.op === 'GET').map((r) => r.system))];
  const legendY = h + 10;
  const legend = systems.map((s, i) => {
    const lx = 20 + (i % 3) * 340;
    const ly = legendY + Math.floor(i / 3) * 20;
    return `<rect x="${lx}" y="${ly}" width="14" height="4" fill="${COLORS[s] ?? '#444'}"/><text x="${lx + 20}" y="${ly + 6}" font-size="12">${esc((LABELS as Record<string, string>)[s] ?? s)}</text>`;
  });
  const totalH = legendY + Math.ceil(systems.length / 3) * 20 + 30;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * w}" height="${totalH}" viewBox="0 0 ${2 * w} ${totalH}" font-family="system-ui, sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<g transform="translate(0,20)">`,
    panel(results, 'PUT', 0, w, h),
    panel(results, 'GET', w, w, h),
    legend.join('\n'),
    `</g>`,
    `<text x="${w}" y="18" text-anchor="middle" font-size="14">${esc(title)}</text>`,
    `</svg>`,
    '',
  ].join('\n');
}
