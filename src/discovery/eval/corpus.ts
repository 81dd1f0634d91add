/**
 * Labeled evaluation corpus. Samples (valid values with and without their keywords, checksum
 * decoys, look-alikes such as order ids, timestamps, UUIDs, versions and serials) are rendered by
 * format emitters into TextUnits with exact labeled spans:
 *
 *   generateSamples(rng) -> Sample[] --emitter.emit--> LabeledDocument { units, labels }
 *
 * Emitters: plain text (prose lines and config lines), CSV (header names act as keywords, one unit
 * per cell) and JSON Lines (key paths act as keywords, one unit per leaf value). Other formats plug
 * in through `FormatEmitter` (see `generateCorpus({ emitters })`): an emitter only needs to turn
 * samples into units and say where each labeled value landed.
 */
import type { TextUnit } from '../types.js';
import { luhnValid } from '../detectors/checksums.js';
import { createRng, ALNUM, UPPER, type Rng } from './rng.js';
import { valueSpecs, type ValueSpec } from './values.js';

/** A value expected at [start, end) of unit `unit` (UTF-16 offsets). */
export interface Label { unit: number; start: number; end: number; identifier: string }

export interface LabeledDocument {
  format: string;
  name: string;
  units: TextUnit[];
  labels: Label[];
}

/** One piece of generated content: a value, the identifier it must be reported as (or null), and its context. */
export interface Sample {
  spec: ValueSpec | null;
  value: string;
  /** Identifier a correct scanner reports for `value`, or null when it must report nothing. */
  expected: string | null;
  /** Keyword phrase written before the value (text) / used as column or field name (structured). */
  keyword: string | null;
  /** For expiry / CVV samples: a card number written before the keyword. */
  card?: { value: string; expected: string };
  /** Look-alike or checksum decoy category, for reports. */
  decoy?: string;
}

export interface FormatEmitter {
  name: string;
  emit(samples: readonly Sample[], rng: Rng): LabeledDocument[];
}

export interface CorpusOptions {
  seed?: number;
  /** Valid samples per identifier and keyword condition (default 40). */
  perIdentifier?: number;
  emitters?: readonly FormatEmitter[];
}

// ------------------------------------------------------------------ samples

const cardFor = (r: Rng): string => {
  const spec = valueSpecs().find((s) => s.id === 'CREDIT_CARD_NUMBER')!;
  return spec.valid(r);
};

/** Look-alikes: values with the shape of identifiers that are not sensitive. */
export const LOOK_ALIKES: ReadonlyArray<[string, (r: Rng) => string]> = [
  ['order id', (r) => `ORD-${r.int(2019, 2025)}-${r.digits(6)}`],
  ['order number', (r) => `#${r.int(1000000, 9999999)}`],
  ['iso timestamp', (r) => `${r.int(2019, 2025)}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}T${String(r.int(0, 23)).padStart(2, '0')}:${String(r.int(0, 59)).padStart(2, '0')}:${String(r.int(0, 59)).padStart(2, '0')}Z`],
  ['epoch seconds', (r) => String(r.int(1500000000, 1760000000))],
  ['epoch millis', (r) => `${r.int(1500000000, 1760000000)}${r.digits(3)}`],
  ['uuid', (r) => `${r.chars(8, '0123456789abcdef')}-${r.chars(4, '0123456789abcdef')}-4${r.chars(3, '0123456789abcdef')}-a${r.chars(3, '0123456789abcdef')}-${r.chars(12, '0123456789abcdef')}`],
  ['semver', (r) => `v${r.int(0, 12)}.${r.int(0, 30)}.${r.int(0, 99)}`],
  ['serial', (r) => `SN ${r.digits(3)}-${r.digits(4)}-${r.digits(2)}`],
  ['tracking number', (r) => `1Z${r.chars(6, UPPER + '0123456789')}${r.digits(10)}`],
  ['git sha', (r) => r.chars(40, '0123456789abcdef')],
  ['amount', (r) => `$${r.int(1, 99)},${r.digits(3)}.${r.digits(2)}`],
  ['invoice', (r) => `INV-${r.digits(9)}`],
  ['isbn', (r) => `978-${r.int(0, 9)}-${r.digits(3)}-${r.digits(5)}-${r.int(0, 9)}`],
  ['transaction id', (r) => { for (;;) { const d = `4${r.digits(15)}`; if (!luhnValid(d)) return d; } }],
  ['case number', (r) => r.digits(9)],
  ['build hash', (r) => r.chars(40, ALNUM)],
  ['sku', (r) => `${r.chars(3, UPPER)}-${r.digits(5)}-${r.chars(2, UPPER)}`],
  ['percent', (r) => `${r.int(1, 99)}.${r.digits(1)}%`],
];

