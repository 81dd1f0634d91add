import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createKeywordMatcher } from './keywords.js';
import { findRuns, runSpans, type RunTable } from './runs.js';
import { anchorOf, caseVariants, compact, literalWindows, mapBack, mergeSpans, SEP } from './windows.js';

const runsOf = (r: RunTable): Array<[number, number, number]> => Array.from({ length: r.count }, (_, i) => [r.start[i]!, r.end[i]!, r.digits[i]!]);
const slices = (t: string, spans: number[]): string[] => { const out: string[] = []; for (let i = 0; i < spans.length; i += 2) out.push(t.slice(spans[i], spans[i + 1])); return out; };

describe('prefilter windows', () => {
  it('finds digit runs whose digits are at most three characters apart', () => {
    const t = 'call 415-555 2671 or 12 and year 1999 of AB 12 34 56 C';
    assert.deepEqual(runsOf(findRuns(t)).map(([s, e, d]) => [t.slice(s, e), d]), [['415-555 2671', 10], ['12', 2], ['1999', 4], ['12 34 56', 6]]);
  });

  it('ends digit runs at line ends and NULs (the separators between units of a batch)', () => {
    const t = '12\n34 5\u00006 7a8b9';
    assert.deepEqual(runsOf(findRuns(t)).map(([s, e, d]) => [t.slice(s, e), d]), [['12', 2], ['34 5', 3], ['6 7a8b9', 4]]);
  });

  it('finds the same runs as the reference regex on mixed text', () => {
    const t = 'ab 1-2--3---4----5 x9y99 \n 0\u0000 1234567890123 a1b2c3d4 ..7..8...9';
    const want = [...t.matchAll(/\d(?:[^\d\n\u0000]{0,3}\d)*/g)].map((m) => [m.index, m.index + m[0].length, m[0].replace(/\D/g, '').length]);
    assert.deepEqual(runsOf(findRuns(t)), want);
  });

  it('widens runs to the surrounding words and one more word on each side', () => {
    const t = 'NINO: AB 12 34 56 C, thanks';
    assert.deepEqual(slices(t, runSpans(t, findRuns(t), { minDigits: 6 })), [': AB 12 34 56 C,']);
  });

  it('uses explicit margins and the accept filter when a trigger gives them', () => {
    const t = 'x 742 Evergreen Terrace and 12 ok';
    const w = runSpans(t, findRuns(t), { minDigits: 1, before: 1, after: 10, accept: (s, a, b) => s[b + 1] === 'E' && a >= 0 });
    assert.deepEqual(slices(t, w), [' 742 Evergreen']);
  });

  it('merges windows of runs closer than a few chars and keeps far ones apart', () => {
    const t = `id 1234 and 5678${' filler'.repeat(10)} 9012`;
    assert.deepEqual(slices(t, runSpans(t, findRuns(t), { minDigits: 4 })), ['id 1234 and 5678 filler ', 'r filler 9012']);
  });

  it('keeps only runs inside a large enough token when a trigger sets minToken', () => {
    const t = 'in 1987 the id AB-1234-5 and then 2000s, and the ref X1234567 and 12 34';
    // Tokens: "1987" (4), "AB-1234-5" (7), "2000s" (5), "X1234567" (8), "12" and "34" (2 each).
    assert.deepEqual(slices(t, runSpans(t, findRuns(t), { minDigits: 1, before: 0, after: 0, minToken: 5 })), ['1234-5', '2000', '1234567']);
    assert.deepEqual(slices(t, runSpans(t, findRuns(t), { minDigits: 1, before: 0, after: 0, minToken: 8 })), ['1234567']);
    // Asked in the other order (lists are cached per text), the answers are the same.
    const r = findRuns(t);
    assert.deepEqual(slices(t, runSpans(t, r, { minDigits: 1, before: 0, after: 0, minToken: 8 })), ['1234567']);
    assert.deepEqual(slices(t, runSpans(t, r, { minDigits: 1, before: 0, after: 0, minToken: 5 })), ['1234-5', '2000', '1234567']);
    assert.deepEqual(slices(t, runSpans(t, r, { minDigits: 4, before: 0, after: 0 })), ['1987', '1234-5', '2000', '1234567 and 12 34']);
  });

  it('counts the largest token among those a run crosses', () => {
    const t = 'x 12 A1B2C3 9';
    // One run "12 A1B2C3 9" crosses "12" (2), "A1B2C3" (6) and "9" (1).
    assert.equal(slices(t, runSpans(t, findRuns(t), { minDigits: 1, before: 0, after: 0, minToken: 6 })).length, 1);
    assert.equal(slices(t, runSpans(t, findRuns(t), { minDigits: 1, before: 0, after: 0, minToken: 7 })).length, 0);
  });

  it('keeps only runs overlapping the given ranges when a trigger sets within', () => {
    const t = 'a 11 bbbbbbbbbb 22 cccccccccc 33 dddddddddd 44';
    const at = (x: string): number => t.indexOf(x);
    assert.deepEqual(slices(t, runSpans(t, findRuns(t), { minDigits: 1, before: 0, after: 0, within: [at('22'), at('22') + 1, at('44') + 1, at('44') + 2] })), ['22', '44']);
    assert.deepEqual(slices(t, runSpans(t, findRuns(t), { minDigits: 1, before: 0, after: 0, within: [] })), []);
  });

  it('finds the same runs within ranges as a filter over every run would', () => {
    const t = Array.from({ length: 300 }, (_, i) => `w${i % 7} ${i * 37}`).join(' ... ');
    const r = findRuns(t);
    const ranges = [5, 40, 900, 905, 2000, 2600, 4000, 4001, 5200, 99999];
    const want: number[] = [];
    for (let i = 0; i < r.count; i++) {
      let hit = false;
      for (let k = 0; k < ranges.length; k += 2) if (ranges[k]! < r.end[i]! && ranges[k + 1]! > r.start[i]!) hit = true;
      if (hit) want.push(r.start[i]!, r.end[i]!);
    }
    assert.deepEqual(runSpans(t, r, { minDigits: 1, before: 0, after: 0, within: ranges }), mergeSpans(want, t.length));
  });

  it('merges unsorted, overlapping windows clamped to the text', () => {
    assert.deepEqual(mergeSpans([50, 60, -5, 10, 12, 20, 55, 80], 70), [0, 20, 50, 70]);
  });

  it('compacts windows, merging close ones, and maps offsets back', () => {
    const t = `${'a'.repeat(100)}1234${'b'.repeat(3)}5678${'c'.repeat(100)}9999${'d'.repeat(50)}`;
    const c = compact(t, [[100, 104], [107, 111], [211, 215]]);
    assert.equal(c.text, `1234bbb5678${SEP}9999`);
    assert.deepEqual(mapBack(c, 0, 4), [100, 104]);
    assert.deepEqual(mapBack(c, c.text.indexOf('9999'), c.text.indexOf('9999') + 4), [211, 215]);
    assert.equal(mapBack(c, 8, c.text.length), null, 'a span over a separator maps to nothing');
  });

  it('searches literals from their rarest character and verifies the prefix', () => {
    assert.deepEqual(anchorOf('sk_live_'), { anchor: '_live_', skip: 2 });
    assert.deepEqual(anchorOf('AKIA'), { anchor: 'AKIA', skip: 0 });
    assert.deepEqual(anchorOf('-----BEGIN'), { anchor: '-----B', skip: 0 }, 'anchors stay short (fast indexOf)');
    const pem = 'x -----BEGIN RSA -----BEGAN -----BEGINNER';
    assert.deepEqual(literalWindows(pem, ['-----BEGIN'], 0, 0).map(([a, b]) => pem.slice(a, b)), ['-----BEGIN', '-----BEGIN']);
    const t = 'rk_live_ sk_live_x tsk_live_';
    assert.deepEqual(literalWindows(t, ['sk_live_'], 0, 0).map(([a, b]) => t.slice(a, b)), ['sk_live_', 'sk_live_']);
    assert.deepEqual(caseVariants(['swift']).sort(), ['SWIFT', 'Swift', 'swift']);
  });
});

describe('keyword matcher', () => {
  it('needs short keywords to be whole words but lets long ones take suffixes', () => {
    const k = createKeywordMatcher(['dob', 'passport'], 30);
    assert.equal(k.near('DOB: 1990-01-01', 5, 15), true);
    assert.equal(k.near('adobe 1990-01-01', 6, 16), false);
    assert.equal(k.near('dobby 1990-01-01', 6, 16), false);
    assert.equal(k.near('passports 123456789', 10, 19), true);
  });

  it('splits camelCase context words and matches any path element', () => {
    const k = createKeywordMatcher(['date of birth'], 30);
    assert.equal(k.inContext(['customer', 'dateOfBirth']), true);
    assert.equal(k.inContext(['DATE_OF_BIRTH']), true);
    assert.equal(k.inContext(['created_at']), false);
  });
});
