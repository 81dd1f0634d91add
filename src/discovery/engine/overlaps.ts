/**
 * Overlap resolution for the matches of one unit (see resolveOverlaps).
 */
import type { Confidence, RawMatch } from './model.js';

const RANK: Record<Confidence, number> = { Low: 0, Medium: 1, High: 2 };

/**
 * Overlaps: for the same span keep the best match (confidence, keyword, detector order); a match
 * strictly inside another one of at least the same confidence is dropped (the digits of an IBAN
 * are not also a bank account number; the password inside a connection string is reported once).
 */
export function resolveOverlaps(matches: RawMatch[], order: ReadonlyMap<string, number>): RawMatch[] {
  if (matches.length < 2) return matches;
  // Same span: higher confidence, then the more specific detector (earlier in the list: a
  // `sk_live_` key is a Stripe key even after `SECRET_KEY=`), then the one with a keyword.
  const better = (a: RawMatch, b: RawMatch): boolean => {
    if (RANK[a.confidence] !== RANK[b.confidence]) return RANK[a.confidence] > RANK[b.confidence];
    const oa = order.get(a.identifier) ?? 1e9;
    const ob = order.get(b.identifier) ?? 1e9;
    if (oa !== ob) return oa < ob;
    return a.keywordNear && !b.keywordNear;
  };
  matches.sort((a, b) => a.start - b.start || b.end - a.end);
  const dropped = new Uint8Array(matches.length);
  for (let i = 0; i < matches.length; i++) {
    if (dropped[i]) continue;
    const a = matches[i]!;
    for (let j = i + 1; j < matches.length && matches[j]!.start < a.end; j++) {
      if (dropped[j]) continue;
      const b = matches[j]!;
      if (a.start === b.start && a.end === b.end) {
        if (a.identifier === b.identifier || better(a, b)) dropped[j] = 1; else { dropped[i] = 1; break; }
      } else if (b.end <= a.end) {
        // b inside a
        if (RANK[a.confidence] >= RANK[b.confidence] || a.identifier === b.identifier) dropped[j] = 1;
      }
    }
  }
  return matches.filter((_, i) => !dropped[i]);
}
