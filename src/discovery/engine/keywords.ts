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
