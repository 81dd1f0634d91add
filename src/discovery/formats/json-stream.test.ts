import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ReadContext } from './context.js';
import { documentReader } from './json-stream.js';
import { DEFAULT_LIMITS, type ReadEvent } from './types.js';

/** Events and the error (name: message) of reading `doc` cut into `size`-byte writes. */
function read(doc: Buffer, size: number, maxValueChars: number, tokenizerOnly: boolean): unknown[] {
  const ctx = { limits: { ...DEFAULT_LIMITS, maxValueChars }, container: ['c'] } as unknown as ReadContext;
  const pending: ReadEvent[] = [];
  const out: unknown[] = [];
  const reader = documentReader(ctx, 7, pending, undefined, { tokenizerOnly });
  try {
    for (let i = 0; i < doc.length; i += size) {
      reader.write(doc.subarray(i, i + size));
      out.push(...pending.splice(0), '|');
    }
    reader.end();
  } catch (e) {
    out.push(`${(e as Error).name}: ${(e as Error).message}`);
  }
  out.push(...pending.splice(0));
  return out;
}

const DOCS = [
  '{"a":{"b":[1,"x",{"c":"d"}]},"e":[[],{}],"f":"  ","g":true,"h":null}',
  '\ufeff[1, -0, 1.50, 1E+5, 2e-3, 12345678901234567890, 0.0]',
  '{"odd key":"v","it\'s":"w","back\\\\slash":"z","":"empty key","$x_1":"ident"}',
  '{"a":1,"a":2,"2":"x","1":"y","__proto__":"p"}',
  '["esc \\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0041 \\u00e9 \\u20ac", "é日本😀", "\\ud83d\\ude00", "\\ud83d", "\\ude00x", "a\\ufeffb", "\ufeffc"]',
  '[1 2] {"a" "b"} ]]',
  '{"a":"b","c"}',
  '[truex, falsey, nul]',
  '[01, 00, -01, 1.5.5]',
  '[1e]', '[-]', '[1.]', '["\\x"]', '["ctl \u0001"]', '["open', '{"a":', '[t"]', '123', '"s"', '',
  `{"${'k'.repeat(300)}":{"deeper":"long path"}}`,
  `[${'['.repeat(80)}"deep"${']'.repeat(80)}]`,
  '[1,\n\ufeff"mid-stream byte order mark"]',
  // tokens longer than a write and tokens cut at many places of writes over 1 KiB
  JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ [`k${i}`]: 'v'.repeat(300 + 97 * i), n: 123456 * i, t: true, é: 'é😀'.repeat(i) }))),
];

describe('streamed JSON document reader', () => {
  it('gives exactly the tokenizer\'s units, errors and limits, whatever the writes', () => {
    for (const text of DOCS) {
      const doc = Buffer.from(text);
      for (const size of [1, 2, 3, 5, 8, 13, 64, 1000, 1500, 4099, 1 << 16]) {
        for (const max of [8 * 1024 * 1024, 3, 1]) {
          assert.deepStrictEqual(read(doc, size, max, false), read(doc, size, max, true), `${JSON.stringify(text)} in ${size}-byte writes, max ${max}`);
        }
      }
    }
  });

  it('gives the tokenizer\'s units for invalid UTF-8 in and out of strings', () => {
    for (const bytes of [[0x22, 0xc3, 0x22], [0x22, 0xe2, 0x82, 0x22], [0x5b, 0xff, 0x5d], [0x22, 0x61, 0xed, 0xa0, 0x80, 0x22], [0xef, 0xbb, 0x5b, 0x5d]]) {
      const doc = Buffer.from(bytes);
      for (const size of [1, 2, 64]) assert.deepStrictEqual(read(doc, size, 100, false), read(doc, size, 100, true));
    }
  });

  it('locates values with their path and shares keyword arrays between values under the same keys', () => {
    const events = read(Buffer.from('[{"user":{"mail":"a@x"}},{"user":{"mail":"b@x"}}]'), 5, 100, false)
      .filter((e): e is ReadEvent & { type: 'unit' } => typeof e === 'object' && (e as ReadEvent).type === 'unit');
    assert.deepEqual(events.map((e) => [e.unit.text, e.unit.location]), [
      ['a@x', { kind: 'record', recordIndex: 7, jsonPath: '$[0].user.mail' }],
      ['b@x', { kind: 'record', recordIndex: 7, jsonPath: '$[1].user.mail' }],
    ]);
    assert.deepEqual(events[0]!.unit.contextKeywords, ['user', 'mail']);
    assert.equal(events[0]!.unit.contextKeywords, events[1]!.unit.contextKeywords);
  });
});
