/**
 * Cuts a stream of text into bounded, overlapping units and tracks line/column/offset.
 *
 *   own = maxUnitChars - 2 * overlap
 *   unit k covers text[k*own - overlap, (k+1)*own + overlap)   (clamped to the text)
 *   the engine keeps only matches starting in text[k*own, (k+1)*own)  -> `ownStart`/`ownEnd`
 *
 * Lines are counted on '\n' (so "\r\n" is one line break); columns and offsets are 1-based and
 * 0-based respectively, in UTF-16 code units of the decoded text (JavaScript string indices).
 */
import type { Limits, ScanUnit } from './types.js';

export interface TextPosition { line: number; column: number; offset: number }

export type MakeUnit = (text: string, at: TextPosition, ownStart: number, ownEnd: number) => ScanUnit;

export async function* chunkText(
  chars: AsyncIterable<string>,
  limits: Pick<Limits, 'maxUnitChars' | 'overlapChars'>,
  makeUnit: MakeUnit,
): AsyncGenerator<ScanUnit> {
  const overlap = Math.max(0, Math.min(limits.overlapChars, Math.floor(limits.maxUnitChars / 4)));
  const own = Math.max(1, limits.maxUnitChars - 2 * overlap);
  // Decoded chunks not yet handed on, and their total length. Units are joined from them only up
  // to the unit's end, so no string longer than a unit is ever built (a longer one would be a
  // V8 large object: allocated page by page, several times slower to make and collect).
  let parts: string[] = [];
  let len = 0;
  let ownFrom = 0; // index in the pending text where the next unit's own region starts
  const pos: TextPosition = { line: 1, column: 1, offset: 0 };

  let failure: unknown = null;
  try {
    for await (const chunk of chars) {
      parts.push(chunk);
      len += chunk.length;
      while (len - ownFrom >= own + overlap) {
        let ownEnd = ownFrom + own;
        const head = take(parts, ownEnd + overlap);
        // never split a surrogate pair between two own regions
        const c = head.charCodeAt(ownEnd - 1);
        if (c >= 0xd800 && c <= 0xdbff && ownEnd - 1 > ownFrom) ownEnd -= 1;
        const text = ownEnd + overlap === head.length ? head : head.slice(0, ownEnd + overlap);
        yield makeUnit(text, { ...pos }, ownFrom, ownEnd);
        const drop = Math.max(0, ownEnd - overlap);
        advance(pos, text, drop);
        parts = [head.slice(drop), ...parts];
        len -= drop;
        ownFrom = ownEnd - drop;
      }
    }
  } catch (e) {
    failure = e; // still hand on the text read before the failure, then report it
  }
  if (len > ownFrom) {
    const text = parts.length === 1 ? parts[0]! : parts.join('');
    yield makeUnit(text, { ...pos }, ownFrom, text.length);
  }
  if (failure !== null) throw failure;
}

/** Removes and returns (joined) the first `n` chars of `parts` (which hold at least n). */
function take(parts: string[], n: number): string {
  const taken: string[] = [];
  let got = 0;
  while (got < n) {
    const p = parts.shift()!;
    if (got + p.length <= n) { taken.push(p); got += p.length; continue; }
    taken.push(p.slice(0, n - got));
    parts.unshift(p.slice(n - got));
    got = n;
  }
  return taken.length === 1 ? taken[0]! : taken.join('');
}

/** Moves `pos` past the first `n` chars of `s`. */
export function advance(pos: TextPosition, s: string, n: number): void {
  let i = s.indexOf('\n');
  if (i < 0 || i >= n) { pos.column += n; pos.offset += n; return; }
  let last = i;
  while (i >= 0 && i < n) { pos.line++; last = i; i = s.indexOf('\n', i + 1); }
  pos.column = n - last;
  pos.offset += n;
}

/**
 * Absolute line/column/offset of `index` in a unit whose location is a text run or a page
 * (startLine/startColumn/startOffset locate text[0]).
 */
export function positionIn(start: TextPosition, text: string, index: number): TextPosition {
  const pos = { ...start };
  advance(pos, text, index);
  return pos;
}
