/**
 * Keyword proximity (Macie rules): keywords are case-insensitive; a keyword with spaces also
 * matches the variants with `_`, `-` or nothing instead of the spaces; a keyword counts when it
 * ends within `maxDistance` characters before the match (measured to the match start for managed
 * identifiers, to the match end for custom ones). Unit `contextKeywords` (CSV column names, JSON
 * path elements) count as present anywhere in the unit.
 */

export interface KeywordMatcher {
  /**
   * True when a keyword ends at most `maxDistance` chars before the match (its start or end, see
   * distanceTo) and before its start; text before `lowerBound` (another unit) is not looked at.
   */
  near(text: string, start: number, end: number, lowerBound?: number): boolean;
  /** True when one of the context words (column names, JSON path elements) contains a keyword. */
  inContext(contextKeywords: readonly string[] | undefined): boolean;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `creditCardNumber` -> `credit Card Number`, `CUSTOMER_SSN` stays; used on context words only. */
function splitCamel(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1 $2');
}

/**
 * Builds one case-insensitive regex for a keyword list. Keywords of 4 characters or fewer must not
 * be followed by a letter (so `dob` does not fire inside `dobbin`); all keywords must start at a
 * word start (so `ssn` does not fire inside `classn`).
 */
export function keywordRegexSource(keywords: readonly string[]): string | null {
  const alts = keywords
    .map((k) => k.trim().toLowerCase())
    .filter((k) => k.length > 0)
    .sort((a, b) => b.length - a.length)
    .map((k) => {
      const body = k.split(/[\s_-]+/).map(escape).join('[\\s_\\-]?');
      return k.replace(/[^a-z]/g, '').length <= 4 ? `${body}(?![a-z])` : body;
    });
  if (alts.length === 0) return null;
  return `(?<![a-z0-9])(?:${alts.join('|')})`;
}

export function createKeywordMatcher(
  keywords: readonly string[],
  maxDistance: number,
  distanceTo: 'start' | 'end' = 'start',
): KeywordMatcher {
  const source = keywordRegexSource(keywords);
  if (source === null) return { near: () => false, inContext: () => false };
  const re = new RegExp(source, 'gi');
  const test = new RegExp(source, 'i');
  const longest = keywords.reduce((m, k) => Math.max(m, k.length), 0) * 2;
  const contextCache = new Map<string, boolean>();
  return {
    near(text, start, end, lowerBound = 0) {
      const anchor = distanceTo === 'start' ? start : end;
      const threshold = anchor - maxDistance; // keyword must end at or after this index
      const from = Math.max(lowerBound, threshold - longest);
      if (from >= start) return false;
      const window = text.slice(from, start);
      re.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = re.exec(window)) !== null) {
        // The slice hides the char before it: a keyword there must still start a word.
        if (m.index === 0 && from > 0 && isAlnum(text.charCodeAt(from - 1))) continue;
        if (from + m.index + m[0].length >= threshold) return true;
        if (m[0].length === 0) re.lastIndex++;
      }
      return false;
    },
    inContext(words) {
      if (words === undefined || words.length === 0) return false;
      for (const w of words) {
        let hit = contextCache.get(w);
        if (hit === undefined) {
          hit = test.test(splitCamel(w));
          if (contextCache.size < 4096) contextCache.set(w, hit);
        }
        if (hit) return true;
      }
      return false;
    },
  };
}

/**
 * A one-pass keyword prefilter for many keyword lists at once (the keyword-gated detectors).
 * It finds a SUPERSET of the keyword occurrences `near()` finds, so it can discard trigger windows
 * with no keyword in reach without losing a match:
 *
 *   trie over keywords with separators removed; chars folded to 38 classes (a-z case-folded,
 *   0-9, any non-ASCII char, any other ASCII punctuation)
 *   for each word start i (previous char not ASCII alphanumeric):
 *     walk the trie from i, skipping single separators (whitespace, "_", "-") between chars;
 *     every terminal node reached at j records "a keyword of list L ends at j" for its lists
 *
 * (No trailing-letter rule for short keywords, single separators anywhere: both only widen the set.)
 */
