import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type avro from 'avsc';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { avroOf, gzipOf } from './test-fixtures.js';
import { chunked, collect } from './test-helpers.js';


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

  it('reports an Avro block that inflates beyond the ratio limit as an archive bomb', async () => {
    const file = await avroOf({ type: 'record', name: 'R', fields: [{ name: 'k', type: 'string' }] }, [{ k: 'x'.repeat(2_000_000) }], 'deflate');
    const { skipped } = await collect(file, { filename: 'b.avro', limits: { minBytesForRatioCheck: 1024 * 1024 } });
    assert.deepEqual(skipped.map((s) => s.reason), ['ARCHIVE_BOMB']);
  });

  it('reports an Avro codec it cannot decode as unsupported', async () => {
    const file = await avroOf({ type: 'record', name: 'R', fields: [{ name: 'k', type: 'string' }] }, [{ k: 'a' }], 'snappy');
    const { skipped } = await collect(file, { filename: 's.avro' });
    assert.deepEqual(skipped, [{ container: [], reason: 'UNSUPPORTED_FILE_TYPE', detail: 'avro codec snappy' }]);
  });

  it('reads an Avro file inside a gzip with its container path', async () => {
    const file = await avroOf({ type: 'record', name: 'R', fields: [{ name: 'k', type: 'string' }] }, [{ k: 'a' }, { k: 'GZ-MARKER' }]);
    const { units } = await collect(gzipOf(file), { filename: 'r.avro.gz' });
    const u = units.find((x) => x.text === 'GZ-MARKER');
    assert.deepEqual(u?.container, ['r.avro']);
    assert.deepEqual(u?.location, { kind: 'record', recordIndex: 1, jsonPath: '$.k' });
  });

  it('reads gzip-compressed Parquet pages and reports codecs it cannot decode', async () => {
    const columnData = [{ name: 'email', data: ['a', 'GZIP-MARKER'], type: 'STRING' as const }];
    const gz = Buffer.from(parquetWriteBuffer({ columnData, codec: 'GZIP', compressors: { GZIP: (b: Uint8Array) => gzipSync(b) } }));
    const { units } = await collect(gz, { filename: 'g.parquet' });
    assert.deepEqual(units.find((u) => u.text === 'GZIP-MARKER')?.location, { kind: 'record', recordIndex: 1, jsonPath: '$.email' });
    const lz4 = Buffer.from(parquetWriteBuffer({ columnData, codec: 'LZ4_RAW', compressors: { LZ4_RAW: (b: Uint8Array) => b } }));
    const { skipped } = await collect(lz4, { filename: 'l.parquet' });
    assert.deepEqual(skipped, [{ container: [], reason: 'UNSUPPORTED_FILE_TYPE', detail: 'parquet codec LZ4_RAW' }]);
  });

  it('reports a truncated Parquet file as corrupt', async () => {
    const file = Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'a', data: ['x', 'y'], type: 'STRING' }] }));
    const { skipped } = await collect(file.subarray(0, file.length - 10), { filename: 'bad.parquet' });
    assert.deepEqual(skipped.map((s) => s.reason), ['CORRUPT_FILE']);
  });
});
