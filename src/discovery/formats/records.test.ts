import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import avro from 'avsc';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { gzipOf } from './test-fixtures.js';
import { chunked, collect } from './test-helpers.js';

async function avroOf(schema: avro.Schema, records: unknown[], codec = 'null'): Promise<Buffer> {
  const encoder = new avro.streams.BlockEncoder(schema, { codec, blockSize: 64 });
  const parts: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    encoder.on('data', (b: Buffer) => parts.push(b));
    encoder.on('end', resolve);
    encoder.on('error', reject);
  });
  for (const r of records) encoder.write(r);
  encoder.end();
  await done;
  return Buffer.concat(parts);
}

describe('Parquet and Avro readers', () => {
  it('locates a Parquet value by row index and column path, with the column name as keyword', async () => {
    const ids = Array.from({ length: 3000 }, (_, i) => i);
    const ssn = ids.map((i) => (i === 2500 ? 'PARQUET-MARKER' : `v${i}`));
    const file = Buffer.from(parquetWriteBuffer({
      columnData: [{ name: 'id', data: ids, type: 'INT32' }, { name: 'ssn', data: ssn, type: 'STRING' }],
      rowGroupSize: 1000,
    }));
    const { units, formats, skipped } = await collect(chunked(file, 4096), { filename: 'people.parquet' });
    assert.deepEqual(skipped, []);
    assert.deepEqual(formats, [':parquet']);
    const u = units.find((x) => x.text === 'PARQUET-MARKER');
    assert.deepEqual(u?.location, { kind: 'record', recordIndex: 2500, jsonPath: '$.ssn' });
    assert.deepEqual(u?.contextKeywords, ['ssn']);
    assert.equal(units.length, 6000);
  });

  it('reads Avro records one by one with their field paths', async () => {
    const schema: avro.Schema = {
      type: 'record', name: 'Person', fields: [
        { name: 'name', type: 'string' },
        { name: 'contact', type: { type: 'record', name: 'Contact', fields: [{ name: 'emails', type: { type: 'array', items: 'string' } }] } },
        { name: 'age', type: ['null', 'int'] },
      ],
    };
    const records = Array.from({ length: 50 }, (_, i) => ({
      name: `n${i}`, contact: { emails: i === 37 ? ['x@example.com', 'AVRO-MARKER'] : [] }, age: i % 2 ? i : null,
    }));
    for (const codec of ['null', 'deflate']) {
      const file = await avroOf(schema, records, codec);
      const { units, formats, skipped } = await collect(chunked(file, 100), { filename: `people-${codec}.avro` });
      assert.deepEqual(skipped, []);
      assert.deepEqual(formats, [':avro']);
      const u = units.find((x) => x.text === 'AVRO-MARKER');
      assert.deepEqual(u?.location, { kind: 'record', recordIndex: 37, jsonPath: '$.contact.emails[1]' });
      assert.deepEqual(u?.contextKeywords, ['contact', 'emails']);
      assert.deepEqual(units.find((x) => x.text === '37')?.location, { kind: 'record', recordIndex: 37, jsonPath: '$.age' });
    }
  });

  it('reads an Avro file inside a gzip with its container path', async () => {
    const file = await avroOf({ type: 'record', name: 'R', fields: [{ name: 'k', type: 'string' }] }, [{ k: 'a' }, { k: 'GZ-MARKER' }]);
    const { units } = await collect(gzipOf(file), { filename: 'r.avro.gz' });
    const u = units.find((x) => x.text === 'GZ-MARKER');
    assert.deepEqual(u?.container, ['r.avro']);
    assert.deepEqual(u?.location, { kind: 'record', recordIndex: 1, jsonPath: '$.k' });
  });

  it('reports a truncated Parquet file as corrupt', async () => {
    const file = Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'a', data: ['x', 'y'], type: 'STRING' }] }));
    const { skipped } = await collect(file.subarray(0, file.length - 10), { filename: 'bad.parquet' });
    assert.deepEqual(skipped.map((s) => s.reason), ['CORRUPT_FILE']);
  });
});
