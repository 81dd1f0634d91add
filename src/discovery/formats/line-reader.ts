/**
 * Splits a byte stream into lines ("\n" or "\r\n" endings removed), numbering them from 1 and
 * keeping the byte offset of each line start. A line longer than `maxLineBytes` is cut into pieces
 * that share its line number. Lines can be pushed back once read.
 */
export interface Line { bytes: Buffer; no: number; offset: number }

export class LineReader {
  private readonly it: AsyncIterator<Buffer>;
  private buf: Buffer = Buffer.alloc(0);
  private ended = false;
  private no = 1;
  private offset = 0;
  private readonly back: Line[] = [];

  constructor(src: AsyncIterable<Buffer>, private readonly maxLineBytes: number) {
    this.it = src[Symbol.asyncIterator]();
  }

  unshift(line: Line): void { this.back.push(line); }

  async next(): Promise<Line | null> {
    const pushed = this.back.pop();
    if (pushed) return pushed;
    while (true) {
      const nl = this.buf.indexOf(0x0a);
      if (nl >= 0 && nl <= this.maxLineBytes) return this.take(nl, nl + 1, true);
      if (this.buf.length > this.maxLineBytes) return this.take(this.maxLineBytes, this.maxLineBytes, false);
      if (this.ended) return this.buf.length > 0 ? this.take(this.buf.length, this.buf.length, true) : null;
      const r = await this.it.next();
      if (r.done) this.ended = true;
      else this.buf = this.buf.length === 0 ? r.value : Buffer.concat([this.buf, r.value]);
    }
  }

  async close(): Promise<void> { await this.it.return?.(); }

  private take(end: number, consumed: number, lineEnds: boolean): Line {
    let bytes = this.buf.subarray(0, end);
    if (lineEnds && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    const line = { bytes, no: this.no, offset: this.offset };
    this.buf = this.buf.subarray(consumed);
    this.offset += consumed;
    if (lineEnds) this.no++;
    return line;
  }
}
