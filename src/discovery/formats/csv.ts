/**
 * CSV/TSV: one unit per non-empty cell with its 1-based row (header row included) and column.
 * The delimiter is sniffed from the first lines; quoted fields may hold delimiters and newlines.
 * When the first row looks like a header (every cell text, none numeric), each header cell is the
 * `columnName` and a context keyword of the cells below it; header cells are scanned too (with
 * columnName null), like Macie reporting sensitive column names.
 */
import { finished } from 'node:stream/promises';
import { parse } from 'csv-parse';
import type { ByteSource } from './byte-source.js';
import type { ReadContext } from './context.js';
import { decodeChars, type TextEncoding } from './decode.js';
import type { ReadEvent, ScanUnit } from './types.js';

const CANDIDATES = [',', ';', '\t', '|'] as const;

/** Picks the candidate that appears most, and equally often, on the first lines (outside quotes). */
export function sniffDelimiter(sample: string): string {
  const lines = sample.split(/\r?\n/).slice(0, 10).filter((l) => l !== '');
  if (lines.length > 1) lines.pop(); // the last line of the sample may be cut
  let best: string = ',';
  let bestScore = 0;
  for (const d of CANDIDATES) {
    const counts = lines.map((l) => countOutsideQuotes(l, d));
    const first = counts[0] ?? 0;
    if (first === 0) continue;
    const consistent = counts.filter((c) => c === first).length / counts.length;
    const score = first * consistent;
    if (score > bestScore) { best = d; bestScore = score; }
  }
  return best;
}

function countOutsideQuotes(line: string, d: string): number {
  let n = 0;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === d && !quoted) n++;
  }
  return n;
}

function looksLikeHeader(cells: string[]): boolean {
  const seen = new Set<string>();
  for (const c of cells) {
    const t = c.trim();
    if (t === '' || /^[\d\s.,+\-/:()$%€£]+$/.test(t) || t.length > 100 || seen.has(t)) return false;
    seen.add(t);
  }
  return cells.length > 0;
}

export async function* readCsv(
  src: ByteSource,
  ctx: ReadContext,
  opts: { encoding: TextEncoding; head: Buffer; tsv: boolean },
): AsyncGenerator<ReadEvent> {
  const sample = new TextDecoder(opts.encoding).decode(opts.head);
  const delimiter = opts.tsv ? '\t' : sniffDelimiter(sample);
  let header: string[] | null = null;
  const container = ctx.container;
  const pending: ReadEvent[] = [];
  // Records are taken in on_record, synchronously with each write: the stream side of csv-parse
  // drops buffered records when it fails, and the cells before a malformed spot must be reported.
  const onRecord = (record: string[], info: { records: number }): null => {
    const row = info.records;
    if (row === 1 && looksLikeHeader(record)) header = record.map((c) => c.trim());
    for (let i = 0; i < record.length; i++) {
      const text = record[i]!;
      if (text.trim() === '') continue;
      const columnName = row === 1 || header === null ? null : header[i] ?? null;
      const unit: ScanUnit = {
        text,
        location: { kind: 'cell', row, column: i + 1, columnName },
        container,
        ownStart: 0,
        ownEnd: text.length,
      };
      if (columnName) unit.contextKeywords = [columnName];
      pending.push({ type: 'unit', unit });
    }
    return null;
  };
  const parser = parse({
    delimiter,
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    max_record_size: ctx.limits.maxValueChars,
    on_record: onRecord as never,
  });
  let failure: unknown = null;
  parser.on('error', (e) => { failure ??= e; });
  parser.resume();
  const done = finished(parser).catch((e: unknown) => { failure ??= e; });
  try {
    for await (const s of decodeChars(src, opts.encoding)) {
      parser.write(s);
      yield* pending.splice(0);
      if (failure !== null) throw failure;
    }
    parser.end();
    await done;
    yield* pending.splice(0);
    if (failure !== null) throw failure;
  } finally {
    parser.destroy();
  }
}
