import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, pipeline } from 'node:stream';
import { createGzip } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { gzipOf, tarOf, zipOf } from './test-fixtures.js';
import { collect } from './test-helpers.js';

const GiB = 1024 ** 3;

/** gzip of `total` zero bytes, produced as it is read; `produced()` says how many zeros were made. */
function gzipOfZeros(total: number): { stream: Readable; produced(): number } {
  let produced = 0;
  const block = Buffer.alloc(1024 * 1024);
  const zeros = new Readable({
    read() {
      if (produced >= total) { this.push(null); return; }
      produced += block.length;
      this.push(block);
    },
  });
  const gz = createGzip();
  pipeline(zeros, gz, () => { /* the reader stops early on purpose */ });
  return { stream: gz, produced: () => produced };
}

describe('archive bomb limits', () => {
  let tempDir = '';
  before(async () => { tempDir = await mkdtemp(join(tmpdir(), 'coffer-bombs-test-')); });
  after(async () => { await rm(tempDir, { recursive: true, force: true }); });

  it('reports a gzip of 1 GiB of zeros as an archive bomb after inflating only a bounded prefix', async () => {
    const bomb = gzipOfZeros(GiB);
    const { skipped, units } = await collect(bomb.stream, { filename: 'zeros.bin.gz' });
    assert.deepEqual(units, []);
    assert.deepEqual(skipped.map((s) => [s.container, s.reason]), [
      [['zeros.bin'], 'UNSUPPORTED_FILE_TYPE'],
      [['zeros.bin'], 'ARCHIVE_BOMB'],
    ]);
    // The reader stops after its ratio check; the generator runs ahead of it by what the
    // gzip and pipe buffers hold (larger default highWaterMarks on Node 22+), so the bound
    // is "a small fraction of the bomb", not an exact byte count.
    assert.ok(bomb.produced() < GiB / 4, `generated ${bomb.produced()} bytes of zeros`);
  });

  it('reports a gzip of repetitive text beyond the ratio as an archive bomb while reading it', async () => {
    const text = Buffer.from('MARKER '.repeat(1024 * 1024)); // 7 MiB, ratio ~ 1000
    const { skipped, units } = await collect(gzipOf(text), { filename: 'a.txt.gz', limits: { minBytesForRatioCheck: 1024 * 1024, maxUnitChars: 65536, overlapChars: 1024 } });
    assert.ok(units.length > 0);
    assert.deepEqual(skipped.map((s) => [s.container, s.reason]), [[['a.txt'], 'ARCHIVE_BOMB']]);
  });

  it('stops at 10 levels of nested zips and reports the part beyond them', async () => {
    let inner: Buffer = Buffer.from('deep MARKER');
    let name = 'secret.txt';
    const names: string[] = [];
    for (let level = 12; level >= 1; level--) {
      names.unshift(name);
      inner = await zipOf([[name, inner]]);
      name = `level${level}.zip`;
    }
    const { skipped, units } = await collect(inner, { filename: 'level0.zip', limits: { tempDir } });
    assert.deepEqual(units, []);
    assert.deepEqual(skipped, [{ container: names.slice(0, 11), reason: 'ARCHIVE_DEPTH_EXCEEDED', detail: 'nested deeper than 10 levels' }]);
    assert.equal(skipped[0]?.container.length, 11);
    assert.deepEqual(await readdir(tempDir), []);
  });

  it('reads nested zips up to the depth limit', async () => {
    let inner: Buffer = Buffer.from('deep MARKER');
    let name = 'secret.txt';
    for (let level = 9; level >= 0; level--) {
      inner = await zipOf([[name, inner]]);
      name = `level${level}.zip`;
    }
    const { skipped, units } = await collect(inner, { filename: 'top.zip', limits: { tempDir } });
    assert.deepEqual(skipped, []);
    assert.equal(units[0]?.text, 'deep MARKER');
    assert.equal(units[0]?.container?.length, 10);
  });

  it('reports too many entries over the whole object', async () => {
    const zip = await zipOf(Array.from({ length: 30 }, (_, i) => [`f${i}.txt`, `file ${i}`] as [string, string]));
    const { skipped, units } = await collect(zip, { filename: 'many.zip', limits: { maxEntries: 10, tempDir } });
    assert.equal(units.length, 10);
    assert.deepEqual(skipped.map((s) => [s.container, s.reason]), [[['f10.txt'], 'TOO_MANY_ENTRIES']]);
  });

  it('refuses a zip entry whose declared ratio is a bomb without inflating it', async () => {
    const zip = await zipOf([['zeros.txt', Buffer.alloc(4 * 1024 * 1024, 0x41)], ['ok.txt', 'MARKER']]);
    const { skipped, units } = await collect(zip, { filename: 'z.zip', limits: { minBytesForRatioCheck: 1024 * 1024, tempDir } });
    assert.deepEqual(skipped.map((s) => [s.container, s.reason]), [[['zeros.txt'], 'ARCHIVE_BOMB']]);
    assert.deepEqual(units.map((u) => u.text), ['MARKER']);
  });

  it('stops when the object as a whole inflates past the total size limit', async () => {
    const tar = await tarOf([['a.txt', 'x'.repeat(300_000)], ['b.txt', 'y'.repeat(300_000)]]);
    const { skipped } = await collect(gzipOf(tar), { filename: 't.tgz', limits: { maxTotalUncompressedBytes: 400_000 } });
    assert.deepEqual(skipped.map((s) => s.reason), ['SIZE_LIMIT_EXCEEDED']);
  });
});
