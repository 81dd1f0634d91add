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
  let sorted = true;
  for (let i = 1; i < windows.length && sorted; i++) sorted = windows[i - 1]![0] <= windows[i]![0];
  if (!sorted) windows.sort((a, b) => a[0] - b[0]);
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
/** Space, hyphen, dot, slash. */
const isSep = (c: number): boolean => c === 32 || c === 45 || c === 46 || c === 47;

/** A run of digits (consecutive digits at most 3 chars apart). */
export interface DigitRun { start: number; end: number; digits: number }

// Runs stop at line ends and NUL (the separators between units of a batch).
const RUN = /\d(?:[^\d\n\u0000]{0,3}\d)*/g;

/** All digit runs of a text, in order (one regex pass). */
export function digitRuns(text: string): DigitRun[] {
  const out: DigitRun[] = [];
  RUN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = RUN.exec(text)) !== null) {
    const v = m[0];
    let digits = 0;
    for (let i = 0; i < v.length; i++) { const c = v.charCodeAt(i); if (c >= 48 && c <= 57) digits++; }
    out.push({ start: m.index, end: m.index + v.length, digits });
  }
  return out;
}

type RunWindowOptions = { minDigits: number; before?: number; after?: number; accept?: (text: string, start: number, end: number) => boolean };

/** Calls `emit(start, end)` with the window of each run that has `minDigits` digits and passes `accept`. */
function eachRunWindow(text: string, runs: readonly DigitRun[], opts: RunWindowOptions, emit: (s: number, e: number) => void): void {
  const n = text.length;
  for (const r of runs) {
    if (r.digits < opts.minDigits) continue;
    if (opts.accept && !opts.accept(text, r.start, r.end)) continue;
    if (opts.before !== undefined || opts.after !== undefined) {
      emit(Math.max(0, r.start - (opts.before ?? 0)), Math.min(n, r.end + (opts.after ?? 0)));
      continue;
    }
    // Widen to the surrounding word, then over one separator and one more word on each side
    // (NINO "AB 12 34 56 C", DNI "12345678-Z", IBAN "DE89 3704…"), plus a char of punctuation.
    let st = r.start;
    const sMin = Math.max(0, r.start - WORD_REACH);
    while (st > sMin && isWord(text.charCodeAt(st - 1))) st--;
    if (st > 1 && isSep(text.charCodeAt(st - 1)) && isWord(text.charCodeAt(st - 2))) {
      st--;
      const sMin2 = Math.max(0, st - 12);
      while (st > sMin2 && isWord(text.charCodeAt(st - 1))) st--;
    }
    st = Math.max(0, st - 2);
    let e = r.end;
    const eMax = Math.min(n, r.end + WORD_REACH);
    while (e < eMax && isWord(text.charCodeAt(e))) e++;
    if (e + 1 < n && isSep(text.charCodeAt(e)) && isWord(text.charCodeAt(e + 1))) {
      e++;
      const eMax2 = Math.min(n, e + 12);
      while (e < eMax2 && isWord(text.charCodeAt(e))) e++;
    }
    emit(st, Math.min(n, e + 1));
  }
}

/** Windows for the runs that have `minDigits` digits and pass `accept` (see Trigger `digits`). */
export function runWindows(text: string, runs: readonly DigitRun[], opts: RunWindowOptions): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  eachRunWindow(text, runs, opts, (s, e) => { out.push([s, e]); });
  return out;
}

/**
 * `compact(text, runWindows(text, runs, opts))` without a pair per window: windows come in start
 * order (runs are in order) and are merged as they come; out-of-order windows fall back to `compact`.
 */
