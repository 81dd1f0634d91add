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
  let buf = '';
  let ownFrom = 0; // index in buf where the next unit's own region starts
  const pos: TextPosition = { line: 1, column: 1, offset: 0 };

  let failure: unknown = null;
  try {
    for await (const chunk of chars) {
      buf += chunk;
      while (buf.length - ownFrom >= own + overlap) {
        let ownEnd = ownFrom + own;
        // never split a surrogate pair between two own regions
        const c = buf.charCodeAt(ownEnd - 1);
        if (c >= 0xd800 && c <= 0xdbff && ownEnd - 1 > ownFrom) ownEnd -= 1;
        yield makeUnit(buf.slice(0, ownEnd + overlap), { ...pos }, ownFrom, ownEnd);
        const drop = Math.max(0, ownEnd - overlap);
        advance(pos, buf, drop);
        buf = buf.slice(drop);
        ownFrom = ownEnd - drop;
      }
    }
  } catch (e) {
    failure = e; // still hand on the text read before the failure, then report it
  }
  if (buf.length > ownFrom) yield makeUnit(buf, { ...pos }, ownFrom, buf.length);
  if (failure !== null) throw failure;
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
