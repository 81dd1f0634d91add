import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { detectFormat } from './detect.js';
import { readUnitBatches, readUnits } from './read-units.js';
import { gzipOf } from './test-fixtures.js';
import { collect } from './test-helpers.js';

describe('readUnits', () => {
  it('rethrows an error of the input stream instead of calling the file corrupt', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.from('some text\n'));
        this.destroy(new Error('connection reset'));
      },
    });
    await assert.rejects(collect(failing, { filename: 'a.txt' }), /connection reset/);
  });

  it('rethrows an input error that happens inside a container', async () => {
    const gz = gzipOf('x'.repeat(200_000));
    async function* failing(): AsyncGenerator<Buffer> {
      yield gz.subarray(0, 50);
      throw new Error('read timeout');
    }
    await assert.rejects(collect(failing(), { filename: 'a.txt.gz' }), /read timeout/);
  });

  it('reports TIMEOUT and stops when the signal is aborted', async () => {
    const controller = new AbortController();
    async function* endless(): AsyncGenerator<Buffer> {
      for (let i = 0; ; i++) yield Buffer.from(`{"i":${i}}\n`);
    }
    const events = [];
    for await (const ev of readUnits(endless(), { filename: 'x.jsonl', signal: controller.signal })) {
      events.push(ev);
      if (events.length === 100) controller.abort();
    }
    assert.deepEqual(events.at(-1), { type: 'skipped', part: { container: [], reason: 'TIMEOUT', detail: 'scan stopped before the end of the object' } });
  });

  it('yields the same events in batches as one by one', async () => {
    const input = 'a,b\n1,2\n3,4\n';
    const flat = (await collect(input, { filename: 'x.csv' })).events;
    const batched = [];
    for await (const batch of readUnitBatches([Buffer.from(input)], { filename: 'x.csv' })) {
      assert.ok(batch.length > 0);
      batched.push(...batch);
    }
    assert.deepEqual(batched, flat);
  });

  it('reads an empty object as empty text', async () => {
    const { events } = await collect(Buffer.alloc(0), { filename: 'empty.csv' });
    assert.deepEqual(events, [{ type: 'format', container: [], format: 'text' }]);
  });
});

describe('detectFormat', () => {
  const b = (s: string) => Buffer.from(s);
  it('prefers magic bytes over the extension', () => {
    assert.equal(detectFormat(gzipOf('x'), 'a.json').format, 'gzip');
    assert.equal(detectFormat(b('PK\x03\x04rest'), 'a.txt').format, 'zip');
    assert.equal(detectFormat(b('%PDF-1.7\n'), 'a.txt').format, 'pdf');
    assert.equal(detectFormat(b('PAR1....'), undefined).format, 'parquet');
    assert.equal(detectFormat(b('Obj\x01....'), undefined).format, 'avro');
  });

  it('uses the extension or content type for text formats', () => {
    assert.equal(detectFormat(b('a;b\n'), 'x.CSV').format, 'csv');
    assert.equal(detectFormat(b('a\tb\n'), undefined, 'text/tab-separated-values; charset=utf-8').format, 'tsv');
    assert.equal(detectFormat(b('{"a":1}\n'), 'x.ndjson').format, 'jsonl');
    assert.equal(detectFormat(b('Subject: x\n\nbody'), 'm.eml').format, 'eml');
  });

  it('sniffs JSON, JSON Lines, e-mail and plain text from the content', () => {
    assert.equal(detectFormat(b('  {"a": [1, 2]}')).format, 'json');
    assert.equal(detectFormat(b('[{"a":1}]')).format, 'json');
    assert.equal(detectFormat(b('{"a":1}\n{"a":2}\n')).format, 'jsonl');
    assert.equal(detectFormat(b('Received: from x\nFrom: a@b.c\nSubject: s\n\nhi')).format, 'eml');
    assert.equal(detectFormat(b('[INFO] server started\n')).format, 'text');
    assert.equal(detectFormat(b('Note: this is not a mail\nsecond line\n\nthird')).format, 'text');
  });

  it('names known binary formats it cannot read', () => {
    assert.deepEqual(detectFormat(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0])), { format: 'unsupported', detail: 'OLE2 compound document (legacy .doc/.xls)' });
    assert.deepEqual(detectFormat(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1])), { format: 'unsupported', detail: 'ELF executable' });
  });

  it('reports a password-protected Office document as encrypted', async () => {
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
    const { skipped } = await collect(ole, { filename: 'salaries.xlsx' });
    assert.deepEqual(skipped, [{ container: [], reason: 'ENCRYPTED_FILE', detail: 'password-protected Office document' }]);
    const legacy = await collect(ole, { filename: 'old.doc' });
    assert.equal(legacy.skipped[0]?.reason, 'UNSUPPORTED_FILE_TYPE');
  });
});