export function compactRuns(text: string, runs: readonly DigitRun[], opts: RunWindowOptions): Compacted {
  const flat: number[] = [];
  let sorted = true;
  let last = -1;
  eachRunWindow(text, runs, opts, (s, e) => {
    if (s < last) sorted = false;
    last = s;
    flat.push(s, e);
  });
  if (!sorted) {
    const w: Array<[number, number]> = [];
    for (let i = 0; i < flat.length; i += 2) w.push([flat[i]!, flat[i + 1]!]);
    return compact(text, w);
  }
  const out: Compacted = { text: '', segStart: [], origStart: [], segLen: [] };
  if (flat.length === 0) return out;
  const parts: string[] = [];
  let pos = 0;
  let curS = flat[0]!;
  let curE = flat[1]!;
  const flush = (): void => {
    if (curE <= curS) return;
    out.segStart.push(pos);
    out.origStart.push(curS);
    out.segLen.push(curE - curS);
    parts.push(text.slice(curS, curE));
    pos += curE - curS + SEP.length;
  };
  for (let i = 2; i < flat.length; i += 2) {
    const s = flat[i]!;
    const e = flat[i + 1]!;
    if (s <= curE + MERGE_GAP) { if (e > curE) curE = e; continue; }
    flush();
    curS = s;
    curE = e;
  }
  flush();
  out.text = parts.length === 1 && parts[0]!.length === text.length ? text : parts.join(SEP);
  return out;
}

/** Windows around runs of at least `minDigits` digits (word-widened). */
export function digitWindows(text: string, minDigits: number): Array<[number, number]> {
  return runWindows(text, digitRuns(text), { minDigits });
}

/** Relative frequency of characters in prose; indexOf is fastest when anchored on a rare one. */
const COMMON = ' etaoinshrdlcumwfgypbvkjxqz';
function rarity(c: string): number {
  const i = COMMON.indexOf(c);
  if (i >= 0) return 100 - i;
  if (c === '.' || c === ',' || c === '\n') return 60;
  return 0;
}

/** The literal's suffix starting at its rarest character, and the length of the prefix before it. */
export function anchorOf(lit: string): { anchor: string; skip: number } {
  let best = 0;
  for (let i = 1; i < lit.length; i++) if (rarity(lit[i]!) < rarity(lit[best]!)) best = i;
  return { anchor: lit.slice(best), skip: best };
}

/** Windows around each occurrence of the literals (literals sharing their rarest-char anchor share one search). */
export function literalWindows(
  haystack: string,
  literals: readonly string[],
  before: number,
  after: number,
  accept?: (text: string, index: number) => boolean,
): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const byAnchor = new Map<string, Array<{ lit: string; skip: number; prefix: string }>>();
  for (const lit of literals) {
    const { anchor, skip } = anchorOf(lit);
    const group = byAnchor.get(anchor) ?? [];
    group.push({ lit, skip, prefix: lit.slice(0, skip) });
    byAnchor.set(anchor, group);
  }
  for (const [anchor, group] of byAnchor) {
    for (let i = haystack.indexOf(anchor); i !== -1; i = haystack.indexOf(anchor, i + 1)) {
      for (const { lit, skip, prefix } of group) {
        if (skip > 0 && (i < skip || !haystack.startsWith(prefix, i - skip))) continue;
        if (accept !== undefined && !accept(haystack, i - skip)) continue;
        out.push([i - skip - before, i - skip + lit.length + after]);
      }
    }
  }
  return out;
}

