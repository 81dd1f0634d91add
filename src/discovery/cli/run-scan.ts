/**
 * Scans a sequence of objects: each is streamed through the format readers and the engine, one at
 * a time, so memory stays bounded by the readers' limits whatever the object sizes.
 *
 *   for object in objects:
 *     stream = object.open()  -> count bytes (progress)  -> readUnitBatches(stream, { filename })
 *     for event: unit    -> batch (~1 MB of units of one file); full batch -> scanner.scanUnits(batch),
 *                           keep matches starting in [ownStart, ownEnd)
 *                skipped -> recorded with its reason (never silently dropped)
 *     findings = accumulator.finish()   (counts, <= 15 locations, masked values and keyed hashes)
 *   an object that cannot be read (I/O, permissions, S3 error) is recorded as ERROR and the scan goes on
 */
import type { ObjectFindings } from '../engine/model.js';
import type { Scanner } from '../engine/scanner.js';
import { readUnitBatches, type FormatName, type ScanUnit } from '../formats/index.js';
import type { SkippedPart } from '../types.js';
import type { Progress } from './progress.js';
import type { ScanObject } from './scan-object.js';

/**
 * Chars of units scanned together (CSV cells, JSON values): large enough to amortise per-call
 * costs, small enough that the batch's unit objects rarely outlive a young-generation GC and
 * that the joined batch text (plus a 3-char separator per unit) stays under V8's large-object
 * size (128 KiB), which is much slower to allocate and collect.
 */
const BATCH_CHARS = 64 * 1024;

