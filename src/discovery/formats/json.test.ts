import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunked, collect } from './test-helpers.js';

describe('JSON and JSON Lines reader', () => {
  it('locates values by JSON path with the key path as context keywords', async () => {
    const json = JSON.stringify({ customers: [{ name: 'A' }, { name: 'B', contact: { 'e-mail': 'MARKER' } }] });
    const { units, formats } = await collect(chunked(Buffer.from(json), 3), { filename: 'c.json' });
    assert.deepEqual(formats, [':json']);
    const u = units.find((x) => x.text === 'MARKER');
    assert.deepEqual(u?.location, { kind: 'record', recordIndex: 0, jsonPath: "$.customers[1].contact['e-mail']" });
    assert.deepEqual(u?.contextKeywords, ['customers', 'contact', 'e-mail']);
  });

  it('keeps long numbers as written instead of rounding them', async () => {
    const { units } = await collect('{"card": 4111111111111111111, "n": [1.50, -2e3]}');
    assert.deepEqual(units.map((u) => u.text), ['4111111111111111111', '1.50', '-2e3']);
    assert.deepEqual(units.map((u) => (u.location.kind === 'record' ? u.location.jsonPath : '')), ['$.card', '$.n[0]', '$.n[1]']);
  });

  it('streams a large top-level array element by element', async () => {
    async function* big(): AsyncGenerator<Buffer> {
      yield Buffer.from('[');
      for (let i = 0; i < 20_000; i++) yield Buffer.from(`${i ? ',' : ''}{"id":${i},"v":"x${i}"}`);
      yield Buffer.from(']');
    }
    let count = 0;
    let last: unknown;
    const { readUnits } = await import('./read-units.js');
    for await (const ev of readUnits(big(), { filename: 'big.json' })) {
      if (ev.type === 'unit') { count++; last = ev.unit.location; }
    }
    assert.equal(count, 40_000);
    assert.deepEqual(last, { kind: 'record', recordIndex: 0, jsonPath: '$[19999].v' });
  });

  it('numbers JSON Lines records by line and carries on after a malformed line', async () => {
    const jsonl = '{"a":"x"}\n\n{"b":{"c":["y","MARKER"]}}\n{broken\n{"d":"z"}\n';
    const { units, skipped, formats } = await collect(chunked(Buffer.from(jsonl), 4), { filename: 'x.jsonl' });
    assert.deepEqual(formats, [':jsonl']);
    assert.deepEqual(units.find((u) => u.text === 'MARKER')?.location, { kind: 'record', recordIndex: 2, jsonPath: '$.b.c[1]' });
    assert.deepEqual(units.find((u) => u.text === 'z')?.location, { kind: 'record', recordIndex: 4, jsonPath: '$.d' });
    assert.deepEqual(skipped, [{ container: [], reason: 'CORRUPT_FILE', detail: 'line 4 is not valid JSON' }]);
  });

  it('keeps long numbers exact in JSON Lines and streams lines too long to buffer', async () => {
    const long = `{"pad":"${'p'.repeat(1_100_000)}","k":"LONG-MARKER"}`;
    const jsonl = `{"card":4111111111111111111,"ok":1.5}\n${long}\n{"x":"y"}\n`;
    const { units, skipped } = await collect(chunked(Buffer.from(jsonl), 65536), { filename: 'n.jsonl' });
    assert.deepEqual(skipped, []);
    assert.deepEqual(units.find((u) => u.text === '4111111111111111111')?.location, { kind: 'record', recordIndex: 0, jsonPath: '$.card' });
    assert.deepEqual(units.find((u) => u.text === 'LONG-MARKER')?.location, { kind: 'record', recordIndex: 1, jsonPath: '$.k' });
    assert.deepEqual(units.find((u) => u.text === 'y')?.location, { kind: 'record', recordIndex: 2, jsonPath: '$.x' });
  });

  it('accepts a byte order mark before JSON and JSON Lines', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const lines = await collect(Buffer.concat([bom, Buffer.from('{"a":"x"}\n{"a":"y"}\n')]), { filename: 'b.jsonl' });
    assert.deepEqual(lines.skipped, []);
    assert.deepEqual(lines.units.map((u) => u.text), ['x', 'y']);
    const doc = await collect(Buffer.concat([bom, Buffer.from('{"a":"z"}')]), { filename: 'b.json' });
    assert.deepEqual(doc.skipped, []);
    assert.deepEqual(doc.units.map((u) => u.text), ['z']);
  });

  it('detects JSON Lines without an extension', async () => {
    const { formats } = await collect('{"a":1}\n{"a":2}\n{"a":3}\n');
    assert.deepEqual(formats, [':jsonl']);
  });

  it('reports truncated JSON as corrupt after the values read before it', async () => {
    const { units, skipped } = await collect('{"a":"one","b":["two",', { filename: 't.json' });
    assert.deepEqual(units.map((u) => u.text), ['one', 'two']);
    assert.equal(skipped[0]?.reason, 'CORRUPT_FILE');
  });

  it('reports a value longer than the limit instead of scanning it', async () => {
    const small = await collect(`{"blob":"${'a'.repeat(5000)}","k":"MARKER"}`, { filename: 'b.json', limits: { maxValueChars: 1000 } });
    assert.deepEqual(small.skipped.map((s) => s.reason), ['SIZE_LIMIT_EXCEEDED']);
    assert.deepEqual(small.units.map((u) => u.text), ['MARKER']);
    // a document too large to parse at once is streamed: the tokenizer stops at the long value
    const large = `[${'{"k":"v"},'.repeat(500_000)}{"blob":"${'a'.repeat(5000)}"}]`;
    const streamed = await collect(chunked(Buffer.from(large), 65536), { filename: 'big.json', limits: { maxValueChars: 1000 } });
    assert.deepEqual(streamed.skipped.map((s) => s.reason), ['SIZE_LIMIT_EXCEEDED']);
    assert.equal(streamed.units.length, 500_000);
  });
});
