/**
 * Text renderings of a scan report: `json` (the report as data, Macie-shaped findings per object)
 * and `table` (for people). `sarif` lives in render-sarif.ts. None of them can print a raw value:
 * the report only holds masked values and keyed hashes.
 */
import { describeLocation, flattenOccurrences } from './occurrences.js';
import { formatBytes } from './progress.js';
import type { ScanReport } from './run-scan.js';
import { toSarif } from './render-sarif.js';

export type OutputFormat = 'table' | 'json' | 'sarif';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json', 'sarif'];

/** The JSON document of `--format json` (schema version 1). */
export function toJson(report: ScanReport): object {
  return {
    schemaVersion: 1,
    tool: 'coffer scan',
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    summary: report.summary,
    objects: report.objects.map((o) => ({
      location: o.name,
      size: o.size,
      bytesScanned: o.bytesScanned,
      ...(o.format !== undefined ? { format: o.format } : {}),
      status: o.status,
      ...(o.skipped.length > 0 ? { skipped: o.skipped } : {}),
      ...(o.error !== undefined ? { error: o.error } : {}),
      finding: o.findings,
    })),
  };
}

function table(rows: string[][], header: string[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The human-readable table of `--format table`. */
export function toTable(report: ScanReport): string {
  const rows: string[][] = [];
  for (const o of report.objects) {
    for (const d of o.findings.detections) {
      const flat = flattenOccurrences(d);
      const shown = flat.slice(0, 3).map(describeLocation);
      const more = d.count - shown.length;
      rows.push([
        o.name, d.type, d.category, d.severity, String(d.count),
        shown.join(', ') + (more > 0 ? ` (+${more})` : ''),
        flat[0]?.masked ?? '',
      ]);
    }
  }
  const parts: string[] = [];
  if (rows.length > 0) {
    parts.push(table(rows, ['OBJECT', 'IDENTIFIER', 'CATEGORY', 'SEVERITY', 'COUNT', 'LOCATIONS', 'SAMPLE (MASKED)']));
  } else {
    parts.push('No sensitive data found.');
  }
  const incomplete = report.objects.filter((o) => o.status !== 'COMPLETE');
  if (incomplete.length > 0) {
    const r = incomplete.map((o) => [
      o.name, o.status,
      o.error ?? o.skipped.map((s) => `${s.reason}${s.container.length > 0 ? ` (${s.container.join('/')})` : ''}`).join(', '),
    ]);
    parts.push(table(r, ['NOT FULLY SCANNED', 'STATUS', 'REASON']));
  }
  const s = report.summary;
  const secs = (Date.parse(report.finishedAt) - Date.parse(report.startedAt)) / 1000;
  parts.push(
    `Scanned ${s.objectsScanned} object${s.objectsScanned === 1 ? '' : 's'} (${formatBytes(s.bytesScanned)}) in ${secs.toFixed(1)} s: ` +
    `${s.objectsWithFindings} with findings, ${s.occurrences} occurrence${s.occurrences === 1 ? '' : 's'}` +
    (s.objectsPartial + s.objectsSkipped + s.objectsFailed > 0
      ? `; ${s.objectsPartial} partial, ${s.objectsSkipped} skipped, ${s.objectsFailed} failed.` : '.'),
  );
  return parts.join('\n\n') + '\n';
}

/** Renders the report in `format`; `cwd` is the base of relative paths (SARIF SRCROOT). */
export function renderReport(report: ScanReport, format: OutputFormat, cwd: string): string {
  switch (format) {
    case 'json': return JSON.stringify(toJson(report), null, 2) + '\n';
    case 'sarif': return JSON.stringify(toSarif(report, cwd), null, 2) + '\n';
    case 'table': return toTable(report);
  }
}
