/**
 * Digit runs and their trigger windows, in flat typed arrays (no object per run or window).
 *
 *   runs:    /\d/g (native, no allocation with test + lastIndex) jumps to the next digit; the run
 *            then continues while another digit follows within 4 chars with no "\n" or NUL between
 *            (the same runs as /\d(?:[^\d\n\u0000]{0,3}\d)*\/g), counting its digits on the way.
 *   windows: each run widened to its word, one separator and one more word on each side, plus two
 *            chars of punctuation (computed once per text and shared by every digit tier), or
 *            `before` / `after` chars when a trigger gives them.
 *   spans:   windows of the runs with enough digits (and accepted), merged in one pass when they
 *            come in order (they do: runs are ordered and widening is monotone), else sorted first.
 */
import { mergeSpans, type Spans } from './windows.js';

/** The digit runs of one text. */
export interface RunTable {
  count: number;
  start: Int32Array;
  end: Int32Array;
  digits: Int32Array;
  /** Default (word-widened) window of each run, filled on first use. */
  winStart: Int32Array | null;
  winEnd: Int32Array | null;
}

/** Options of a digit trigger (see Trigger `digits` in model.ts). */
export interface RunWindowOptions {
  minDigits: number;
  before?: number;
  after?: number;
  accept?: (text: string, start: number, end: number) => boolean;
}

const DIGIT = /\d/g;
const WORD_REACH = 40;
/** Windows closer than this are merged (same rule as windows.ts). */
const MERGE_GAP = 8;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isWord = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
/** Space, hyphen, dot, slash. */
const isSep = (c: number): boolean => c === 32 || c === 45 || c === 46 || c === 47;

function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** All digit runs of `text`, in order. */
export function findRuns(text: string): RunTable {
  let start: Int32Array<ArrayBuffer> = new Int32Array(64);
  let end: Int32Array<ArrayBuffer> = new Int32Array(64);
  let digits: Int32Array<ArrayBuffer> = new Int32Array(64);
  let count = 0;
  const n = text.length;
  DIGIT.lastIndex = 0;
  while (DIGIT.test(text)) {
    const s = DIGIT.lastIndex - 1;
    let last = s;
    let d = 1;
    // Extend: the next digit must come within 4 chars, with no line end or NUL in between.
    for (;;) {
      let k = last + 1;
      const lim = Math.min(n, last + 5);
      let next = -1;
      for (; k < lim; k++) {
        const c = text.charCodeAt(k);
        if (isDigit(c)) { next = k; break; }
        if (c === 10 || c === 0) break;
      }
      if (next < 0) break;
      last = next;
      d++;
    }
    if (count === start.length) { start = grow(start); end = grow(end); digits = grow(digits); }
    start[count] = s;
    end[count] = last + 1;
    digits[count] = d;
    count++;
    DIGIT.lastIndex = last + 1;
  }
  return { count, start, end, digits, winStart: null, winEnd: null };
}

/** Fills the default windows: the run widened to the surrounding word (see the file comment). */
function defaultWindows(text: string, runs: RunTable): void {
  const n = text.length;
  const ws = new Int32Array(runs.count);
  const we = new Int32Array(runs.count);
  for (let r = 0; r < runs.count; r++) {
    const rs = runs.start[r]!;
    const re = runs.end[r]!;
    // Widen to the surrounding word, then over one separator and one more word on each side
    // (NINO "AB 12 34 56 C", DNI "12345678-Z", IBAN "DE89 3704…"), plus a char of punctuation.
    let st = rs;
    const sMin = Math.max(0, rs - WORD_REACH);
    while (st > sMin && isWord(text.charCodeAt(st - 1))) st--;
    if (st > 1 && isSep(text.charCodeAt(st - 1)) && isWord(text.charCodeAt(st - 2))) {
      st--;
      const sMin2 = Math.max(0, st - 12);
      while (st > sMin2 && isWord(text.charCodeAt(st - 1))) st--;
    }
    st = Math.max(0, st - 2);
    let e = re;
    const eMax = Math.min(n, re + WORD_REACH);
    while (e < eMax && isWord(text.charCodeAt(e))) e++;
    if (e + 1 < n && isSep(text.charCodeAt(e)) && isWord(text.charCodeAt(e + 1))) {
      e++;
      const eMax2 = Math.min(n, e + 12);
      while (e < eMax2 && isWord(text.charCodeAt(e))) e++;
    }
    ws[r] = st;
    we[r] = Math.min(n, e + 1);
  }
  runs.winStart = ws;
  runs.winEnd = we;
}

/**
 * Merged windows of the runs with at least `minDigits` digits that `accept` takes: the same spans
 * as mergeSpans over every window, without an array per window.
 */
export function runSpans(text: string, runs: RunTable, opts: RunWindowOptions): Spans {
  const n = text.length;
  const margins = opts.before !== undefined || opts.after !== undefined;
  if (!margins && runs.winStart === null) defaultWindows(text, runs);
  const before = opts.before ?? 0;
  const after = opts.after ?? 0;
  const min = opts.minDigits;
  const accept = opts.accept;
  const out: Spans = [];
  let curS = -1;
  let curE = -1;
  let lastS = -1;
  for (let r = 0; r < runs.count; r++) {
    if (runs.digits[r]! < min) continue;
    const rs = runs.start[r]!;
    const re = runs.end[r]!;
    if (accept !== undefined && !accept(text, rs, re)) continue;
    let s: number;
    let e: number;
    if (margins) { s = Math.max(0, rs - before); e = Math.min(n, re + after); } else { s = runs.winStart![r]!; e = runs.winEnd![r]!; }
    if (s < lastS) return runSpansUnordered(text, runs, opts);
    lastS = s;
    if (curS >= 0 && s <= curE + MERGE_GAP) { if (e > curE) curE = e; continue; }
    if (curE > curS) out.push(curS, curE);
    curS = s;
    curE = e;
  }
  if (curE > curS) out.push(curS, curE);
  return out;
}

/** The general path (windows out of order, which widening should never produce). */
function runSpansUnordered(text: string, runs: RunTable, opts: RunWindowOptions): Spans {
  const n = text.length;
  const flat: number[] = [];
  for (let r = 0; r < runs.count; r++) {
    if (runs.digits[r]! < opts.minDigits) continue;
    const rs = runs.start[r]!;
    const re = runs.end[r]!;
    if (opts.accept !== undefined && !opts.accept(text, rs, re)) continue;
    if (opts.before !== undefined || opts.after !== undefined) flat.push(Math.max(0, rs - (opts.before ?? 0)), Math.min(n, re + (opts.after ?? 0)));
    else flat.push(runs.winStart![r]!, runs.winEnd![r]!);
  }
  return mergeSpans(flat, n);
}
