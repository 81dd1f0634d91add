import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { skipped, type ReadContext } from './context.js';
import { recordUnit, scalars } from './json-path.js';
import { needsSlowPath, ParsedWalker, PathNames } from './json-units.js';
import { DEFAULT_LIMITS, type ReadEvent } from './types.js';

const ctx = { limits: { ...DEFAULT_LIMITS, maxValueChars: 12 }, container: ['a.zip', 'x.json'] } as unknown as ReadContext;

/** The events the JSON.parse path gave before: scalars() + recordUnit(), one record. */
function reference(v: unknown, recordIndex: number): ReadEvent[] {
  const out: ReadEvent[] = [];
  for (const [text, path] of scalars(v)) {
    out.push(text.length <= ctx.limits.maxValueChars
      ? { type: 'unit', unit: recordUnit(text, recordIndex, path, ctx.container) }
      : skipped(ctx.container, 'SIZE_LIMIT_EXCEEDED', `a JSON value is longer than ${ctx.limits.maxValueChars} chars (record ${recordIndex})`));
  }
  return out;
}

const DOCS = [
  '{"customers":[{"name":"A","contact":{"e-mail":"a@x.io","phone":"+1 212"}},{"name":"B"}]}',
  '{"b":1,"2":"two","1":"one","__proto__":"p","a":{"a":{"a":"deep"}}}',
  '[1.50, -0, 1e5, 0.1, "  ", "", "\\t x", true, null, [[["n"]]]]',
  '{"odd key":"v","it\'s":"w","back\\\\slash":"z","":"empty","$x_1":"ident","ké":"é"}',
  `{"${'k'.repeat(200)}":{"${'m'.repeat(60)}":"long path"}}`,
  '"a string document"', '42', '"this one is longer than twelve chars"',
];

describe('JSON.parse walker', () => {
  it('gives the units, paths, keywords and size skips of scalars() and recordUnit()', () => {
    const names = new PathNames();
    for (const text of DOCS) {
      const value: unknown = JSON.parse(text);
      for (const recordIndex of [0, 9]) {
        const out: ReadEvent[] = [];
        assert.equal(new ParsedWalker(ctx, names, out).walk(value, recordIndex), true);
        assert.deepStrictEqual(out, reference(value, recordIndex), text);
        const stepped: ReadEvent[] = [];
        const walker = new ParsedWalker(ctx, names, stepped);
        for (const _ of walker.steps(value, recordIndex)) { /* pauses only */ }
        assert.deepStrictEqual(stepped, out, text);
      }
    }
  });

  it('leaves unsafe integers and too deep nesting to the exact path, adding no events', () => {
    const unsafe = JSON.parse('{"a":"kept?","n":12345678901234567890}');
    const deep = JSON.parse(`${'['.repeat(70)}"v"${']'.repeat(70)}`);
    for (const v of [unsafe, deep]) {
      const out: ReadEvent[] = [{ type: 'format', container: [], format: 'json' }];
      assert.equal(new ParsedWalker(ctx, new PathNames(), out).walk(v, 0), false);
      assert.equal(out.length, 1);
      assert.equal(needsSlowPath(v), true);
    }
    assert.equal(needsSlowPath(JSON.parse('{"n":9007199254740991,"f":1e300}')), true);
    assert.equal(needsSlowPath(JSON.parse('{"n":9007199254740991,"f":1.5}')), false);
  });

  it('shares one keyword array between values under the same keys', () => {
    const out: ReadEvent[] = [];
    new ParsedWalker(ctx, new PathNames(), out).walk(JSON.parse('[{"u":{"m":"a"}},{"u":{"m":"b"}}]'), 0);
    const [a, b] = out.map((e) => (e.type === 'unit' ? e.unit.contextKeywords : undefined));
    assert.deepEqual(a, ['u', 'm']);
    assert.equal(a, b);
  });
});
