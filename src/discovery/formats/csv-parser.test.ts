import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CsvParser, CsvSyntaxError } from './csv-parser.js';

function parseAll(chunks: string[], delimiter = ','): Array<[number, string[]]> {
  const out: Array<[number, string[]]> = [];
  const p = new CsvParser(delimiter, (record, row) => out.push([row, record]), 1000, {});
  for (const c of chunks) p.write(c);
  p.end();
  return out;
}

const CASES: Array<[string, string[][]]> = [
  ['a,b\n1,2\n', [['a', 'b'], ['1', '2']]],
  ['a,b\r\n1,2\r\n', [['a', 'b'], ['1', '2']]],
  ['a,b\n1,2', [['a', 'b'], ['1', '2']]],
  ['"x, y","say ""hi"""\n', [['x, y', 'say "hi"']]],
  ['"multi\nline",z\n', [['multi\nline', 'z']]],
  ['"crlf\r\ninside",z\r\n', [['crlf\r\ninside', 'z']]],
  [',,\n', [['', '', '']]],
  ['a\n\nb\n', [['a'], [''], ['b']]],
  ['5" disk,ok\n', [['5" disk', 'ok']]],
  ['"quoted"tail,x\n', [['quotedtail', 'x']]],
  ['""\n', [['']]],
  ['"a"""', [['a"']]],
];

describe('CSV parser', () => {
  it('parses quoting, escapes, line endings and empty fields as RFC 4180 says', () => {
    for (const [input, expected] of CASES) {
      assert.deepEqual(parseAll([input]).map(([, r]) => r), expected, JSON.stringify(input));
    }
  });

  it('gives the same records whatever the chunk boundaries', () => {
    for (const [input, expected] of CASES) {
      for (let cut = 0; cut <= input.length; cut++) {
        for (let cut2 = cut; cut2 <= input.length; cut2++) {
          const got = parseAll([input.slice(0, cut), input.slice(cut, cut2), input.slice(cut2)]).map(([, r]) => r);
          assert.deepEqual(got, expected, `${JSON.stringify(input)} cut at ${cut},${cut2}`);
        }
      }
    }
  });

  it('gives the same records for a long mixed input cut into chunks of any size', () => {
    const rows = Array.from({ length: 200 }, (_, i) =>
      [String(i), i % 7 === 0 ? '"a, ""quoted""\nvalue"' : `v${i}`, i % 3 === 0 ? '"q"tail' : 'plain text', i % 5 === 0 ? '' : 'x"y'].join(','));
    const text = rows.map((r, i) => r + (i % 2 ? '\r\n' : '\n')).join('');
    const whole = parseAll([text]);
    assert.equal(whole.length, 200);
    assert.deepEqual(whole[7]![1], ['7', 'a, "quoted"\nvalue', 'plain text', 'x"y']);
    assert.deepEqual(whole[3]![1], ['3', 'v3', 'qtail', 'x"y']);
    for (let size = 1; size <= 64; size++) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      assert.deepEqual(parseAll(chunks), whole, `chunks of ${size}`);
    }
  });

  it('numbers records from 1, counting a quoted newline as part of its record', () => {
    assert.deepEqual(parseAll(['h\n"a\nb"\nc\n']).map(([row]) => row), [1, 2, 3]);
  });

  it('uses the given delimiter', () => {
    assert.deepEqual(parseAll(['a\tb,c\n'], '\t'), [[1, ['a', 'b,c']]]);
  });

  it('fails on a quote left open at the end, after delivering the records before it', () => {
    const out: string[][] = [];
    const p = new CsvParser(',', (r) => out.push(r), 1000, {});
    p.write('a,b\n"open,1\n');
    assert.throws(() => p.end(), CsvSyntaxError);
    assert.deepEqual(out, [['a', 'b']]);
  });

  it('refuses a field longer than the limit', () => {
    const p = new CsvParser(',', () => {}, 10, {});
    assert.throws(() => p.write(`${'x'.repeat(11)},y\n`), /longer than 10/);
  });
});
