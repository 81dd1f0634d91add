/**
 * The prefilter: cheap passes that find the few regions of a unit where a detector could match,
 * so detector regexes run on a small "compacted" text instead of the whole unit.
 *
 *   digit runs:  /\d/ jumps to the next digit; a run continues while the next digit is at most
 *                3 chars away; window = run widened to the surrounding word (+2 chars of prefix
 *                punctuation such as "+" or "(").
 *   literals:    indexOf per literal (case-insensitive literals use a lower-cased copy of the unit).
 *   regex:       a cheap global regex's hits.
 *   Windows closer than MERGE_GAP chars are merged; the rest are joined with SEP so no pattern
 *   match can span two windows, and offsets are mapped back with a binary search.
 */

/** Separator between windows in a compacted text. Detector patterns must not match it. */
export const SEP = '\u0000\u0000';
const MERGE_GAP = 8;
const WORD_REACH = 40;

export interface Compacted {
  text: string;
  /** Start of each segment in `text`. */
  segStart: number[];
  /** Start of each segment in the unit text. */
  origStart: number[];
  segLen: number[];
}

/** Builds the compacted text from sorted, possibly overlapping [start, end) windows. */
export function compact(text: string, windows: Array<[number, number]>): Compacted {
  const out: Compacted = { text: '', segStart: [], origStart: [], segLen: [] };
  if (windows.length === 0) return out;
  windows.sort((a, b) => a[0] - b[0]);
  const parts: string[] = [];
  let pos = 0;
  let curS = Math.max(0, windows[0]![0]);
  let curE = Math.min(text.length, windows[0]![1]);
  const flush = (): void => {
    if (curE <= curS) return;
    out.segStart.push(pos);
    out.origStart.push(curS);
    out.segLen.push(curE - curS);
    parts.push(text.slice(curS, curE));
    pos += curE - curS + SEP.length;
  };
  for (let i = 1; i < windows.length; i++) {
    const s = Math.max(0, windows[i]![0]);
    const e = Math.min(text.length, windows[i]![1]);
    if (s <= curE + MERGE_GAP) { if (e > curE) curE = e; continue; }
    flush();
    curS = s;
    curE = e;
  }
  flush();
  // A single window covering the whole text: no copy needed.
  out.text = parts.length === 1 && parts[0]!.length === text.length ? text : parts.join(SEP);
  return out;
}

/** Maps a [start, end) span of the compacted text back to the unit text; null if it spans a separator. */
export function mapBack(c: Compacted, start: number, end: number): [number, number] | null {
  let lo = 0;
  let hi = c.segStart.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (c.segStart[mid]! <= start) lo = mid; else hi = mid - 1;
  }
  const s0 = c.segStart[lo];
  if (s0 === undefined || start < s0 || end > s0 + c.segLen[lo]!) return null;
  const o = c.origStart[lo]! - s0;
  return [start + o, end + o];
}

const isWord = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
/** Space, hyphen, dot, slash. */
const isSep = (c: number): boolean => c === 32 || c === 45 || c === 46 || c === 47;

const DIGIT = /[0-9]/g;

/** Windows around runs of at least `minDigits` digits (see file comment). */
export function digitWindows(text: string, minDigits: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const n = text.length;
  DIGIT.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = DIGIT.exec(text)) !== null) {
    const runStart = m.index;
    let count = 1;
    let last = runStart;
    let i = runStart + 1;
    while (i < n && i - last <= 4) {
      if (isDigit(text.charCodeAt(i))) { count++; last = i; }
      i++;
    }
    const runEnd = last + 1;
    DIGIT.lastIndex = runEnd;
    if (count < minDigits) continue;
    // Widen to the surrounding word, then over one separator and one more word on each side
    // (NINO "AB 12 34 56 C", DNI "12345678-Z", IBAN "DE89 3704…"), plus a char of punctuation.
    let s = runStart;
    const sMin = Math.max(0, runStart - WORD_REACH);
    while (s > sMin && isWord(text.charCodeAt(s - 1))) s--;
    if (s > 1 && isSep(text.charCodeAt(s - 1)) && isWord(text.charCodeAt(s - 2))) {
      s--;
      const sMin2 = Math.max(0, s - 12);
      while (s > sMin2 && isWord(text.charCodeAt(s - 1))) s--;
    }
    s = Math.max(0, s - 2);
    let e = runEnd;
    const eMax = Math.min(n, runEnd + WORD_REACH);
    while (e < eMax && isWord(text.charCodeAt(e))) e++;
    if (e + 1 < n && isSep(text.charCodeAt(e)) && isWord(text.charCodeAt(e + 1))) {
      e++;
      const eMax2 = Math.min(n, e + 12);
      while (e < eMax2 && isWord(text.charCodeAt(e))) e++;
    }
    e = Math.min(n, e + 1);
    out.push([s, e]);
  }
  return out;
}

/** Windows around each occurrence of the literals. */
export function literalWindows(
  haystack: string,
  literals: readonly string[],
  before: number,
  after: number,
): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const lit of literals) {
    let i = haystack.indexOf(lit);
    while (i !== -1) {
      out.push([i - before, i + lit.length + after]);
      i = haystack.indexOf(lit, i + lit.length);
    }
  }
  return out;
}

/** Windows around each hit of a global regex. */
export function regexWindows(text: string, pattern: RegExp, before: number, after: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  pattern.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = pattern.exec(text)) !== null) {
    out.push([m.index - before, m.index + m[0].length + after]);
    if (m[0].length === 0) pattern.lastIndex++;
  }
  return out;
}
