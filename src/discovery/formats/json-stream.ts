/**
 * A streamed JSON document reader: one unit per string or number value, located by JSON path,
 * in bounded memory whatever the document's size. It yields exactly the units (and errors) of
 * @streamparser/json's tokenizer followed by a path tracker, several times faster:
 *
 *   fast mode: one tight loop over the bytes of each write; a token is a punctuator, a literal,
 *     a number (kept as its source text) or a string (decoded from its bytes; JSON.parse of the
 *     literal when it has escapes); a token cut by the end of a write is re-read with the next one
 *   anything unusual at a token (invalid JSON, a control char or invalid UTF-8 in a string, a
 *     surrogate \u escape, a BOM split across writes, a token held longer than HOLD_MAX bytes):
 *     the tokenizer takes over from that token to the end of the document, fed the same writes
 *     with the bytes before the token blanked and its offsets set, so its errors, offsets and
 *     limit checks are those of a tokenizer that had read the whole document
 *
 * The tokenizer tracks no grammar (`[1 2]` and `{"a" "b"}` are tokens like any others); the path
 * tracker follows them the same way in both modes, so odd documents give the same paths too.
 */
import { isUtf8 } from 'node:buffer';
import Tokenizer from '@streamparser/json/tokenizer.js';
import TokenType from '@streamparser/json/utils/types/tokenType.js';
import { LimitError, type ReadContext } from './context.js';
import { PathNames } from './json-units.js';
import { ARRAY, JsonTracker, OBJECT } from './json-tracker.js';
import type { ReadEvent } from './types.js';

/** Keeps numbers as their source text so 16-19 digit identifiers are not rounded. */
class TextNumberTokenizer extends Tokenizer {
  protected override parseNumber(numberStr: string): number {
    return numberStr as unknown as number;
  }
}

/** The tokenizer's internals set when it takes over in the middle of a document. */
interface TokenizerInternals { state: number; offset: number; streamByteLength: number }
const TOKENIZER_START = 0;
/** The tokenizer's first state: it stays in it until a string, number or literal (or a BOM), so it
 *  takes 0xEF as the start of a byte order mark until then, and names that state in its errors. */
const TOKENIZER_BOM_OR_START = 29;

/** Bytes a token may span across writes before the tokenizer takes it over. */
const HOLD_MAX = 1024 * 1024;
/** Bytes of the next write first read with a held token (most tokens end in them). */
const HELD_AHEAD = 1024;
/** loop(): a token was cut by the end of a partial buffer: read again with the whole write. */
const RETRY = -2;
/**
 * Escapes the tokenizer decodes its own way: a UTF-16 surrogate (its pairing rules, and offsets
 * that do not count a lone one), and U+FEFF, which its TextDecoder drops as a byte order mark when
 * it starts a decoded piece (the same for a raw U+FEFF, checked apart).
 */
const SPECIAL_ESCAPE = /\\u(?:[dD][89abAB]|[fF][eE][fF][fF])/;
/** U+FEFF in UTF-8. */
const BOM_BYTES = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * One char per byte of `buf`: Buffer's native one-byte decoder (what toString('latin1') calls,
 * without its argument checks; present in every Node version, toString otherwise).
 */
const latin1: (buf: Buffer) => string =
  typeof (Buffer.prototype as unknown as { latin1Slice?: unknown }).latin1Slice === 'function'
    ? (buf) => (buf as unknown as { latin1Slice(start: number, end: number): string }).latin1Slice(0, buf.length)
    : (buf) => buf.toString('latin1');

