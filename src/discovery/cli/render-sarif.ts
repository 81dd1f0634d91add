/**
 * SARIF 2.1.0 output of `coffer scan`: one run, one rule per identifier type that was found, one
 * result per reported occurrence (the engine keeps up to 15 per type and object).
 *
 * - text occurrences: physicalLocation.region { startLine, endLine, startColumn } (+ charOffset)
 * - cells / records / PDF pages: the file as physicalLocation, the place inside it as a
 *   logicalLocation (`Sheet1!C5`, `R3C2`, `$.a.b[0]` of record N, `page 2`)
 * - a match inside an archive or attachment: logicalLocations also name the container path
 * - the value itself never appears: message and properties carry the masked form, and
 *   partialFingerprints the keyed hash (stable across runs with the same --hash-key-file)
 */
import { pathToFileURL } from 'node:url';
import type { Severity } from '../engine/model.js';
import { describeLocation, flattenOccurrences, type FlatOccurrence } from './occurrences.js';
import type { ScanReport } from './run-scan.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { High: 'error', Medium: 'warning', Low: 'note' };

interface SarifLogicalLocation { name?: string; fullyQualifiedName: string; kind: string }

function logicalLocations(f: FlatOccurrence): SarifLogicalLocation[] {
  const out: SarifLogicalLocation[] = [];
  const container = f.container !== undefined && f.container.length > 0 ? f.container.join('/') : null;
  if (container !== null) out.push({ fullyQualifiedName: container, kind: 'resource' });
  const prefix = container !== null ? `${container}:` : '';
  switch (f.kind) {
    case 'cell': {
      const ref = f.cell.cellReference ?? `R${f.cell.row}C${f.cell.column}`;
      out.push({ ...(f.cell.columnName ? { name: f.cell.columnName } : {}), fullyQualifiedName: `${prefix}${ref}`, kind: 'element' });
      break;
    }
    case 'record':
      out.push({ name: f.record.jsonPath, fullyQualifiedName: `${prefix}record ${f.record.recordIndex} ${f.record.jsonPath}`, kind: 'value' });
      break;
    case 'page':
      out.push({ fullyQualifiedName: `${prefix}page ${f.page}`, kind: 'element' });
      break;
    case 'line':
      if (f.page !== undefined) out.push({ fullyQualifiedName: `${prefix}page ${f.page}`, kind: 'element' });
      break;
    case 'offset':
      break;
  }
  return out;
}

function region(f: FlatOccurrence): Record<string, number> | undefined {
  if (f.kind === 'line') {
    return {
      startLine: f.line.start, endLine: f.line.end, startColumn: f.line.startColumn,
      ...(f.offset !== undefined ? { charOffset: f.offset.start, charLength: f.offset.end - f.offset.start } : {}),
    };
  }
  if (f.kind === 'offset') return { charOffset: f.offset.start, charLength: f.offset.end - f.offset.start };
  return undefined;
}

/** Builds the SARIF log object for a report. `cwd` is the SRCROOT of relative artifact URIs. */
export function toSarif(report: ScanReport, cwd: string): object {
  const ruleIndex = new Map<string, number>();
  const rules: object[] = [];
  const results: object[] = [];
  const notifications: object[] = [];
  for (const obj of report.objects) {
    const artifactLocation = obj.uriIsRelative ? { uri: obj.uri, uriBaseId: 'SRCROOT' } : { uri: obj.uri };
    for (const d of obj.findings.detections) {
      let idx = ruleIndex.get(d.type);
      if (idx === undefined) {
        idx = rules.length;
        ruleIndex.set(d.type, idx);
        const info = report.identifiers.get(d.type);
        rules.push({
          id: d.type,
          name: d.type,
          shortDescription: { text: info?.description ?? d.type },
          defaultConfiguration: { level: LEVEL[d.severity] },
          properties: { category: d.category, tags: ['sensitive-data', d.category] },
        });
      }
      for (const f of flattenOccurrences(d)) {
        const reg = region(f);
        const logical = logicalLocations(f);
        results.push({
          ruleId: d.type,
          ruleIndex: idx,
          kind: 'fail',
          level: LEVEL[d.severity],
          message: { text: `${d.type} (${d.category}) at ${describeLocation(f)}: ${f.masked}` },
          locations: [{
            physicalLocation: { artifactLocation, ...(reg !== undefined ? { region: reg } : {}) },
            ...(logical.length > 0 ? { logicalLocations: logical } : {}),
          }],
          partialFingerprints: { 'valueHmacSha256/v1': f.hash },
          properties: {
            masked: f.masked,
            confidence: f.confidence,
            category: d.category,
            severity: d.severity,
            objectOccurrences: d.count,
            ...(f.container !== undefined ? { container: f.container } : {}),
          },
        });
      }
    }
    if (obj.status !== 'COMPLETE') {
      const reasons = obj.error !== undefined ? [obj.error] : obj.skipped.map((s) =>
        `${s.reason}${s.container.length > 0 ? ` in ${s.container.join('/')}` : ''}${s.detail ? `: ${s.detail}` : ''}`);
      notifications.push({
        level: obj.status === 'ERROR' ? 'error' : 'warning',
        message: { text: `${obj.name}: ${obj.status}${reasons.length > 0 ? ` (${reasons.join('; ')})` : ''}` },
        locations: [{ physicalLocation: { artifactLocation } }],
        properties: { status: obj.status, skipped: obj.skipped },
      });
    }
  }
  const base = pathToFileURL(cwd).href;
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'coffer',
          fullName: 'Coffer sensitive data discovery (coffer scan)',
          rules,
        },
      },
      originalUriBaseIds: { SRCROOT: { uri: base.endsWith('/') ? base : `${base}/` } },
      invocations: [{
        executionSuccessful: report.summary.objectsFailed === 0,
        startTimeUtc: report.startedAt,
        endTimeUtc: report.finishedAt,
        ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
      }],
      results,
      properties: { summary: report.summary },
    }],
  };
}