export interface KeywordGate {
  /**
   * Sorted end offsets of keyword occurrences per list (same order as the lists given). With
   * `regions` (flat, sorted, non-overlapping [start, end) pairs) only keywords that START in a
   * region are looked for: the engine passes the stretches before its trigger windows, so text
   * far from any candidate is never walked.
   */
  scan(text: string, regions?: readonly number[]): Int32Array[];
  /** Longest span of a keyword occurrence `near` accepts (the longest keyword): how far before a window to look. */
  readonly maxSpan: number;
}

const CLASSES = 38;
const NO_HITS = new Int32Array(0);
const CLS = new Int8Array(128).fill(37);
for (let c = 0; c < 128; c++) {
  if (c >= 97 && c <= 122) CLS[c] = c - 97;
  else if (c >= 65 && c <= 90) CLS[c] = c - 65;
  else if (c >= 48 && c <= 57) CLS[c] = 26 + c - 48;
  else if (c <= 32 || c === 95 || c === 45 || c === 127) CLS[c] = -1; // separators and controls
}
const ALNUM = new Uint8Array(128);
for (let c = 0; c < 128; c++) ALNUM[c] = CLS[c]! >= 0 && CLS[c]! < 36 ? 1 : 0;
const isAlnum = (c: number): boolean => c < 128 && ALNUM[c] === 1;
const classOf = (c: number): number => (c < 128 ? CLS[c]! : 36);
/** Whitespace (every char JavaScript's \s matches), "_" or "-": what near() allows between keyword words. */
const skippable = (c: number): boolean => c === 32 || c === 95 || c === 45 || (c >= 9 && c <= 13) || (c >= 0xa0 && isUnicodeSpace(c));
const isUnicodeSpace = (c: number): boolean =>
  c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;

export function createKeywordGate(lists: ReadonlyArray<readonly string[]>): KeywordGate {
  let trans = new Int32Array(64 * CLASSES);
  let nodes = 1;
  const terminal = new Map<number, number[]>();
  lists.forEach((list, li) => {
    for (const k of list) {
      let node = 0;
      let len = 0;
      for (const ch of k.trim().toLowerCase()) {
        const c = ch.codePointAt(0)!;
        if (skippable(c)) continue;
        const cls = classOf(c);
        if (cls < 0) continue;
        const at = node * CLASSES + cls;
        if (trans[at] === 0) {
          if ((nodes + 1) * CLASSES > trans.length) { const t = new Int32Array(trans.length * 2); t.set(trans); trans = t; }
          trans[at] = nodes++;
        }
        node = trans[at]!;
        len++;
      }
      if (len === 0) continue;
      const t = terminal.get(node) ?? [];
      if (!t.includes(li)) t.push(li);
      terminal.set(node, t);
    }
  });
  const term: Array<number[] | undefined> = new Array<number[] | undefined>(nodes);
  for (const [n, l] of terminal) term[n] = l;
  // ASCII chars that can start a keyword (a table lookup per char instead of a class + trie probe).
  const FIRST = new Uint8Array(128);
  for (let c = 0; c < 128; c++) { const cls = CLS[c]!; if (cls >= 0 && trans[cls] !== 0) FIRST[c] = 1; }
  const nonAsciiStarts = trans[36] !== 0;
  // ASCII pairs (first char, second char) a walk can get past: most word starts ("the", "and")
  // fail here without a call. A first char that is a keyword by itself walks whatever follows.
  const PAIR = new Uint8Array(128 * 128);
  for (let c1 = 0; c1 < 128; c1++) {
    if (FIRST[c1] !== 1) continue;
    const node = trans[CLS[c1]!]!;
    for (let c2 = 0; c2 < 128; c2++) {
      const cls2 = CLS[c2]!;
      const ok = terminal.has(node) || (cls2 >= 0 ? trans[node * CLASSES + cls2] !== 0 : skippable(c2));
      if (ok) PAIR[(c1 << 7) | c2] = 1;
    }
  }
  // How far before its end a keyword can start, for the occurrences the engine relies on: those
  // `createKeywordMatcher(...).near` accepts, whose separators are single chars where the keyword
  // has its own (so never longer than the keyword). Walks starting further back could only find
  // forms with extra separators, which `near` rejects anyway.
  let maxSpan = 0;
  for (const list of lists) for (const k of list) maxSpan = Math.max(maxSpan, k.trim().length);
  const sortHits = (hits: number[][]): Int32Array[] => {
    const out: Int32Array[] = [];
    for (const h of hits) {
      // Most lists have no hit: one shared empty array instead of an allocation each.
      if (h.length === 0) { out.push(NO_HITS); continue; }
      // (Int32Array.from walks the iterator protocol: slow on long arrays.)
      const a = new Int32Array(h.length);
      let sorted = true;
      for (let i = 0; i < h.length; i++) { a[i] = h[i]!; if (i > 0 && h[i - 1]! > h[i]!) sorted = false; }
      // Ends come in start order; they are out of order only when keywords overlap.
      out.push(sorted ? a : a.sort());
    }
    return out;
  };
  const trie: Trie = { trans, term, first: FIRST, pair: PAIR, nonAsciiStarts };
  return {
    maxSpan,
    scan(text, regions) {
      const hits: number[][] = lists.map(() => []);
      const n = text.length;
      if (regions === undefined) gateRun(trie, text, 0, n, hits);
      else for (let r = 0; r + 1 < regions.length; r += 2) gateRun(trie, text, Math.max(0, regions[r]!), Math.min(n, regions[r + 1]!), hits);
      return sortHits(hits);
    },
  };
}

