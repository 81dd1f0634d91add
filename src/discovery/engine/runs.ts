/**
 * Digit runs and their trigger windows, in flat typed arrays (no object per run or window).
 *
 *   runs:    a sticky regex over non-digits (native, no allocation with test + lastIndex) jumps to the next digit; a sticky
 *            regex then extends the run while another digit follows within 4 chars with no "\n"
 *            or NUL between (the runs of /\d(?:[^\d\n\u0000]{0,3}\d)*\/g), and its digits are counted.
 *   tokens:  for triggers with `minToken`, the size of the largest letter/digit/hyphen token holding
 *            a digit of the run (a bare year "1987" is a 4-char token: never a 9-char passport).
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
  /** Default (word-widened) window of each run, filled per run on first use (-1 = not yet). */
  winStart: Int32Array | null;
  winEnd: Int32Array | null;
  /** Letters and digits of the largest token holding a digit of each run, filled per run on first use (-1 = not yet). */
  token: Int32Array | null;
  /** Indexes of the runs with at least `digits` digits in a token of at least `token` letters and digits. */
  lists: Array<{ digits: number; token: number; runs: Int32Array }> | null;
}

/** Options of a digit trigger (see Trigger `digits` in model.ts). */
export interface RunWindowOptions {
  minDigits: number;
  before?: number;
  after?: number;
  /** Only runs with a digit in a token (maximal [A-Za-z0-9-] stretch) of at least this many letters and digits. */
  minToken?: number;
  /**
   * Only runs that overlap one of these flat, sorted [start, end) ranges (the engine passes the
   * stretches near a card number for CVV and expiry triggers, so the rest of the text is skipped).
   */
  within?: readonly number[];
  accept?: (text: string, start: number, end: number) => boolean;
}

/** Sticky: from lastIndex over every non-digit, so lastIndex ends on the next digit (or the end). */
const NON_DIGITS = /[^0-9]*/y;
const WORD_REACH = 40;
/** How far a default window can reach past its run on either side (word, separator, word, punctuation). */
export const MAX_WINDOW_REACH = WORD_REACH + 16;
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

/**
 * The rest of a run after its first digit: up to 3 chars (no line end or NUL) then a digit, again
 * and again. Sticky, so `test` from lastIndex = first digit + 1 leaves lastIndex at the run's end.
 * (Native regex scanning: a JS loop over the chars costs several times more on long texts.)
 */
const RUN_REST = /(?:[^\d\n\u0000]{0,3}\d)*/y;

/** All digit runs of `text`, in order. */
/** Reused buffers for findRuns (grown as needed; each text's table gets exact-size copies). */
let runStart: Int32Array<ArrayBuffer> = new Int32Array(4096);
let runEnd: Int32Array<ArrayBuffer> = new Int32Array(4096);
let runDigits: Int32Array<ArrayBuffer> = new Int32Array(4096);

export function findRuns(text: string): RunTable {
  let count = 0;
  const n = text.length;
  let pos = 0;
  for (;;) {
    // Skip to the next digit: a greedy loop over a negated class runs ~15% faster in irregexp
    // than an unanchored search for \d.
    NON_DIGITS.lastIndex = pos;
    NON_DIGITS.test(text);
    const s = NON_DIGITS.lastIndex;
    if (s >= n) break;
    RUN_REST.lastIndex = s + 1;
    RUN_REST.test(text);
    const e = RUN_REST.lastIndex;
    let d = 1;
    for (let k = s + 1; k < e; k++) if (isDigit(text.charCodeAt(k))) d++;
    if (count === runStart.length) { runStart = grow(runStart); runEnd = grow(runEnd); runDigits = grow(runDigits); }
    runStart[count] = s;
    runEnd[count] = e;
    runDigits[count] = d;
    count++;
    pos = e;
  }
  return {
    count, start: runStart.slice(0, count), end: runEnd.slice(0, count), digits: runDigits.slice(0, count),
    winStart: null, winEnd: null, token: null, lists: null,
  };
}

/** Letter, digit or hyphen: the chars of a token (see RunWindowOptions.minToken). */
const isTokenChar = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45;

/**
 * The most letters and digits in one token (maximal stretch of [A-Za-z0-9-]) holding a digit of
 * run `r`. Computed on first use and kept in `runs.token` (-1 = not yet).
 */
function tokenSize(text: string, runs: RunTable, r: number): number {
  const known = runs.token![r]!;
  if (known >= 0) return known;
  const n = text.length;
  const rs = runs.start[r]!;
  const re = runs.end[r]!;
  // A bare number ("1987", most runs in prose): its token is its digits.
  if (re - rs === runs.digits[r]! && (rs === 0 || !isTokenChar(text.charCodeAt(rs - 1))) && (re === n || !isTokenChar(text.charCodeAt(re)))) {
    runs.token![r] = re - rs;
    return re - rs;
  }
  let best = 0;
  for (let i = rs; i < re; i++) {
    if (!isDigit(text.charCodeAt(i))) continue;
    // Walk the token out from this digit, then go on after it (the rest of it holds no other token).
    let a = i;
    while (a > 0 && isTokenChar(text.charCodeAt(a - 1))) a--;
    let b = i + 1;
    while (b < n && isTokenChar(text.charCodeAt(b))) b++;
    let size = 0;
    for (let k = a; k < b; k++) if (text.charCodeAt(k) !== 45) size++;
    if (size > best) best = size;
    i = b - 1;
  }
  runs.token![r] = best;
  return best;
}