/** Samples: for each identifier, valid values with and without keywords, and decoys. */
export function generateSamples(rng: Rng, perIdentifier = 40): Sample[] {
  const out: Sample[] = [];
  for (const spec of valueSpecs()) {
    for (let i = 0; i < perIdentifier; i++) {
      const value = spec.valid(rng);
      const keyword = rng.pick(spec.keywords);
      if (spec.nearCard) {
        const card = { value: cardFor(rng), expected: 'CREDIT_CARD_NUMBER' };
        out.push({ spec, value, expected: spec.id, keyword, card });
        // Same keyword without a card nearby, and a card without the keyword: not reported.
        out.push({ spec, value: spec.valid(rng), expected: null, keyword, decoy: 'no card nearby' });
        continue;
      }
      out.push({ spec, value, expected: spec.id, keyword });
      const bare = spec.valid(rng);
      const needs = spec.keywordRequired || (spec.needsKeyword?.(bare) ?? false);
      out.push({ spec, value: bare, expected: needs ? null : (spec.noKeywordId ?? spec.id), keyword: null, ...(needs ? { decoy: 'no keyword' } : {}) });
      if (spec.invalid) out.push({ spec, value: spec.invalid(rng), expected: null, keyword: rng.pick(spec.keywords), decoy: 'invalid check' });
    }
  }
  for (let i = 0; i < perIdentifier * 6; i++) {
    const [name, make] = rng.pick(LOOK_ALIKES);
    out.push({ spec: null, value: make(rng), expected: null, keyword: null, decoy: name });
  }
  return out;
}

// ------------------------------------------------------------------ text

const NAMES = ['Alice Moreau', 'Rahul Mehta', 'Jonas Becker', 'Lucía Fernández', 'Tom Baker', 'Mei Lin', 'Kwame Mensah', 'Giulia Conti'];
const FILLER = [
  'The quarterly review covered 3 regions and 12 product lines.',
  'Please find the revised agenda attached; the meeting starts at 10:30.',
  'We shipped 250 units last week, up 4.5% from the previous period.',
  'Thanks again for your patience while we sorted this out.',
  'Our office will be closed on 25 December and 1 January.',
  'Room 204 is booked for the workshop from 9 to 5.',
  'Ticket escalated to tier 2 after the customer called twice.',
  'The migration to version 3 is planned for Q3 2025.',
  'All 17 tests passed on the staging cluster.',
  'Let me know if anything else is needed before Friday.',
  'Invoice totals were reconciled against the ledger for March.',
  'The warehouse in building 7 now opens at 6:45 am.',
  'Remember to rotate the on-call schedule every 14 days.',
  'See section 4.2 of the handbook for the travel policy.',
  'Latency dropped from 180 ms to 95 ms after the cache change.',
];
const WITH_KW = [
  (kw: string, v: string) => `${kw} ${v}`,
  (kw: string, v: string) => `The ${kw} on file is ${v}.`,
  (kw: string, v: string) => `Please confirm ${kw} ${v} before the end of the week.`,
  (kw: string, v: string, n: string) => `${n} gave ${kw} ${v} during onboarding.`,
  (kw: string, v: string) => `Updated record - ${kw}: ${v}; status pending.`,
];
const WITHOUT_KW = [
  (v: string) => `Reference ${v} was attached to the ticket.`,
  (v: string) => `See item ${v} in the attached list.`,
  (v: string) => v,
  (v: string, n: string) => `${n} wrote: ${v}`,
];

interface Line { text: string; labels: Array<{ start: number; end: number; identifier: string }> }

/** Renders one sample as a line with labeled spans. */
function renderLine(s: Sample, r: Rng): Line {
  const labels: Line['labels'] = [];
  const name = r.pick(NAMES);
  let prefix = '';
  if (s.card) {
    prefix = `Card number ${s.card.value}, `;
    labels.push({ start: 'Card number '.length, end: 'Card number '.length + s.card.value.length, identifier: s.card.expected });
  }
  let text: string;
  if (s.spec?.config && s.keyword !== null) {
    const quoted = s.keyword.endsWith('"');
    text = `${s.keyword}${quoted ? '' : r.pick([' ', ' ', ''])}${s.value}${quoted ? '"' : ''}`;
    if (!quoted && !/[=:]$/.test(s.keyword)) text = `${s.keyword} ${s.value}`;
  } else if (s.keyword !== null) {
    text = r.pick(WITH_KW)(s.keyword, s.value, name);
  } else {
    text = r.pick(WITHOUT_KW)(s.value, name);
  }
  const at = text.indexOf(s.value);
  if (s.expected !== null) labels.push({ start: prefix.length + at, end: prefix.length + at + s.value.length, identifier: s.expected });
  return { text: prefix + text, labels };
}

