/**
 * The prefilter: cheap passes that find the few regions of a unit where a detector could match,
 * so detector regexes run on a small "compacted" text instead of the whole unit.
 *
 *   digit runs:  see runs.ts (found once per batch, windows shared by all digit tiers).
 *   literals:    indexOf per literal (case-insensitive ones: lower, Capitalised and UPPER variants).
 *   regex:       a cheap global regex's hits.
 *   Windows closer than MERGE_GAP chars are merged; the rest are joined with SEP so no pattern
 *   match can span two windows, and offsets are mapped back with a binary search.
 */

/** Separator between windows in a compacted text. Detector patterns must not match it. */
export const SEP = '\u0000\u0000';
const MERGE_GAP = 8;

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

/** Relative frequency of characters in prose; indexOf is fastest when anchored on a rare one. */
const COMMON = ' etaoinshrdlcumwfgypbvkjxqz';
function rarity(c: string): number {
  const i = COMMON.indexOf(c);
  if (i >= 0) return 100 - i;
  if (c === '.' || c === ',' || c === '\n') return 60;
  return 0;
}

/**
 * V8's indexOf finds patterns of up to 6 chars with a memchr on their first char (~0.02 ns/char
 * here) and longer ones with Boyer-Moore (~0.4-1.4 ns/char, measured): anchors stay short.
 */
const MAX_ANCHOR = 6;

/**
 * The search anchor of a literal: up to MAX_ANCHOR chars from its rarest character, and the
 * length of the prefix before it (the whole literal is verified at each hit).
 */
export function anchorOf(lit: string): { anchor: string; skip: number } {
  let best = 0;
  for (let i = 1; i < lit.length; i++) if (rarity(lit[i]!) < rarity(lit[best]!)) best = i;
  return { anchor: lit.slice(best, best + MAX_ANCHOR), skip: best };
}

/** Literals grouped by their rarest-char anchor (one indexOf pass per anchor), built once per trigger. */
export type LiteralPlan = ReadonlyArray<{ anchor: string; group: ReadonlyArray<{ lit: string; skip: number; whole: boolean }> }>;

export function planLiterals(literals: readonly string[]): LiteralPlan {
  const byAnchor = new Map<string, Array<{ lit: string; skip: number; whole: boolean }>>();
  for (const lit of literals) {
    const { anchor, skip } = anchorOf(lit);
    const group = byAnchor.get(anchor) ?? [];
    // `whole`: the anchor is the literal itself, nothing to verify at a hit.
    group.push({ lit, skip, whole: skip === 0 && anchor.length === lit.length });
    byAnchor.set(anchor, group);
  }
  return [...byAnchor].map(([anchor, group]) => ({ anchor, group }));
}

/** Calls `emit(start, end)` for the window around each occurrence of the planned literals. */
function eachLiteralWindow(
  haystack: string,
  plan: LiteralPlan,
  before: number,
  after: number,
  accept: ((text: string, index: number) => boolean) | undefined,
  emit: (s: number, e: number) => void,
): void {
  for (const { anchor, group } of plan) {
    for (let i = haystack.indexOf(anchor); i !== -1; i = haystack.indexOf(anchor, i + 1)) {
      for (const { lit, skip, whole } of group) {
        if (!whole && (i < skip || !haystack.startsWith(lit, i - skip))) continue;
        if (accept !== undefined && !accept(haystack, i - skip)) continue;
        emit(i - skip - before, i - skip + lit.length + after);
      }
    }
  }
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
  eachLiteralWindow(haystack, planLiterals(literals), before, after, accept, (s, e) => { out.push([s, e]); });
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
  const pairs = sorted ? flat : sortPairs(flat);
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

/**
 * Flat pairs sorted by start (clamped at 0 first, which changes no merge): a typed-array sort of
 * start * 2^20 + pair index, instead of a comparator call per comparison.
 */
function sortPairs(flat: readonly number[]): number[] {
  const m = flat.length >> 1;
  const out = new Array<number>(flat.length);
  if (m >= 1 << 20) {
    const idx = Array.from({ length: m }, (_, i) => i).sort((a, b) => flat[2 * a]! - flat[2 * b]!);
    idx.forEach((k, i) => { out[2 * i] = flat[2 * k]!; out[2 * i + 1] = flat[2 * k + 1]!; });
    return out;
  }
  const keys = new Float64Array(m);
  for (let i = 0; i < m; i++) keys[i] = Math.max(0, flat[2 * i]!) * 1048576 + i;
  keys.sort();
  for (let i = 0; i < m; i++) {
    const k = keys[i]! % 1048576;
    out[2 * i] = Math.max(0, flat[2 * k]!);
    out[2 * i + 1] = flat[2 * k + 1]!;
  }
  return out;
}

/** Two flat [start, end) pair lists, each sorted by start, merged into one sorted list (linear). */
export function mergeSortedPairs(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    if (a[i]! <= b[j]!) { out[k++] = a[i++]!; out[k++] = a[i++]!; } else { out[k++] = b[j++]!; out[k++] = b[j++]!; }
  }
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

/** Spans of the literal windows (see `literalWindows`) of a planned literal set. */
export function literalSpans(text: string, plan: LiteralPlan, before: number, after: number, accept?: (text: string, index: number) => boolean): Spans {
  const flat: number[] = [];
  eachLiteralWindow(text, plan, before, after, accept, (s, e) => { flat.push(s, e); });
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
