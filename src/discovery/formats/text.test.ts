import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunked, collect, countOwned, where } from './test-helpers.js';
import { positionIn } from './text-chunker.js';

describe('plain text reader', () => {
  it('locates a marker by line, column and offset in UTF-8 text', async () => {
    const text = 'first line\nsecond line\n  héllo MARKER-1 end\n';
    const { units, formats } = await collect(text, { filename: 'notes.txt' });
    assert.deepEqual(formats, [':text']);
    assert.deepEqual(where(units, 'MARKER-1'), { line: 3, column: 9, offset: 31, container: [] });
  });

  it('tolerates invalid UTF-8 sequences and keeps counting after them', async () => {
    const bytes = Buffer.concat([Buffer.from('ab'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('\nxx MARKER-2')]);
    const { units, skipped } = await collect(bytes);
    assert.deepEqual(skipped, []);
    const at = where(units, 'MARKER-2');
    assert.equal(at.line, 2);
    assert.equal(at.column, 4);
  });

  it('decodes UTF-16LE and UTF-16BE with a byte order mark', async () => {
    const text = 'line one\r\nline two MARKER-3';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    for (const bytes of [le, be]) {
      const { units } = await collect(chunked(bytes, 7));
      assert.deepEqual(where(units, 'MARKER-3'), { line: 2, column: 10, offset: 19, container: [] });
    }
  });

  it('cuts long text into bounded overlapping units where each occurrence is owned exactly once', async () => {
    const line = 'filler text 0123456789 ';
    let text = '';
    const positions: number[] = [];
    while (text.length < 50_000) {
      text += line;
      if (text.length % 7 === 0) text += '\n';
      // place markers across many unit boundaries
      if (positions.length < 40 && text.length > positions.length * 1200) { positions.push(text.length); text += 'SECRET-MARKER '; }
    }
    const limits = { maxUnitChars: 1000, overlapChars: 100 };
    const { units } = await collect(chunked(Buffer.from(text), 333), { limits });
    assert.ok(units.length > 40);
    for (const u of units) assert.ok(u.text.length <= 1000);
    assert.equal(countOwned(units, 'SECRET-MARKER'), positions.length);
    // every owned occurrence maps back to its true position
    let seen = 0;
    for (const u of units) {
      for (let i = u.text.indexOf('SECRET-MARKER'); i >= 0; i = u.text.indexOf('SECRET-MARKER', i + 1)) {
        if (i < u.ownStart || i >= u.ownEnd) continue;
        const loc = u.location;
        assert.equal(loc.kind, 'text');
        if (loc.kind !== 'text') continue;
        const absolute = loc.startOffset + i;
        assert.equal(absolute, positions[seen]);
        const before = text.slice(0, absolute);
        const { line, column } = positionIn({ line: loc.startLine, column: loc.startColumn, offset: loc.startOffset }, u.text, i);
        assert.equal(line, before.split('\n').length);
        assert.equal(column, absolute - before.lastIndexOf('\n'));
        seen++;
      }
    }
    assert.equal(seen, positions.length);
  });

  it('reports binary content as an unsupported file type', async () => {
    const { skipped, units } = await collect(Buffer.from([0x00, 0x01, 0x02, 0x03, 0x41, 0x00, 0x10]), { filename: 'blob.bin' });
    assert.deepEqual(units, []);
    assert.deepEqual(skipped, [{ container: [], reason: 'UNSUPPORTED_FILE_TYPE', detail: 'binary content' }]);
  });

  it('reports a known binary format by its magic bytes even with a text extension', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32)]);
    const { skipped } = await collect(png, { filename: 'photo.txt' });
    assert.deepEqual(skipped, [{ container: [], reason: 'UNSUPPORTED_FILE_TYPE', detail: 'png image' }]);
  });
});
