import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readUnits } from './read-units.js';
import { gzipOf, markFirstZipEntryEncrypted, tarOf, zipOf } from './test-fixtures.js';
import { chunked, collect, where } from './test-helpers.js';

describe('archive readers (gzip, zip, tar)', () => {
  let tempDir = '';
  before(async () => { tempDir = await mkdtemp(join(tmpdir(), 'coffer-formats-test-')); });
  after(async () => { await rm(tempDir, { recursive: true, force: true }); });

  it('gives the container path of a cell in a CSV inside a zip inside a tar.gz', async () => {
    const inner = await zipOf([['people.csv', 'name,email\nAnn,MARKER@example.com\n'], ['readme.txt', 'nothing\nhere MARKER-TXT']]);
    const tar = await tarOf([['docs/a.txt', 'hello'], ['data/inner.zip', inner]]);
    const { units, formats, skipped } = await collect(chunked(gzipOf(tar), 1000), { filename: 'bundle.tar.gz', limits: { tempDir } });
    assert.deepEqual(skipped, []);
    assert.deepEqual(formats, [
      ':gzip', 'bundle.tar:tar', 'bundle.tar > docs/a.txt:text', 'bundle.tar > data/inner.zip:zip',
      'bundle.tar > data/inner.zip > people.csv:csv', 'bundle.tar > data/inner.zip > readme.txt:text',
    ]);
    const cell = units.find((u) => u.text === 'MARKER@example.com');
    assert.deepEqual(cell?.container, ['bundle.tar', 'data/inner.zip', 'people.csv']);
    assert.deepEqual(cell?.location, { kind: 'cell', row: 2, column: 2, columnName: 'email' });
    assert.deepEqual(where(units, 'MARKER-TXT'), { line: 2, column: 6, offset: 13, container: ['bundle.tar', 'data/inner.zip', 'readme.txt'] });
    assert.deepEqual(await readdir(tempDir), []);
  });

  it('names the member of a plain gzip after the file without its suffix', async () => {
    const { units, formats } = await collect(gzipOf('a\nb MARKER'), { filename: 'logs/app.log.gz' });
    assert.deepEqual(formats, [':gzip', 'app.log:text']);
    assert.deepEqual(where(units, 'MARKER'), { line: 2, column: 3, offset: 4, container: ['app.log'] });
  });

  it('reports encrypted zip entries and still reads the others', async () => {
    const zip = markFirstZipEntryEncrypted(await zipOf([['secret.txt', 'hidden'], ['open.txt', 'MARKER']]));
    const { units, skipped } = await collect(zip, { filename: 'x.zip', limits: { tempDir } });
    assert.deepEqual(skipped, [{ container: ['secret.txt'], reason: 'ENCRYPTED_FILE', detail: 'encrypted zip entry' }]);
    assert.equal(units.length, 1);
    assert.deepEqual(where(units, 'MARKER').container, ['open.txt']);
  });

  it('reports a truncated gzip as corrupt after the text read before the cut', async () => {
    const gz = gzipOf(`MARKER ${'x'.repeat(100_000)}`);
    const { units, skipped } = await collect(gz.subarray(0, gz.length - 20), { filename: 't.txt.gz' });
    assert.ok(units.some((u) => u.text.includes('MARKER')));
    assert.equal(skipped.length, 1);
    assert.equal(skipped[0]?.reason, 'CORRUPT_FILE');
  });

  it('reports a damaged zip as corrupt', async () => {
    const zip = await zipOf([['a.txt', 'abc']]);
    const { skipped } = await collect(zip.subarray(0, zip.length - 30), { filename: 'bad.zip', limits: { tempDir } });
    assert.equal(skipped[0]?.reason, 'CORRUPT_FILE');
    assert.deepEqual(skipped[0]?.container, []);
  });

  it('removes its temp file when the consumer stops early', async () => {
    const zip = await zipOf([['a.txt', 'first'], ['b.txt', 'second']]);
    for await (const ev of readUnits(chunked(zip, 64), { filename: 'early.zip', limits: { tempDir } })) {
      if (ev.type === 'unit') break;
    }
    assert.deepEqual(await readdir(tempDir), []);
  });

  it('skips directories and reads tar members in order', async () => {
    const tar = await tarOf([['one.json', '{"k":"MARKER"}'], ['two.txt', 'x']]);
    const { units, formats } = await collect(tar, { filename: 'a.tar' });
    assert.deepEqual(formats, [':tar', 'one.json:json', 'two.txt:text']);
    assert.deepEqual(units[0]?.location, { kind: 'record', recordIndex: 0, jsonPath: '$.k' });
    assert.deepEqual(units[0]?.container, ['one.json']);
  });
});
