import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sniffDelimiter } from './csv.js';
import { chunked, collect } from './test-helpers.js';

describe('CSV/TSV reader', () => {
  it('locates a cell by row, column and column name, with the header as context keyword', async () => {
    const csv = 'id,name,ssn\n1,Alice,000-00-0000\n2,"Bob, Jr.",MARKER-SSN\n';
    const { units, formats } = await collect(chunked(Buffer.from(csv), 5), { filename: 'people.csv' });
    assert.deepEqual(formats, [':csv']);
    const cell = units.find((u) => u.text === 'MARKER-SSN');
    assert.deepEqual(cell?.location, { kind: 'cell', row: 3, column: 3, columnName: 'ssn' });
    assert.deepEqual(cell?.contextKeywords, ['ssn']);
    assert.equal(units.find((u) => u.text === 'Bob, Jr.')?.location.kind, 'cell');
  });

  it('keeps quoted fields with embedded newlines in one cell and counts rows as records', async () => {
    const csv = 'note;email\n"line one\nline two";a@example.com\nx;MARKER\n';
    const { units } = await collect(csv, { filename: 'notes.csv' });
    assert.deepEqual(units.find((u) => u.text === 'line one\nline two')?.location, { kind: 'cell', row: 2, column: 1, columnName: 'note' });
    assert.deepEqual(units.find((u) => u.text === 'MARKER')?.location, { kind: 'cell', row: 3, column: 2, columnName: 'email' });
  });

  it('scans header cells too, without a column name', async () => {
    const { units } = await collect('name,phone\nAnn,5550100\n', { filename: 'a.csv' });
    assert.deepEqual(units.find((u) => u.text === 'phone')?.location, { kind: 'cell', row: 1, column: 2, columnName: null });
  });

  it('gives no column name when the first row is data rather than a header', async () => {
    const { units } = await collect('4111111111111111,12/27\n5500000000000004,01/28\n', { filename: 'cards.csv' });
    const cell = units.find((u) => u.text === '5500000000000004');
    assert.deepEqual(cell?.location, { kind: 'cell', row: 2, column: 1, columnName: null });
    assert.equal(cell?.contextKeywords, undefined);
  });

  it('reads TSV by extension and content type', async () => {
    const tsv = 'a\tb\n1\tMARKER,with comma\n';
    for (const opts of [{ filename: 'x.tsv' }, { contentType: 'text/tab-separated-values' }]) {
      const { units } = await collect(tsv, opts);
      assert.deepEqual(units.find((u) => u.text === 'MARKER,with comma')?.location, { kind: 'cell', row: 2, column: 2, columnName: 'b' });
    }
  });

  it('sniffs the delimiter from the first lines', () => {
    assert.equal(sniffDelimiter('a;b;c\n1;2;3\n4;5;6\n'), ';');
    assert.equal(sniffDelimiter('a|b\n1|2\n'), '|');
    assert.equal(sniffDelimiter('"x,y";b;c\n1;2;3\n'), ';');
    assert.equal(sniffDelimiter('a,b\n1,2\n'), ',');
  });

  it('reads UTF-16 CSV with a byte order mark', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('k,v\r\nx,MARKER\r\n', 'utf16le')]);
    const { units } = await collect(bytes, { filename: 'u.csv' });
    assert.deepEqual(units.find((u) => u.text === 'MARKER')?.location, { kind: 'cell', row: 2, column: 2, columnName: 'v' });
  });

  it('reports an unterminated quote as a corrupt file after the cells before it', async () => {
    const { units, skipped } = await collect('a,b\n1,2\n"open,3\n', { filename: 'bad.csv' });
    assert.ok(units.some((u) => u.text === '2'));
    assert.equal(skipped.length, 1);
    assert.equal(skipped[0]?.reason, 'CORRUPT_FILE');
  });
});
