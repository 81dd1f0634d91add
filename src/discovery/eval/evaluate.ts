/**
 * Scores a scanner against a labeled corpus. A predicted match is a true positive when a label
 * with the same identifier overlaps its span in the same unit; every other prediction is a false
 * positive for its identifier; every label left unmatched is a false negative.
 */
import type { Scanner } from '../engine/scanner.js';
import type { LabeledDocument } from './corpus.js';
import { valueSpecs, type EvalKind } from './values.js';

export interface IdentifierScore {
  identifier: string;
  kind: EvalKind | 'other';
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  /** The bar the identifier must meet (0.95 checksum-validated, 0.85 keyword-dependent or format). */
  bar: number;
}

export interface Evaluation {
  scores: IdentifierScore[];
  /** A few false positives / negatives per identifier, masked to the shape only, for debugging. */
  examples: Array<{ identifier: string; type: 'fp' | 'fn'; doc: string; context: string }>;
}

export const BARS: Readonly<Record<EvalKind | 'other', number>> = { checksum: 0.95, keyword: 0.85, format: 0.85, other: 0.85 };

export function evaluate(scanner: Scanner, docs: readonly LabeledDocument[], opts: { examples?: number } = {}): Evaluation {
  const kinds = new Map<string, EvalKind>();
  for (const s of valueSpecs()) {
    kinds.set(s.id, s.kind);
    if (s.noKeywordId) kinds.set(s.noKeywordId, s.kind);
  }
  kinds.set('CREDIT_CARD_NUMBER', 'checksum');
  const counts = new Map<string, { tp: number; fp: number; fn: number }>();
  const c = (id: string): { tp: number; fp: number; fn: number } => {
    let x = counts.get(id);
    if (!x) { x = { tp: 0, fp: 0, fn: 0 }; counts.set(id, x); }
    return x;
  };
  const examples: Evaluation['examples'] = [];
  const perId = new Map<string, number>();
  const example = (identifier: string, type: 'fp' | 'fn', doc: LabeledDocument, unit: number, start: number, end: number): void => {
    const k = `${identifier}|${type}`;
    if ((perId.get(k) ?? 0) >= (opts.examples ?? 0)) return;
    perId.set(k, (perId.get(k) ?? 0) + 1);
    const t = doc.units[unit]!.text;
    examples.push({ identifier, type, doc: doc.name, context: `${t.slice(Math.max(0, start - 40), start)}[[${t.slice(start, end)}]]${t.slice(end, end + 20)}`.replace(/\n/g, '⏎') });
  };
  for (const doc of docs) {
    // Batches of up to ~256 KiB, as a format reader would hand them over.
    const results: ReturnType<Scanner['scanUnits']> = [];
    for (let i = 0; i < doc.units.length;) {
      let size = 0;
      let j = i;
      while (j < doc.units.length && (j === i || size < 256 * 1024)) size += doc.units[j++]!.text.length;
      results.push(...scanner.scanUnits(doc.units.slice(i, j)));
      i = j;
    }
    const used = new Set<number>();
    results.forEach((matches, unit) => {
      for (const m of matches) {
        const li = doc.labels.findIndex((l, idx) => !used.has(idx) && l.unit === unit && l.identifier === m.identifier && l.start < m.end && m.start < l.end);
        if (li >= 0) { used.add(li); c(m.identifier).tp++; } else { c(m.identifier).fp++; example(m.identifier, 'fp', doc, unit, m.start, m.end); }
      }
    });
    doc.labels.forEach((l, idx) => { if (!used.has(idx)) { c(l.identifier).fn++; example(l.identifier, 'fn', doc, l.unit, l.start, l.end); } });
  }
  const scores: IdentifierScore[] = [...counts].sort((a, b) => a[0].localeCompare(b[0])).map(([identifier, x]) => {
    const kind = kinds.get(identifier) ?? 'other';
    return {
      identifier,
      kind,
      ...x,
      precision: x.tp + x.fp === 0 ? 1 : x.tp / (x.tp + x.fp),
      recall: x.tp + x.fn === 0 ? 1 : x.tp / (x.tp + x.fn),
      bar: BARS[kind],
    };
  });
  return { scores, examples };
}

/** Markdown table of the scores. */
export function toMarkdown(scores: readonly IdentifierScore[]): string {
  const lines = ['| Identifier | Kind | TP | FP | FN | Precision | Recall | Bar | OK |', '|---|---|---:|---:|---:|---:|---:|---:|:---:|'];
  for (const s of scores) {
    const ok = s.precision >= s.bar && s.recall >= s.bar;
    lines.push(`| ${s.identifier} | ${s.kind} | ${s.tp} | ${s.fp} | ${s.fn} | ${s.precision.toFixed(3)} | ${s.recall.toFixed(3)} | ${s.bar} | ${ok ? 'yes' : '**no**'} |`);
  }
  return lines.join('\n');
}
