/**
 * CSV/TSV: one unit per non-empty cell with its 1-based row (header row included; rows count
 * records, so a quoted newline does not start a row) and column. Parsed by csv-parser.ts.
 * The delimiter is sniffed from the first lines; quoted fields may hold delimiters and newlines.
 * When the first row looks like a header (every cell text, none numeric), each header cell is the
 * `columnName` and a context keyword of the cells below it; header cells are scanned too (with
 * columnName null), like Macie reporting sensitive column names.
 */
import type { ByteSource } from './byte-source.js';
import type { ReadContext } from './context.js';
import { CsvParser } from './csv-parser.js';
import { decodeChars, type TextEncoding } from './decode.js';
import type { ReadEvent, ScanUnit } from './types.js';

const CANDIDATES = [',', ';', '\t', '|'] as const;
/** Chars parsed between two hand-overs of cells. */
const SLICE = 32 * 1024;
/** A cell with a non-whitespace char (same whitespace as String.prototype.trim, no copy). */
const NOT_BLANK = /\S/;

/** True when `text` has a non-whitespace char; printable ASCII first is decided without the regex. */
function notBlank(text: string): boolean {
  const c = text.charCodeAt(0);
  return (c > 0x20 && c < 0x7f) || NOT_BLANK.test(text);
}

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
): AsyncGenerator<ReadEvent[]> {
  const sample = new TextDecoder(opts.encoding).decode(opts.head);
  const delimiter = opts.tsv ? '\t' : sniffDelimiter(sample);
  let header: string[] | null = null;
  const container = ctx.container;
  let pending: ReadEvent[] = [];
  /** The events collected so far, handed over whole (a fresh array takes their place: no copy). */
  const take = (): ReadEvent[] => { const out = pending; pending = []; return out; };
  // One context-word array per column, shared by its cells (the engine only reads them).
  let headerWords: string[][] = [];
  const onRecord = (record: string[], row: number): void => {
    if (row === 1 && looksLikeHeader(record)) {
      header = record.map((c) => c.trim());
      headerWords = header.map((h) => [h]);
    }
    const names = row === 1 ? null : header as string[] | null;
    for (let i = 0; i < record.length; i++) {
      const text = record[i]!;
      if (!notBlank(text)) continue;
      const columnName = names === null ? null : names[i] ?? null;
      // two fixed literal shapes (with and without keywords) keep the engine's property loads monomorphic
      const unit: ScanUnit = columnName
        ? { text, location: { kind: 'cell', row, column: i + 1, columnName }, container, ownStart: 0, ownEnd: text.length, contextKeywords: headerWords[i]! }
        : { text, location: { kind: 'cell', row, column: i + 1, columnName }, container, ownStart: 0, ownEnd: text.length };
      pending.push({ type: 'unit', unit });
    }
  };
  const parser = new CsvParser(delimiter, onRecord, ctx.limits.maxValueChars, ctx);
  try {
    for await (const s of decodeChars(src, opts.encoding)) {
      // Hand cells on every SLICE chars: units held for a whole 256 KiB chunk outlive young-
      // generation GCs and get promoted (measured: reader 8 -> 60 MB/s with slices).
      for (let k = 0; k < s.length; k += SLICE) {
        parser.write(k === 0 && s.length <= SLICE ? s : s.slice(k, k + SLICE));
        if (pending.length > 0) yield take();
      }
    }
    parser.end();
  } catch (e) {
    if (pending.length > 0) yield take(); // the cells read before the failure
    throw e;
  }
  if (pending.length > 0) yield take();
}