const sameContainer = (a: readonly string[] | undefined, b: readonly string[] | undefined): boolean => {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return (a?.length ?? 0) === 0 && (b?.length ?? 0) === 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** How completely an object was scanned (Macie's classification status, plus ERROR). */
export type ObjectStatus = 'COMPLETE' | 'PARTIAL' | 'SKIPPED' | 'ERROR';

export interface ObjectResult {
  name: string;
  uri: string;
  uriIsRelative: boolean;
  size: number;
  bytesScanned: number;
  /** Format of the object itself ('unsupported' when it was not recognised; undefined on error). */
  format?: FormatName;
  status: ObjectStatus;
  skipped: SkippedPart[];
  /** Why the object could not be read (ERROR only). Never contains scanned content. */
  error?: string;
  findings: ObjectFindings;
}

export interface ScanSummary {
  objectsScanned: number;
  bytesScanned: number;
  objectsWithFindings: number;
  occurrences: number;
  objectsPartial: number;
  objectsSkipped: number;
  objectsFailed: number;
}

export interface ScanReport {
  startedAt: string;
  finishedAt: string;
  summary: ScanSummary;
  /** Objects with findings, skipped parts or errors, in scan order (clean objects are only counted). */
  objects: ObjectResult[];
  /** Descriptions of the identifiers that ran, for SARIF rules: id -> { category, description }. */
  identifiers: ReadonlyMap<string, { category: string; description: string }>;
}

export interface RunScanOptions {
  scanner: Scanner;
  progress: Progress;
  /** Stop reading an object after this many ms; it is then reported PARTIAL with reason TIMEOUT. */
  objectTimeoutMs?: number;
  now?: () => Date;
}

/** Scans `objects` sequentially and returns the report. Throws only when listing objects fails. */
export async function runScan(objects: AsyncIterable<ScanObject> | Iterable<ScanObject>, opts: RunScanOptions): Promise<ScanReport> {
  const now = opts.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const summary: ScanSummary = {
    objectsScanned: 0, bytesScanned: 0, objectsWithFindings: 0, occurrences: 0, objectsPartial: 0, objectsSkipped: 0, objectsFailed: 0,
  };
  const kept: ObjectResult[] = [];
  for await (const object of objects) {
    opts.progress.object(object.name);
    const r = await scanObject(object, opts.scanner, opts.progress, opts.objectTimeoutMs);
    opts.progress.objectDone();
    summary.objectsScanned++;
    summary.bytesScanned += r.bytesScanned;
    summary.occurrences += r.findings.totalCount;
    if (r.findings.detections.length > 0) summary.objectsWithFindings++;
    if (r.status === 'PARTIAL') summary.objectsPartial++;
    else if (r.status === 'SKIPPED') summary.objectsSkipped++;
    else if (r.status === 'ERROR') summary.objectsFailed++;
    if (r.findings.detections.length > 0 || r.status !== 'COMPLETE') kept.push(r);
  }
  const identifiers = new Map<string, { category: string; description: string }>();
  for (const d of opts.scanner.detectors) {
    identifiers.set(d.id, { category: d.category, description: d.description });
    if (d.noKeywordId !== undefined) identifiers.set(d.noKeywordId, { category: d.category, description: `${d.description} (no keyword nearby)` });
  }
  return { startedAt, finishedAt: now().toISOString(), summary, objects: kept, identifiers };
}

async function scanObject(object: ScanObject, scanner: Scanner, progress: Progress, timeoutMs: number | undefined): Promise<ObjectResult> {
  const base = { name: object.name, uri: object.uri, uriIsRelative: object.uriIsRelative, size: object.size };
  let bytesScanned = 0;
  const skipped: SkippedPart[] = [];
  let format: FormatName | undefined;
  let units = 0;
  const acc = scanner.newObject();
  async function* counted(stream: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer | string> {
    for await (const chunk of stream) {
      bytesScanned += chunk.length;
      progress.bytes(chunk.length);
      yield chunk;
    }
  }
  // Units are scanned in batches of ~1 MB (one prefilter and regex pass per batch instead of
  // per CSV cell / JSON value); a batch never spans two files of a container.
  let batch: ScanUnit[] = [];
  let batchChars = 0;
  const flush = (): void => {
    if (batch.length === 0) return;
    const results = scanner.scanUnits(batch);
    for (let i = 0; i < batch.length; i++) {
      const r = results[i]!;
      if (r.length === 0) continue;
      const u = batch[i]!;
      const own = r.filter((m) => m.start >= u.ownStart && m.start < u.ownEnd);
      if (own.length > 0) acc.add(u, own);
    }
    batch = [];
    batchChars = 0;
  };
  try {
    const stream = await object.open();
    const signal = timeoutMs !== undefined ? AbortSignal.timeout(timeoutMs) : undefined;
    for await (const events of readUnitBatches(counted(stream), { filename: object.name, ...(signal !== undefined ? { signal } : {}) })) {
      for (const ev of events) {
        if (ev.type === 'unit') {
          units++;
          const u = ev.unit;
          if (batch.length > 0 && u.container !== batch[0]!.container && !sameContainer(u.container, batch[0]!.container)) flush();
          batch.push(u);
          batchChars += u.text.length;
          if (batchChars >= BATCH_CHARS) flush();
        } else if (ev.type === 'skipped') {
          skipped.push(ev.part);
        } else if (ev.container.length === 0) {
          format = ev.format;
        }
      }
    }
    flush();
  } catch (e) {
    try { flush(); } catch { /* the units read before the failure stay reported when they can be */ }
    return {
      ...base, bytesScanned, ...(format !== undefined ? { format } : {}), status: 'ERROR', skipped, error: describeError(e),
      findings: acc.finish(),
    };
  }
  const whole = skipped.some((s) => s.container.length === 0);
  const status: ObjectStatus = skipped.length === 0 ? 'COMPLETE' : whole && units === 0 ? 'SKIPPED' : 'PARTIAL';
  return { ...base, bytesScanned, ...(format !== undefined ? { format } : {}), status, skipped, findings: acc.finish() };
}

/** A one-line reason for a read failure: error codes and names, not content. */
function describeError(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    const name = e.name !== 'Error' ? e.name : '';
    const label = [typeof code === 'string' ? code : '', name].filter((s) => s !== '').join(' ');
    return label !== '' ? `${label}: ${e.message}` : e.message;
  }
  return String(e);
}
