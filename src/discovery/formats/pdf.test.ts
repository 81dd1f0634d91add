import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pdfOf, zipOf } from './test-fixtures.js';
import { chunked, collect, where } from './test-helpers.js';

describe('PDF reader', () => {
  it('locates a marker by page number and line within the page', async () => {
    const pdf = pdfOf([['Cover page'], ['Account summary', 'Customer MARKER-42 is here']]);
    const { units, formats, skipped } = await collect(chunked(pdf, 100), { filename: 'report.pdf' });
    assert.deepEqual(skipped, []);
    assert.deepEqual(formats, [':pdf']);
    assert.deepEqual(where(units, 'MARKER-42'), { line: 2, column: 10, offset: 25, page: 2, container: [] });
    assert.equal(units[0]?.location.kind === 'page' && units[0].location.page, 1);
  });

  it('reports a password-protected PDF as encrypted', async () => {
    const { skipped, units } = await collect(pdfOf([['secret']], { encrypt: true }), { filename: 'locked.pdf' });
    assert.deepEqual(units, []);
    assert.deepEqual(skipped, [{ container: [], reason: 'ENCRYPTED_FILE', detail: 'password-protected PDF' }]);
  });

  it('reports a PDF with a broken structure as corrupt', async () => {
    const { skipped } = await collect(Buffer.from('%PDF-1.4\nthis is not a pdf body\n'), { filename: 'broken.pdf' });
    assert.equal(skipped[0]?.reason, 'CORRUPT_FILE');
  });

  it('refuses a PDF larger than the buffering limit', async () => {
    const { skipped } = await collect(pdfOf([['x']]), { limits: { maxBufferedBytes: 100 } });
    assert.equal(skipped[0]?.reason, 'SIZE_LIMIT_EXCEEDED');
  });

  it('reads a PDF inside a zip with its container path', async () => {
    const zip = await zipOf([['docs/r.pdf', pdfOf([['PDF-MARKER']])]]);
    const { units } = await collect(zip, { filename: 'a.zip' });
    assert.deepEqual(where(units, 'PDF-MARKER'), { line: 1, column: 1, offset: 0, page: 1, container: ['docs/r.pdf'] });
  });
});