/** Plain text documents of ~40 lines: filler prose interleaved with samples, one unit per document. */
export const textEmitter: FormatEmitter = {
  name: 'text',
  emit(samples, r) {
    const docs: LabeledDocument[] = [];
    let lines: Line[] = [];
    const flush = (): void => {
      if (lines.length === 0) return;
      let text = '';
      const labels: Label[] = [];
      for (const l of lines) {
        for (const lab of l.labels) labels.push({ unit: 0, start: text.length + lab.start, end: text.length + lab.end, identifier: lab.identifier });
        text += `${l.text}\n`;
      }
      docs.push({ format: 'text', name: `doc-${docs.length}.txt`, units: [{ text, location: { kind: 'text', startLine: 1, startColumn: 1, startOffset: 0 } }], labels });
      lines = [];
    };
    for (const s of samples) {
      // A filler line before keyword-less samples keeps the previous line's keyword out of range.
      if (s.keyword === null || r.chance(0.5)) lines.push({ text: r.pick(FILLER), labels: [] });
      // "No card nearby" means more than a couple of lines away from the previous card.
      if (s.decoy === 'no card nearby') lines.push({ text: r.pick(FILLER), labels: [] }, { text: r.pick(FILLER), labels: [] });
      lines.push(renderLine(s, r));
      if (lines.length >= 40) flush();
    }
    flush();
    return docs;
  },
};

// ------------------------------------------------------------------ structured

const NEUTRAL_COLUMNS = ['value', 'ref', 'code', 'data', 'field_7', 'attribute', 'notes'];

interface Row { cells: Array<{ column: string; value: string; expected: string | null }> }

/** Groups samples by identifier and keyword condition into tables with look-alike columns. */
function tables(samples: readonly Sample[], r: Rng): Row[][] {
  const groups = new Map<string, Sample[]>();
  for (const s of samples) {
    const key = `${s.spec?.id ?? 'decoy'}|${s.keyword === null ? 'n' : 'k'}|${s.card ? 'c' : ''}`;
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(s);
  }
  const out: Row[][] = [];
  for (const group of groups.values()) {
    const spec = group[0]!.spec;
    const column = spec === null ? 'ref' : group[0]!.keyword === null ? r.pick(NEUTRAL_COLUMNS) : r.pick(spec.columns);
    const rows: Row[] = group.map((s) => {
      const cells: Row['cells'] = [
        { column: 'order_id', value: LOOK_ALIKES[0]![1](r), expected: null },
        { column: 'created_at', value: LOOK_ALIKES[2]![1](r), expected: null },
      ];
      if (s.card) cells.push({ column: 'card_number', value: s.card.value, expected: s.card.expected });
      cells.push({ column, value: s.value, expected: s.expected });
      cells.push({ column: 'status', value: r.pick(['active', 'closed', 'pending review', 'ok']), expected: null });
      return { cells };
    });
    out.push(rows);
  }
  return out;
}

/** CSV documents: one unit per cell, the header name as context keyword. */
export const csvEmitter: FormatEmitter = {
  name: 'csv',
  emit(samples, r) {
    return tables(samples, r).map((rows, i) => {
      const units: TextUnit[] = [];
      const labels: Label[] = [];
      const header = rows[0]!.cells.map((c) => c.column);
      header.forEach((h, c) => units.push({ text: h, location: { kind: 'cell', row: 1, column: c + 1, columnName: null } }));
      rows.forEach((row, ri) => row.cells.forEach((cell, ci) => {
        if (cell.expected !== null) labels.push({ unit: units.length, start: 0, end: cell.value.length, identifier: cell.expected });
        units.push({ text: cell.value, location: { kind: 'cell', row: ri + 2, column: ci + 1, columnName: cell.column }, contextKeywords: [cell.column] });
      }));
      return { format: 'csv', name: `table-${i}.csv`, units, labels };
    });
  },
};

/** JSON Lines documents: one unit per leaf value, the key path as context keywords. */
export const jsonEmitter: FormatEmitter = {
  name: 'json',
  emit(samples, r) {
    return tables(samples, r).map((rows, i) => {
      const units: TextUnit[] = [];
      const labels: Label[] = [];
      rows.forEach((row, ri) => row.cells.forEach((cell) => {
        const nested = !['order_id', 'created_at', 'status'].includes(cell.column);
        const path = nested ? ['customer', cell.column] : [cell.column];
        if (cell.expected !== null) labels.push({ unit: units.length, start: 0, end: cell.value.length, identifier: cell.expected });
        units.push({ text: cell.value, location: { kind: 'record', recordIndex: ri, jsonPath: `$.${path.join('.')}` }, contextKeywords: path });
      }));
      return { format: 'json', name: `records-${i}.jsonl`, units, labels };
    });
  },
};

export const DEFAULT_EMITTERS: readonly FormatEmitter[] = [textEmitter, csvEmitter, jsonEmitter];

/** The whole labeled corpus: the same samples rendered by every emitter. */
export function generateCorpus(options: CorpusOptions = {}): LabeledDocument[] {
  const seed = options.seed ?? 7;
  const docs: LabeledDocument[] = [];
  for (const e of options.emitters ?? DEFAULT_EMITTERS) {
    const rng = createRng(seed);
    const samples = generateSamples(rng, options.perIdentifier ?? 40);
    docs.push(...e.emit(samples, rng));
  }
  return docs;
}
