/**
 * Shared table runner for the per-identifier detector tests (imported by *.test.ts only).
 * Each case states, for one identifier: a valid value with its keyword (must be found with
 * exactly that text), a checksum-invalid value, a near miss, and the value without keyword.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createScanner } from '../engine/scanner.js';
import { managedDetectors } from './index.js';

const scanner = createScanner({ detectors: managedDetectors(), hashKey: Buffer.alloc(32, 9) });

/** Identifier and matched text of every match in `text` (a plain-text unit). */
export function found(text: string, contextKeywords?: string[]): Array<[string, string]> {
  const unit = { text, location: { kind: 'text' as const, startLine: 1, startColumn: 1, startOffset: 0 }, ...(contextKeywords ? { contextKeywords } : {}) };
  return scanner.scanUnit(unit).map((m) => [m.identifier, m.text]);
}

export interface DetectorCase {
  id: string;
  /** Text containing the value and its keyword; `value` must be reported under `id`. */
  valid: string;
  value: string;
  /** Same shape, wrong check digit / range: nothing reported for `id`. */
  invalid?: string;
  /** Similar but not matching (wrong length, wrong letters, look-alike): nothing reported for `id`. */
  nearMiss?: string;
  /** The value without its keyword, and what must be reported then (null: nothing for `id`). */
  noKeyword?: { text: string; expect: string | null };
}

export function runDetectorCases(family: string, cases: readonly DetectorCase[]): void {
  describe(family, () => {
    for (const c of cases) {
      it(`${c.id}: reports a valid value next to its keyword`, () => {
        assert.deepEqual(found(c.valid).filter(([id]) => id === c.id), [[c.id, c.value]]);
      });
      if (c.invalid !== undefined) {
        const text = c.invalid;
        it(`${c.id}: ignores a value whose check fails`, () => {
          assert.deepEqual(found(text).filter(([id]) => id === c.id), []);
        });
      }
      if (c.nearMiss !== undefined) {
        const text = c.nearMiss;
        it(`${c.id}: ignores a near miss`, () => {
          assert.deepEqual(found(text).filter(([id]) => id === c.id), []);
        });
      }
      if (c.noKeyword !== undefined) {
        const nk = c.noKeyword;
        it(`${c.id}: ${nk.expect === null ? 'needs its keyword' : nk.expect === c.id ? 'stands alone without a keyword' : `becomes ${nk.expect} without a keyword`}`, () => {
          const hits = found(nk.text).filter(([id]) => id === c.id || id === nk.expect);
          assert.deepEqual(hits.map(([id]) => id), nk.expect === null ? [] : [nk.expect]);
        });
      }
    }
  });
}
