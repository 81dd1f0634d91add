/**
 * Per-object accumulator: turns raw matches into Macie-shaped findings.
 *
 *   for each match: count[type]++, distinct[type].add(digest53(normalized))   (in memory only)
 *                   if occurrences[type] < 15: record location derived from the unit location,
 *                     with HMAC-SHA256(key, type || 0x00 || normalized) as the value's hash
 *   finish: detections sorted by type; severity per type (custom: severityForCount, null = no
 *           finding); object severity = max; category = the single category or Multiple.
 *
 * The raw value never leaves this file: only a masked form and the keyed hash are stored.
 * Memory is bounded: at most 15 occurrences and MAX_DISTINCT hashes per identifier type.
 */
import { createHmac } from 'node:crypto';
import type { TextUnit } from '../types.js';
import type {
  DataCategory, Detection, Detector, FindingCategory, ObjectFindings, OccurrenceExtras, Occurrences,
  RawMatch, Severity,
} from './model.js';

export const MAX_OCCURRENCES = 15;
const MAX_DISTINCT = 10_000;
const SCORE: Record<Severity, 1 | 2 | 3> = { Low: 1, Medium: 2, High: 3 };

interface TypeState {
  category: DataCategory;
  count: number;
  /** digest53 of each distinct normalized value (never the value itself). */
  distinct: Set<number>;
  distinctOverflow: number;
  occurrences: Occurrences;
  recorded: number;
}

/** A 53-bit non-cryptographic digest of a string (cyrb53: two multiplicative 32-bit lanes). */
export function digest53(s: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Default mask: all letters and digits replaced by `*` except the last 4 of values of 10+ chars. */
export function defaultMask(value: string): string {
  const keep = value.length >= 10 ? 4 : 0;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    out += i < value.length - keep && /[\p{L}\p{N}]/u.test(c) ? '*' : c;
  }
  return out.length > 64 ? `${out.slice(0, 30)}…${out.slice(-30)}` : out;
}

function columnLetters(column: number): string {
  let s = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** Line index of a unit, built only when an occurrence in that unit is recorded. */
class LineIndex {
  private readonly nl: number[] = [];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.nl.push(i);
  }
  /** Number of newlines strictly before `offset`, and the index of the last one (-1 if none). */
  locate(offset: number): { lines: number; lastNl: number } {
    let lo = 0;
    let hi = this.nl.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (this.nl[mid]! < offset) lo = mid + 1; else hi = mid; }
    return { lines: lo, lastNl: lo === 0 ? -1 : this.nl[lo - 1]! };
  }
}

export class ObjectScan {
  private readonly types = new Map<string, TypeState>();
  private readonly hashKey: Buffer;
  private readonly detectors: ReadonlyMap<string, Detector>;

  constructor(opts: { hashKey: Buffer; detectors: ReadonlyMap<string, Detector> }) {
    this.hashKey = opts.hashKey;
    this.detectors = opts.detectors;
  }

  /** Adds the matches `scanner.scanUnit(unit)` returned for one unit of this object. */
  add(unit: TextUnit, matches: readonly RawMatch[]): void {
    let lines: LineIndex | null = null;
    for (const m of matches) {
      let st = this.types.get(m.identifier);
      if (st === undefined) {
        st = { category: m.category, count: 0, distinct: new Set(), distinctOverflow: 0, occurrences: {}, recorded: 0 };
        this.types.set(m.identifier, st);
      }
      st.count++;
      // Distinct values are counted on a fast 53-bit digest (collisions only undercount, at
      // odds of ~n^2 / 2^54); the keyed HMAC is computed only for the occurrences recorded.
      const digest = digest53(m.normalized);
      if (st.distinct.size < MAX_DISTINCT) st.distinct.add(digest); else if (!st.distinct.has(digest)) st.distinctOverflow++;
      if (st.recorded >= MAX_OCCURRENCES) continue;
      st.recorded++;
      const hash = createHmac('sha256', this.hashKey).update(`${m.identifier}\u0000${m.normalized}`).digest('hex');
      const det = this.detectors.get(m.identifier);
      const extras: OccurrenceExtras = {
        masked: det?.mask ? det.mask(m.text) : defaultMask(m.text),
        hash,
        confidence: m.confidence,
      };
      if (unit.container !== undefined && unit.container.length > 0) extras.container = [...unit.container];
      const loc = unit.location;
      const occ = st.occurrences;
      if (loc.kind === 'text' || loc.kind === 'page') {
        lines ??= new LineIndex(unit.text);
        const a = lines.locate(m.start);
        const b = lines.locate(m.end - 1);
        const startLine = loc.startLine + a.lines;
        const startColumn = a.lines === 0 ? loc.startColumn + m.start : m.start - a.lastNl;
        const lineRange = { start: startLine, end: loc.startLine + b.lines, startColumn };
        const offsetRange = { start: loc.startOffset + m.start, end: loc.startOffset + m.end, startColumn };
        if (loc.kind === 'text') {
          (occ.lineRanges ??= []).push({ ...lineRange, ...extras });
          (occ.offsetRanges ??= []).push({ ...offsetRange, ...extras });
          if (loc.page !== undefined) (occ.pages ??= []).push({ pageNumber: loc.page, lineRange, offsetRange, ...extras });
        } else {
          (occ.pages ??= []).push({ pageNumber: loc.page, lineRange, offsetRange, ...extras });
        }
      } else if (loc.kind === 'cell') {
        (occ.cells ??= []).push({
          row: loc.row,
          column: loc.column,
          columnName: loc.columnName,
          cellReference: loc.sheet !== undefined ? `${loc.sheet}!${columnLetters(loc.column)}${loc.row}` : null,
          ...extras,
        });
      } else {
        (occ.records ??= []).push({ recordIndex: loc.recordIndex, jsonPath: loc.jsonPath, ...extras });
      }
    }
  }

  /** Total occurrences so far (all types). */
  get totalCount(): number {
    let n = 0;
    for (const st of this.types.values()) n += st.count;
    return n;
  }

  /** The object's findings. Can be called more than once. */
  finish(): ObjectFindings {
    const detections: Detection[] = [];
    for (const [type, st] of [...this.types].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
      const det = this.detectors.get(type);
      const severity = det?.severityForCount ? det.severityForCount(st.count) : severityFor(det?.severity ?? 'Medium', st.category, st.count);
      if (severity === null) continue;
      detections.push({
        type,
        category: st.category,
        severity,
        count: st.count,
        distinctCount: st.distinct.size + st.distinctOverflow,
        occurrences: st.occurrences,
      });
    }
    if (detections.length === 0) {
      return { type: null, category: null, severity: null, totalCount: 0, additionalOccurrences: false, detections };
    }
    const cats = new Set(detections.map((d) => d.category));
    const category: FindingCategory = cats.size === 1 ? [...cats][0]! : 'Multiple';
    const top = detections.reduce<Severity>((s, d) => (SCORE[d.severity] > SCORE[s] ? d.severity : s), 'Low');
    return {
      type: `SensitiveData:S3Object/${category}`,
      category,
      severity: { description: top, score: SCORE[top] },
      totalCount: detections.reduce((n, d) => n + d.count, 0),
      additionalOccurrences: detections.some((d) => d.count > MAX_OCCURRENCES),
      detections,
    };
  }
}

/**
 * Managed identifiers: credentials keep their severity at any count; personal and financial data
 * go one level up from 100 occurrences in one object (bulk exposure).
 */
function severityFor(base: Severity, category: DataCategory, count: number): Severity {
  if (category === 'Credentials' || count < 100) return base;
  return base === 'Low' ? 'Medium' : 'High';
}