/** Hex digits (0-9, A-F, a-f) by char code. */
function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** Escapes the tokenizer takes after a backslash (besides `u` and four hex digits). */
const SIMPLE_ESCAPES = new Set([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);

/**
 * True when the start of a string, `buf[from..]` (cut by the end of the write), is one the
 * tokenizer reads without failing: valid escapes (the last one may be cut), no control chars,
 * and valid UTF-8 up to a last char that may be cut.
 */
function partialStringOk(buf: Buffer, from: number): boolean {
  const n = buf.length;
  for (let j = from; j < n; j++) {
    const d = buf[j]!;
    if (d < 0x20) return false;
    if (d !== 0x5c) continue;
    if (j + 1 >= n) return true;
    const e = buf[j + 1]!;
    if (SIMPLE_ESCAPES.has(e)) { j++; continue; }
    if (e !== 0x75) return false;
    for (let k = j + 2; k < Math.min(n, j + 6); k++) if (!isHex(buf[k]!)) return false;
    j += 5;
  }
  // a last multi-byte char may be cut: a valid lead byte and the continuation bytes present
  let end = n;
  for (let k = n - 1; k >= Math.max(from, n - 3); k--) {
    const d = buf[k]!;
    if (d < 0x80) break;
    if (d >= 0xc0) {
      const need = d >= 0xc2 && d <= 0xdf ? 2 : d >= 0xe0 && d <= 0xef ? 3 : d >= 0xf0 && d <= 0xf4 ? 4 : 0;
      if (n - k < need) end = k;
      break;
    }
  }
  const head = buf.subarray(from, end);
  return isUtf8(head) && !head.includes(BOM_BYTES);
}

export interface DocumentReader {
  /** Reads the next bytes; throws the tokenizer's error or SIZE_LIMIT_EXCEEDED. Units go to `pending`. */
  write(b: Buffer): void;
  /** Ends the document; throws when it is incomplete. */
  end(): void;
}

/**
 * A reader for one JSON document (a file, or a long JSON Lines line) whose values all have
 * `recordIndex`; `pending` collects its units.
 * `tokenizerOnly` reads it with the tokenizer from the first byte: the reference the fast mode is
 * checked against.
 */
export function documentReader(
  ctx: ReadContext,
  recordIndex: number,
  pending: ReadEvent[],
  names = new PathNames(),
  opts: { tokenizerOnly?: boolean } = {},
): DocumentReader {
  return new StreamedDocument(ctx, recordIndex, pending, names, opts.tokenizerOnly === true);
}

class StreamedDocument implements DocumentReader {
  private readonly tracker: JsonTracker;
  private readonly max: number;
  private tok: TextNumberTokenizer | null = null;
  /** Bytes written so far, and the offset (tokenizer's: bytes after the BOM) of the last token. */
  private fed = 0;
  private lastToken = 0;
  private tooLong = false;
  private bomLen = 0;
  /** A string, number or literal was read (the tokenizer then left its BOM_OR_START state). */
  private valueSeen = false;
  /** Writes holding a token cut by the end of a write: they start at heldAbs, the token at tokenAbs. */
  private held: Buffer[] = [];
  private heldAbs = 0;
  private tokenAbs = -1;

  constructor(
    private readonly ctx: ReadContext,
    recordIndex: number,
    pending: ReadEvent[],
    names: PathNames,
    private readonly tokenizerOnly: boolean,
  ) {
    this.max = ctx.limits.maxValueChars;
    this.tracker = new JsonTracker(names, pending, recordIndex, ctx.container);
  }

  write(b: Buffer): void {
    const base = this.fed;
    this.fed += b.length;
    if (this.tok !== null) this.tok.write(b);
    else if (this.tokenizerOnly) this.takeOver(0, b, 0);
    else this.scan(b, base);
    // the tokenizer buffers a scalar whole: bound it (4 bytes per char at most)
    if (this.tooLong || this.fed - this.lastToken > this.max * 4) {
      throw new LimitError('SIZE_LIMIT_EXCEEDED', this.ctx, `a JSON value is longer than ${this.max} chars`);
    }
  }

  end(): void {
    if (this.tok === null && this.tokenizerOnly) this.takeOver(0, Buffer.alloc(0), 0);
    if (this.tok === null && this.tokenAbs >= 0) this.takeOver(this.tokenAbs, null, this.fed);
    this.tok?.end();
    if (!this.tracker.complete) throw new SyntaxError('JSON document ends early');
  }

  /** Fast mode over one write (`base` = its offset in the document). */
  private scan(b: Buffer, base: number): void {
    // the held token re-read with the new bytes, or a byte order mark skipped (kept out of
    // loop(): paths taken once per document would deoptimize it when a new document starts)
    if (this.tokenAbs >= 0) {
      const first = this.held[0]!;
      const heldBytes = [first.subarray(this.tokenAbs - this.heldAbs), ...this.held.slice(1)];
      const heldLen = base - this.tokenAbs;
      this.held.push(b);
      // the token usually ends early in b: read it from a copy of its bytes and the head of b only
      const ahead = Math.min(b.length, HELD_AHEAD);
      const head = Buffer.concat([...heldBytes, b.subarray(0, ahead)]);
      const resume = this.loop(head, this.tokenAbs, 0, b, base, heldLen, ahead < b.length);
      if (resume === RETRY) this.loop(Buffer.concat([...heldBytes, b]), this.tokenAbs, 0, b, base, Infinity, false);
      else if (resume >= 0 && resume - heldLen < b.length) this.loop(b, base, resume - heldLen, b, base, Infinity, false);
    } else {
      this.loop(b, base, base === 0 ? this.skipBom(b) : 0, b, base, Infinity, false);
    }
  }

  /** 3 when the document starts with a whole byte order mark (any other 0xEF goes to the tokenizer). */
  private skipBom(b: Buffer): number {
    if (b.length < 3 || b[0] !== 0xef || b[1] !== 0xbb || b[2] !== 0xbf) return 0;
    this.bomLen = 3;
    this.valueSeen = true;
    return 3;
  }

  /**
   * The string literal buf[i..j] (quotes included) that has escapes or non-ASCII bytes, decoded as
   * the tokenizer decodes it, or null when the tokenizer must read it.
   */
  private oddString(buf: Buffer, s: string, i: number, j: number, escaped: boolean, ascii: boolean): string | null {
    if (!ascii) {
      const raw = buf.subarray(i + 1, j);
      if (!isUtf8(raw) || raw.includes(BOM_BYTES)) return null;
    }
    if (!escaped) return buf.toString('utf8', i + 1, j);
    const literal = ascii ? s.slice(i, j + 1) : buf.toString('utf8', i, j + 1);
    if (SPECIAL_ESCAPE.test(literal)) return null;
    try {
      const parsed: unknown = JSON.parse(literal);
      return typeof parsed === 'string' ? parsed : null;
    } catch {
      return null; // the tokenizer says why
    }
  }

  /**
   * The token loop over `buf` (document offset `off`) from `i`; `b` is the write (offset `base`)
   * it comes from (`buf` is `b`, or a held token's bytes followed by `b` or its head).
   * No token starts at or after `stopAt`. Returns where it stopped (`stopAt` or the end of buf),
   * or -1 after holding a cut token or handing over to the tokenizer, or RETRY when a token is cut
   * by the end of a `partial` buf (one that ends before `b` does).
   */
  private loop(buf: Buffer, off: number, i: number, b: Buffer, base: number, stopAt: number, partial: boolean): number {
    const n = buf.length;
    // one char per byte: ASCII tokens are sliced from it (no native call per token)
    const s = latin1(buf);
    const max = this.max;
    const tracker = this.tracker;
    const at = off - this.bomLen; // tokenizer offset of buf[0]
    let last = this.lastToken;
    let seen = this.valueSeen;
    let stop = -1; // where the fast loop stopped (-1: at the end of buf)
    let held = false; // ... because the token there is cut (else: unusual, for the tokenizer)
    loop: while (i < n) {
      if (i >= stopAt) break;
      const c = s.charCodeAt(i);
      switch (c) {
        case 0x20: case 0x0a: case 0x0d: case 0x09: i++; continue;
        case 0x7b: case 0x5b:
          last = at + i;
          if (max < 1) this.tooLong = true; else tracker.open(c === 0x7b ? OBJECT : ARRAY);
          i++; continue;
        case 0x7d: case 0x5d:
          last = at + i;
          if (max < 1) this.tooLong = true; else tracker.close();
          i++; continue;
        case 0x2c:
          last = at + i;
          if (max < 1) this.tooLong = true; else tracker.comma();
          i++; continue;
        case 0x3a:
          last = at + i;
          if (max < 1) this.tooLong = true;
          i++; continue;
        case 0x22: {
          // a string: find its closing quote, noting escapes, non-ASCII and control chars
          let j = i + 1;
          let escaped = false;
          let ascii = true;
          for (; j < n; j++) {
            const d = s.charCodeAt(j);
            if (d === 0x22) break;
            if (d === 0x5c) { escaped = true; j++; continue; }
            if (d < 0x20) break;
            if (d >= 0x80) ascii = false;
          }
          // a string cut by the end of the write is held only while the tokenizer would not have
          // failed on its bytes so far (it fails at the write holding the bad byte)
          if (j >= n) { stop = i; held = !escaped && ascii ? true : partialStringOk(buf, i + 1); break loop; }
          if (s.charCodeAt(j) !== 0x22) { stop = i; break loop; } // a control char
          let value: string;
          if (ascii && !escaped) value = s.slice(i + 1, j);
          else {
            const odd = this.oddString(buf, s, i, j, escaped, ascii);
            if (odd === null) { stop = i; break loop; }
            value = odd;
          }
          last = at + i;
          seen = true;
          if (value.length > max) this.tooLong = true;
          else tracker.string(value);
          i = j + 1;
          continue;
        }
        case 0x74: case 0x66: case 0x6e: {
          const word = c === 0x74 ? 'true' : c === 0x66 ? 'false' : 'null';
          const len = word.length;
          let k = 1;
          while (k < len && i + k < n && s.charCodeAt(i + k) === word.charCodeAt(k)) k++;
          if (k < len) { stop = i; held = i + k >= n; break loop; }
          last = at + i;
          seen = true;
          tracker.literal();
          i += len;
          continue;
        }
        default: {
          if (c !== 0x2d && (c < 0x30 || c > 0x39)) { stop = i; break loop; }
          // a number, as the tokenizer's states read it: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
          // (cut by the end of buf: it may go on in the next write)
          let j = c === 0x2d ? i + 1 : i;
          if (j >= n) { stop = i; held = true; break loop; }
          let d = s.charCodeAt(j);
          if (d === 0x30) j++;
          else if (d >= 0x31 && d <= 0x39) { j++; while (j < n && (d = s.charCodeAt(j)) >= 0x30 && d <= 0x39) j++; }
          else { stop = i; break loop; }
          if (j < n && s.charCodeAt(j) === 0x2e) {
            j++;
            if (j >= n) { stop = i; held = true; break loop; }
            d = s.charCodeAt(j);
            if (d < 0x30 || d > 0x39) { stop = i; break loop; }
            while (j < n && (d = s.charCodeAt(j)) >= 0x30 && d <= 0x39) j++;
          }
          if (j < n && (s.charCodeAt(j) === 0x65 || s.charCodeAt(j) === 0x45)) {
            j++;
            if (j < n && (s.charCodeAt(j) === 0x2b || s.charCodeAt(j) === 0x2d)) j++;
            if (j >= n) { stop = i; held = true; break loop; }
            d = s.charCodeAt(j);
            if (d < 0x30 || d > 0x39) { stop = i; break loop; }
            while (j < n && (d = s.charCodeAt(j)) >= 0x30 && d <= 0x39) j++;
          }
          if (j >= n) { stop = i; held = true; break loop; }
          const text = s.slice(i, j);
          last = at + i;
          seen = true;
          if (text.length > max) this.tooLong = true;
          else tracker.number(text);
          i = j;
          continue;
        }
      }
    }
    this.lastToken = last;
    this.valueSeen = seen;
    if (stop >= 0) {
      if (held && partial) return RETRY;
      if (held) this.hold(off + stop, b, base);
      else this.takeOver(off + stop, b, base);
      return -1;
    }
    this.held = [];
    this.tokenAbs = -1;
    return i;
  }

  /** Keeps a token cut by the end of write `b` (at offset `base`) for the next write. */
  private hold(tokenAbs: number, b: Buffer, base: number): void {
    // a token held before and still cut keeps its writes (`b` was added to them by scan)
    if (tokenAbs !== this.tokenAbs) {
      this.held = [b];
      this.heldAbs = base;
      this.tokenAbs = tokenAbs;
    }
    if (this.fed - tokenAbs > HOLD_MAX) this.takeOver(tokenAbs, null, base);
  }

  /**
   * Hands the document to the tokenizer from the token at `tokenAbs`: it is fed the writes from the one holding that token on, with the
   * bytes before the token blanked, and its offsets set as if it had read them all.
   * `b` is the current write at offset `base` (null at the end: the token is then the held one).
   */
  private takeOver(tokenAbs: number, b: Buffer | null, base: number): void {
    const tok = new TextNumberTokenizer();
    const tracker = this.tracker;
    const max = this.max;
    tok.onToken = ({ token, value, offset }) => {
      this.lastToken = offset;
      if (typeof value === 'string' && value.length > max) { this.tooLong = true; return; }
      switch (token) {
        case TokenType.LEFT_BRACE: tracker.open(OBJECT); return;
        case TokenType.LEFT_BRACKET: tracker.open(ARRAY); return;
        case TokenType.RIGHT_BRACE: case TokenType.RIGHT_BRACKET: tracker.close(); return;
        case TokenType.COMMA: tracker.comma(); return;
        case TokenType.COLON: case TokenType.SEPARATOR: return;
        case TokenType.STRING: tracker.string(value as string); return;
        case TokenType.NUMBER: tracker.number(String(value)); return;
        default: tracker.literal(); // true, false, null
      }
    };
    this.tok = tok;
    const writes: Array<{ bytes: Buffer; abs: number }> = [];
    if (tokenAbs === this.tokenAbs) {
      // the held token: its writes, the current one included
      let abs = this.heldAbs;
      for (const h of this.held) { writes.push({ bytes: h, abs }); abs += h.length; }
    } else {
      writes.push({ bytes: b!, abs: base });
    }
    const internals = tok as unknown as TokenizerInternals;
    const first = writes[0]!;
    internals.state = this.valueSeen ? TOKENIZER_START : TOKENIZER_BOM_OR_START;
    internals.streamByteLength = first.abs;
    internals.offset = first.abs - this.bomLen - 1;
    const blank = tokenAbs - first.abs;
    if (blank > 0) {
      const copy = Buffer.from(first.bytes);
      copy.fill(0x20, 0, blank);
      first.bytes = copy;
    }
    this.held = [];
    this.tokenAbs = -1;
    for (const w of writes) tok.write(w.bytes);
  }
}
