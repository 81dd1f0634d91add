/**
 * Flattens a detection's Macie `Occurrences` into one entry per occurrence. The engine records a
 * text match both as a lineRange and as an offsetRange (index-aligned), and a text match with a
 * page number also as a page; those are one occurrence, not two or three.
 */
import type { CellLocation, Detection, LineRange, OccurrenceExtras, OffsetRange, RecordLocation } from '../engine/model.js';

export type FlatOccurrence = OccurrenceExtras & (
  | { kind: 'line'; line: LineRange; offset?: OffsetRange; page?: number }
  | { kind: 'page'; page: number; line?: LineRange }
  | { kind: 'cell'; cell: CellLocation }
  | { kind: 'record'; record: RecordLocation }
  | { kind: 'offset'; offset: OffsetRange }
);

function extras(o: OccurrenceExtras): OccurrenceExtras {
  return { masked: o.masked, hash: o.hash, confidence: o.confidence, ...(o.container !== undefined ? { container: o.container } : {}) };
}

const keyOf = (hash: string, container: string[] | undefined, line: LineRange | undefined): string =>
  `${hash}\u0000${(container ?? []).join('/')}\u0000${line ? `${line.start}:${line.startColumn}` : ''}`;

/** One entry per occurrence, in the order the engine recorded them per location kind. */
export function flattenOccurrences(d: Detection): FlatOccurrence[] {
  const out: FlatOccurrence[] = [];
  const o = d.occurrences;
  const lineKeys = new Map<string, FlatOccurrence & { kind: 'line' }>();
  (o.lineRanges ?? []).forEach((l, i) => {
    const off = o.offsetRanges?.[i];
    const entry: FlatOccurrence & { kind: 'line' } = {
      kind: 'line', ...extras(l), line: { start: l.start, end: l.end, startColumn: l.startColumn },
      ...(off !== undefined ? { offset: { start: off.start, end: off.end } } : {}),
    };
    lineKeys.set(keyOf(l.hash, l.container, entry.line), entry);
    out.push(entry);
  });
  if ((o.lineRanges?.length ?? 0) === 0) {
    for (const off of o.offsetRanges ?? []) out.push({ kind: 'offset', ...extras(off), offset: { start: off.start, end: off.end } });
  }
  for (const p of o.pages ?? []) {
    const twin = p.lineRange !== undefined ? lineKeys.get(keyOf(p.hash, p.container, p.lineRange)) : undefined;
    if (twin !== undefined) { twin.page = p.pageNumber; continue; }
    out.push({ kind: 'page', ...extras(p), page: p.pageNumber, ...(p.lineRange !== undefined ? { line: p.lineRange } : {}) });
  }
  for (const c of o.cells ?? []) {
    out.push({ kind: 'cell', ...extras(c), cell: { row: c.row, column: c.column, columnName: c.columnName, cellReference: c.cellReference } });
  }
  for (const r of o.records ?? []) out.push({ kind: 'record', ...extras(r), record: { recordIndex: r.recordIndex, jsonPath: r.jsonPath } });
  return out;
}

/** Short human form of where an occurrence is: `L3:5`, `p2 L3:5`, `Sheet1!C5`, `R3C2 (email)`, `#0 $.a`. */
export function describeLocation(f: FlatOccurrence): string {
  const inside = f.container !== undefined && f.container.length > 0 ? `${f.container.join('/')}:` : '';
  switch (f.kind) {
    case 'line': return `${inside}${f.page !== undefined ? `p${f.page} ` : ''}L${f.line.start}:${f.line.startColumn}`;
    case 'page': return `${inside}p${f.page}${f.line ? ` L${f.line.start}:${f.line.startColumn}` : ''}`;
    case 'cell': return `${inside}${f.cell.cellReference ?? `R${f.cell.row}C${f.cell.column}`}${f.cell.columnName ? ` (${f.cell.columnName})` : ''}`;
    case 'record': return `${inside}#${f.record.recordIndex} ${f.record.jsonPath}`;
    case 'offset': return `${inside}@${f.offset.start}`;
  }
}
