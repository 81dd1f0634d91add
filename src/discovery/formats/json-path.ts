/**
 * JSON paths as Macie reports them ($.a.b[0], $['odd key']) and a walker that turns decoded
 * records (Avro, Parquet) into one unit per scalar value.
 */
import type { ScanUnit } from './types.js';

export type PathSegment = string | number;

const IDENT = /^[A-Za-z_$][\w$]*$/;
/** Macie truncates paths longer than 250 chars, dropping elements from the start. */
const MAX_PATH = 250;

export function formatJsonPath(segments: readonly PathSegment[]): string {
  let out = '$';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (IDENT.test(s)) out += `.${s}`;
    else out += `['${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
  }
  return out.length > MAX_PATH ? `…${out.slice(out.length - MAX_PATH + 1)}` : out;
}

export function keysOf(segments: readonly PathSegment[]): string[] {
  return segments.filter((s): s is string => typeof s === 'string');
}

export function recordUnit(text: string, recordIndex: number, segments: readonly PathSegment[], container: string[]): ScanUnit {
  const keys = keysOf(segments);
  const unit: ScanUnit = {
    text,
    location: { kind: 'record', recordIndex, jsonPath: formatJsonPath(segments) },
    container,
    ownStart: 0,
    ownEnd: text.length,
  };
  if (keys.length > 0) unit.contextKeywords = keys;
  return unit;
}

/** Text of a decoded scalar worth scanning, or null (booleans, nulls, binary). */
export function scalarText(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() === '' ? null : v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return null;
    const iso = v.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  return null;
}

/** The scalars of a decoded value, depth first, each with its path (the path array is reused: copy it to keep it). */
export function* scalars(v: unknown, path: PathSegment[] = []): Generator<[string, PathSegment[]]> {
  const text = scalarText(v);
  if (text !== null) { yield [text, path]; return; }
  if (v === null || typeof v !== 'object' || v instanceof Date || ArrayBuffer.isView(v) || path.length > 64) return;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) { path.push(i); yield* scalars(v[i], path); path.pop(); }
  } else if (v instanceof Map) {
    for (const [k, item] of v) { path.push(String(k)); yield* scalars(item, path); path.pop(); }
  } else {
    for (const k in v as Record<string, unknown>) {
      if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
      path.push(k);
      yield* scalars((v as Record<string, unknown>)[k], path);
      path.pop();
    }
  }
}

/** Walks a decoded value depth first, calling `emit` for each scalar with its path. */
export function walkValue(v: unknown, path: PathSegment[], emit: (text: string, path: PathSegment[]) => void): void {
  for (const [text, at] of scalars(v, [...path])) emit(text, at);
}