/** The keyword gate's automaton (see createKeywordGate). */
interface Trie {
  trans: Int32Array;
  term: Array<number[] | undefined>;
  first: Uint8Array;
  /** 1 where an ASCII (first, second) char pair can start a keyword (see createKeywordGate). */
  pair: Uint8Array;
  nonAsciiStarts: boolean;
}

/**
 * Walks the word starts of text[from, to) through the trie, recording keyword ends in `hits`.
 * Module-level functions (not closures made per call) so V8 keeps one optimized, inlined copy.
 */
function gateRun(trie: Trie, text: string, from: number, to: number, hits: number[][]): void {
  const first = trie.first;
  const pair = trie.pair;
  const n = text.length;
  let prevAlnum = from > 0 && isAlnum(text.charCodeAt(from - 1));
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    // Only word starts whose first two chars can begin a keyword open a walk.
    if (c < 128) {
      if (!prevAlnum && first[c] === 1) {
        const c2 = i + 1 < n ? text.charCodeAt(i + 1) : 128;
        if (c2 >= 128 || pair[(c << 7) | c2] === 1) gateWalk(trie, text, i, hits);
      }
      prevAlnum = ALNUM[c] === 1;
    } else {
      if (!prevAlnum && trie.nonAsciiStarts) gateWalk(trie, text, i, hits);
      prevAlnum = false;
    }
  }
}

/** Follows the trie from the word start at `i`, skipping single separators between chars. */
function gateWalk(trie: Trie, text: string, i: number, hits: number[][]): void {
  const trans = trie.trans;
  const term = trie.term;
  const n = text.length;
  const cls = classOf(text.charCodeAt(i));
  if (cls < 0 || trans[cls] === 0) return;
  let node = trans[cls]!;
  let j = i + 1;
  let skipped = false;
  while (true) {
    if (!skipped) { const t = term[node]; if (t !== undefined) for (let k = 0; k < t.length; k++) hits[t[k]!]!.push(j); }
    if (j >= n) break;
    const d = text.charCodeAt(j);
    // Unicode spaces are separators (as \s in near()), not "any non-ASCII char".
    const dc = d >= 0xa0 && isUnicodeSpace(d) ? -1 : classOf(d);
    if (dc >= 0) {
      const next = trans[node * CLASSES + dc]!;
      if (next === 0) break;
      node = next;
      j++;
      skipped = false;
    } else if (!skipped && skippable(d)) {
      skipped = true;
      j++;
    } else {
      break;
    }
  }
}