/** The default window of run `r` (see the file comment), computed on first use into winStart / winEnd. */
function defaultWindow(text: string, runs: RunTable, r: number): void {
  if (runs.winStart![r]! >= 0) return;
  const n = text.length;
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
  runs.winStart![r] = st;
  runs.winEnd![r] = Math.min(n, e + 1);
}

/** The first index >= i in `list` whose run ends after `pos` (runs are in order), or list.length. */
function firstEndingAfter(runs: RunTable, list: Int32Array, i: number, pos: number): number {
  let lo = i;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (runs.end[list[mid]!]! <= pos) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/** Whether [s, e) overlaps one of the flat sorted ranges. */
function overlaps(ranges: readonly number[], s: number, e: number): boolean {
  for (let i = 0; i < ranges.length; i += 2) if (ranges[i]! < e && ranges[i + 1]! > s) return true;
  return false;
}

/**
 * The runs with at least `minDigits` digits in a token of at least `minToken` letters and digits,
 * in order. Each text has a few such lists (one per digit count and token size asked for); a
 * list is filtered from the shortest cached one that holds it, so every trigger walks only runs
 * it may take.
 */
/** Reused buffer for building run lists (one copy per list instead of two). */
let scratch = new Int32Array(1024);

function runList(text: string, runs: RunTable, minDigits: number, minToken: number): Int32Array {
  runs.lists ??= [];
  // Filter the shortest cached list that holds every run wanted (fewer digits, smaller token).
  let base: Int32Array | null = null;
  for (const l of runs.lists) {
    if (l.digits === minDigits && l.token === minToken) return l.runs;
    if (l.digits <= minDigits && l.token <= minToken && (base === null || l.runs.length < base.length)) base = l.runs;
  }
  if (minToken > 0) runs.token ??= new Int32Array(runs.count).fill(-1);
  const size = base === null ? runs.count : base.length;
  if (scratch.length < size) scratch = new Int32Array(Math.max(size, scratch.length * 2));
  let k = 0;
  for (let i = 0; i < size; i++) {
    const r = base === null ? i : base[i]!;
    if (runs.digits[r]! >= minDigits && (minToken === 0 || tokenSize(text, runs, r) >= minToken)) scratch[k++] = r;
  }
  // Nothing filtered out: share the base list (small texts have one run or none).
  const out = base !== null && k === base.length ? base : scratch.slice(0, k);
  runs.lists.push({ digits: minDigits, token: minToken, runs: out });
  return out;
}

/**
 * Merged windows of the runs with at least `minDigits` digits (in a token of at least `minToken`,
 * overlapping `within`) that `accept` takes: the same spans as mergeSpans over every window,
 * without an array per window. Windows are computed only for the runs that get that far, once
 * per text whatever the number of triggers.
 */
export function runSpans(text: string, runs: RunTable, opts: RunWindowOptions): Spans {
  const n = text.length;
  const margins = opts.before !== undefined || opts.after !== undefined;
  if (!margins && runs.winStart === null) { runs.winStart = new Int32Array(runs.count).fill(-1); runs.winEnd = new Int32Array(runs.count); }
  const list = runList(text, runs, opts.minDigits, opts.minToken ?? 0);
  const before = opts.before ?? 0;
  const after = opts.after ?? 0;
  const accept = opts.accept;
  const out: Spans = [];
  let curS = -1;
  let curE = -1;
  let lastS = -1;
  const within = opts.within;
  let w = 0;
  for (let i = 0; i < list.length; i++) {
    let r = list[i]!;
    if (within !== undefined) {
      // Runs come in order: skip the ranges that end before this run, then jump (binary search)
      // to the first run that may overlap the next range, so text far from all of them is skipped.
      while (w < within.length && within[w + 1]! <= runs.start[r]!) w += 2;
      if (w >= within.length) break;
      if (within[w]! >= runs.end[r]!) {
        i = firstEndingAfter(runs, list, i, within[w]!);
        if (i >= list.length) break;
        r = list[i]!;
        if (within[w]! >= runs.end[r]! || within[w + 1]! <= runs.start[r]!) { i--; continue; }
      }
    }
    if (accept !== undefined && !accept(text, runs.start[r]!, runs.end[r]!)) continue;
    let s: number;
    let e: number;
    if (margins) {
      s = Math.max(0, runs.start[r]! - before);
      e = Math.min(n, runs.end[r]! + after);
    } else {
      defaultWindow(text, runs, r);
      s = runs.winStart![r]!;
      e = runs.winEnd![r]!;
    }
    if (s < lastS) return runSpansUnordered(text, runs, list, opts);
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
function runSpansUnordered(text: string, runs: RunTable, list: Int32Array, opts: RunWindowOptions): Spans {
  const n = text.length;
  const flat: number[] = [];
  const within = opts.within;
  for (let i = 0; i < list.length; i++) {
    const r = list[i]!;
    const rs = runs.start[r]!;
    const re = runs.end[r]!;
    if (within !== undefined && !overlaps(within, rs, re)) continue;
    if (opts.accept !== undefined && !opts.accept(text, rs, re)) continue;
    if (opts.before !== undefined || opts.after !== undefined) flat.push(Math.max(0, rs - (opts.before ?? 0)), Math.min(n, re + (opts.after ?? 0)));
    else {
      defaultWindow(text, runs, r);
      flat.push(runs.winStart![r]!, runs.winEnd![r]!);
    }
  }
  return mergeSpans(flat, n);
}