/** Lower-case, Capitalised and UPPER-case variants of literals (case-insensitive triggers). */
export function caseVariants(literals: readonly string[]): string[] {
  const out = new Set<string>();
  for (const l of literals) {
    const lower = l.toLowerCase();
    out.add(lower);
    out.add(lower[0]!.toUpperCase() + lower.slice(1));
    out.add(l.toUpperCase());
  }
  return [...out];
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

/** The segments of a compacted text that `keep(origStart, origEnd)` accepts (same object when all are kept). */
export function filterSegments(c: Compacted, keep: (origStart: number, origEnd: number) => boolean): Compacted {
  const n = c.segStart.length;
  let kept: number[] | null = null;
  for (let i = 0; i < n; i++) {
    const k = keep(c.origStart[i]!, c.origStart[i]! + c.segLen[i]!);
    if (k && kept !== null) kept.push(i);
    else if (!k && kept === null) { kept = []; for (let j = 0; j < i; j++) kept.push(j); }
  }
  if (kept === null) return c;
  const out: Compacted = { text: '', segStart: [], origStart: [], segLen: [] };
  const parts: string[] = [];
  let pos = 0;
  for (const i of kept) {
    out.segStart.push(pos);
    out.origStart.push(c.origStart[i]!);
    out.segLen.push(c.segLen[i]!);
    parts.push(c.text.slice(c.segStart[i]!, c.segStart[i]! + c.segLen[i]!));
    pos += c.segLen[i]! + SEP.length;
  }
  out.text = parts.join(SEP);
  return out;
}

/**
 * Merged trigger windows of a unit before their text is built: flat [start, end) pairs in
 * ascending order, windows closer than MERGE_GAP already merged. The engine keyword-gates spans
 * first and only then copies the kept ones into a compacted text (`materialize`).
 */
export type Spans = number[];

/** Merges possibly unsorted, overlapping [start, end) pairs (flat) into Spans clamped to [0, n). */
export function mergeSpans(flat: number[], n: number): Spans {
  let sorted = true;
  for (let i = 2; i < flat.length && sorted; i += 2) sorted = flat[i - 2]! <= flat[i]!;
  let pairs = flat;
  if (!sorted) {
    const idx = Array.from({ length: flat.length / 2 }, (_, i) => i).sort((a, b) => flat[2 * a]! - flat[2 * b]!);
    pairs = new Array<number>(flat.length);
    idx.forEach((k, i) => { pairs[2 * i] = flat[2 * k]!; pairs[2 * i + 1] = flat[2 * k + 1]!; });
  }
  const out: Spans = [];
  if (pairs.length === 0) return out;
  let curS = Math.max(0, pairs[0]!);
  let curE = Math.min(n, pairs[1]!);
  for (let i = 2; i < pairs.length; i += 2) {
    const s = Math.max(0, pairs[i]!);
    const e = Math.min(n, pairs[i + 1]!);
    if (s <= curE + MERGE_GAP) { if (e > curE) curE = e; continue; }
    if (curE > curS) out.push(curS, curE);
    curS = s;
    curE = e;
  }
  if (curE > curS) out.push(curS, curE);
  return out;
}

/** Spans of the digit-run windows (see `runWindows`). */
export function runSpans(text: string, runs: readonly DigitRun[], opts: RunWindowOptions): Spans {
  const flat: number[] = [];
  eachRunWindow(text, runs, opts, (s, e) => { flat.push(s, e); });
  return mergeSpans(flat, text.length);
}

/** Spans of the literal windows (see `literalWindows`). */
export function literalSpans(text: string, literals: readonly string[], before: number, after: number, accept?: (text: string, index: number) => boolean): Spans {
  const flat: number[] = [];
  for (const [s, e] of literalWindows(text, literals, before, after, accept)) flat.push(s, e);
  return mergeSpans(flat, text.length);
}

/** Spans of the hits of a cheap global regex (see `regexWindows`). */
export function regexSpans(text: string, pattern: RegExp, before: number, after: number): Spans {
  const flat: number[] = [];
  for (const [s, e] of regexWindows(text, pattern, before, after)) flat.push(s, e);
  return mergeSpans(flat, text.length);
}

/**
 * The compacted text of the spans that `keep(start, end)` accepts (all when omitted); a single
 * span covering the whole text is the text itself, not a copy.
 */
export function materialize(text: string, spans: Spans, keep?: (start: number, end: number) => boolean): Compacted {
  const out: Compacted = { text: '', segStart: [], origStart: [], segLen: [] };
  const parts: string[] = [];
  let pos = 0;
  for (let i = 0; i < spans.length; i += 2) {
    const s = spans[i]!;
    const e = spans[i + 1]!;
    if (keep !== undefined && !keep(s, e)) continue;
    out.segStart.push(pos);
    out.origStart.push(s);
    out.segLen.push(e - s);
    parts.push(parts.length === 0 && s === 0 && e === text.length ? text : text.slice(s, e));
    pos += e - s + SEP.length;
  }
  out.text = parts.length === 1 ? parts[0]! : parts.join(SEP);
  return out;
}
