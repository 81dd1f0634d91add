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
 *
 * Speed: a bare field ends at the next delimiter or line feed, whichever comes first, so the
 * parser finds both with String.prototype.indexOf (native memchr) and remembers each position
 * until it is passed, instead of looking at every char in JavaScript. Quotes matter only where a
 * field starts, and inside a quoted field (found with indexOf too).
 */
import { LimitError } from './context.js';

const QUOTE = 0x22;
const CR = 0x0d;

export class CsvSyntaxError extends Error {
  readonly code = 'CSV_QUOTE_NOT_CLOSED';
}

export class CsvParser {
  private readonly delim: string;
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
    this.delim = delimiter.charAt(0);
  }

  write(s: string): void {
    const n = s.length;
    if (n === 0) return;
    let i = 0;
    if (this.quotePending) {
      this.quotePending = false;
      if (s.charCodeAt(0) === QUOTE) { this.field += '"'; i = 1; } else this.inQuotes = false;
    }
    const delim = this.delim;
    const max = this.maxFieldChars;
    // next delimiter / line feed at or after i (-1 = none in this chunk), refreshed once passed
    let nextDelim = -2;
    let nextLf = -2;
    while (i < n) {
      if (this.inQuotes) {
        const j = s.indexOf('"', i);
        if (j < 0) { this.append(s, i, n); return; }
        this.append(s, i, j);
        if (j + 1 >= n) { this.quotePending = true; return; }
        // an escaped quote is added unchecked: the next append checks the length (as it always did)
        if (s.charCodeAt(j + 1) === QUOTE) { this.field += '"'; i = j + 2; continue; }
        this.inQuotes = false;
        i = j + 1;
        continue;
      }
      // a quote opens a quoted field only as the field's first char
      if (this.field === '' && !this.fieldQuoted && s.charCodeAt(i) === QUOTE) {
        this.inQuotes = true;
        this.fieldQuoted = true;
        i++;
        continue;
      }
      if (nextDelim !== -1 && nextDelim < i) nextDelim = s.indexOf(delim, i);
      if (nextLf !== -1 && nextLf < i) nextLf = s.indexOf('\n', i);
      if (nextDelim >= 0 && (nextLf < 0 || nextDelim < nextLf)) {
        // the common case: a whole bare field
        if (this.field === '' && !this.fieldQuoted) {
          if (nextDelim - i > max) this.tooLong();
          this.record.push(s.slice(i, nextDelim));
        } else {
          this.append(s, i, nextDelim);
          this.endField();
        }
        i = nextDelim + 1;
        continue;
      }
      if (nextLf < 0) { this.append(s, i, n); return; }
      let end = nextLf;
      if (end > i && s.charCodeAt(end - 1) === CR) end--;
      else if (end === i && !this.fieldQuoted && this.field.endsWith('\r')) this.field = this.field.slice(0, -1);
      this.append(s, i, end);
      this.endField();
      this.endRecord();
      i = nextLf + 1;
    }
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
    if (this.field.length > this.maxFieldChars) this.tooLong();
  }

  private tooLong(): never {
    throw new LimitError('SIZE_LIMIT_EXCEEDED', this.limitOwner, `a CSV field is longer than ${this.maxFieldChars} chars`);
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
