/**
 * A streaming RFC 4180 CSV/TSV parser, written for speed (csv-parse ran at a few MB/s here,
 * dominated by its per-record info objects) and for exact control over rows and errors.
 *
 *   field   = quoted | bare ; quoted = '"' (chars | '""')* '"' ; records end at "\n" or "\r\n"
 *   relaxed: a quote inside a bare field is literal text; text after a closing quote is appended
 *   a quoted field may span lines and chunks; an unclosed quote at the end is an error
 *
 * Records are delivered synchronously to `onRecord` with their 1-based record number, so records
 * read before a malformed spot are never lost.
 */
import { LimitError } from './context.js';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

export class CsvSyntaxError extends Error {
  readonly code = 'CSV_QUOTE_NOT_CLOSED';
}

export class CsvParser {
  private readonly delim: number;
  private record: string[] = [];
  private field = '';
  private inQuotes = false;
  private quotePending = false; // a quote ended the last chunk while in quotes: "" or a closing quote?
  private fieldQuoted = false;
  private row = 0;

  constructor(
    delimiter: string,
    private readonly onRecord: (record: string[], row: number) => void,
    private readonly maxFieldChars: number,
    private readonly limitOwner: object,
  ) {
    this.delim = delimiter.charCodeAt(0);
  }

  write(s: string): void {
    const n = s.length;
    if (n === 0) return;
    let i = 0;
    let start = 0;
    const delim = this.delim;
    if (this.quotePending) {
      this.quotePending = false;
      if (s.charCodeAt(0) === QUOTE) { this.field += '"'; i = 1; start = 1; } else this.inQuotes = false;
    }
    while (i < n) {
      if (this.inQuotes) {
        const j = s.indexOf('"', i);
        if (j < 0) { this.append(s, start, n); start = n; break; }
        this.append(s, start, j);
        if (j + 1 >= n) { this.quotePending = true; start = n; break; }
        if (s.charCodeAt(j + 1) === QUOTE) { this.field += '"'; i = j + 2; start = i; continue; }
        this.inQuotes = false;
        i = j + 1;
        start = i;
        continue;
      }
      const c = s.charCodeAt(i);
      // Fast path: ordinary text (every char above '"' except the delimiter; tab is below it).
      if (c > QUOTE && c !== delim) { i++; continue; }
      if (c === delim) {
        this.append(s, start, i);
        this.endField();
        start = ++i;
      } else if (c === LF) {
        let end = i;
        if (end > start && s.charCodeAt(end - 1) === CR) end--;
        else if (end === start && !this.fieldQuoted && this.field.endsWith('\r')) this.field = this.field.slice(0, -1);
        this.append(s, start, end);
        this.endField();
        this.endRecord();
        start = ++i;
      } else if (c === QUOTE && i === start && this.field === '' && !this.fieldQuoted) {
        this.inQuotes = true;
        this.fieldQuoted = true;
        start = ++i;
      } else {
        i++;
      }
    }
    if (start < n) this.append(s, start, n);
  }

  /** Ends the input: flushes the last record (without a final newline) or fails on an open quote. */
  end(): void {
    if (this.quotePending) { this.quotePending = false; this.inQuotes = false; }
    if (this.inQuotes) throw new CsvSyntaxError(`quote not closed in record ${this.row + 1}`);
    if (this.field.endsWith('\r') && !this.fieldQuoted) this.field = this.field.slice(0, -1);
    if (this.field !== '' || this.record.length > 0 || this.fieldQuoted) {
      this.endField();
      this.endRecord();
    }
  }

  private append(s: string, from: number, to: number): void {
    if (to <= from) return;
    this.field = this.field === '' ? s.slice(from, to) : this.field + s.slice(from, to);
    if (this.field.length > this.maxFieldChars) {
      throw new LimitError('SIZE_LIMIT_EXCEEDED', this.limitOwner, `a CSV field is longer than ${this.maxFieldChars} chars`);
    }
  }

  private endField(): void {
    this.record.push(this.field);
    this.field = '';
    this.fieldQuoted = false;
  }

  private endRecord(): void {
    this.row++;
    const record = this.record;
    this.record = [];
    this.onRecord(record, this.row);
  }
}
