/**
 * Parquet (hyparquet, pure JS): spilled to a temp file (the footer is at the end; bounded by
 * maxObjectBytes), then read row group by row group in batches; one unit per scalar value with
 * the 0-based row as recordIndex and the column path as jsonPath ($.name, $.address.city);
 * column names are the context keywords.
 */
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, type Compressors } from 'hyparquet';
import type { ByteSource } from './byte-source.js';
import { skipped, type ReadContext } from './context.js';
import { recordUnit, walkValue } from './json-path.js';
import { spillToTempFile } from './spill.js';
import type { ReadEvent } from './types.js';

/** Rows decoded at once: a whole row group is faster (hyparquet re-reads column chunks per call), this bounds memory. */
const BATCH_ROWS = 65_536;

/**
 * Page codecs beyond hyparquet's built-in snappy, from node:zlib; the page header gives the
 * uncompressed size, which bounds the output (a page cannot inflate past what it declares).
 */
const COMPRESSORS: Compressors = {
  GZIP: (input, outputLength) => new Uint8Array(gunzipSync(input, { maxOutputLength: Math.max(1, outputLength) })),
  BROTLI: (input, outputLength) => new Uint8Array(brotliDecompressSync(input, { maxOutputLength: Math.max(1, outputLength) })),
};

export async function* readParquet(src: ByteSource, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  const file = await spillToTempFile(src, {
    maxBytes: ctx.limits.maxObjectBytes, tempDir: ctx.limits.tempDir, owner: ctx, container: ctx.container,
  });
  try {
    yield* readRows(file.path, ctx);
  } catch (e) {
    // zstd and lz4 pages are not supported (no decoder on Node 20 without extra native code)
    const codec = /unsupported compression codec:?\s*(\w+)/i.exec(e instanceof Error ? e.message : '');
    if (!codec) throw e;
    yield [skipped(ctx.container, 'UNSUPPORTED_FILE_TYPE', `parquet codec ${codec[1]}`)];
  } finally {
    await file.remove();
  }
}

async function* readRows(path: string, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  const buffer = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(buffer);
  const total = Number(metadata.num_rows);
  let rowGroupStart = 0;
  for (const group of metadata.row_groups) {
    const groupEnd = rowGroupStart + Number(group.num_rows);
    for (let start = rowGroupStart; start < groupEnd; start += BATCH_ROWS) {
      const end = Math.min(groupEnd, start + BATCH_ROWS, total);
      const rows = await parquetReadObjects({ file: buffer, metadata, rowStart: start, rowEnd: end, compressors: COMPRESSORS });
      const pending: ReadEvent[] = [];
      for (let i = 0; i < rows.length; i++) {
        walkValue(rows[i], [], (text, path) => {
          pending.push({ type: 'unit', unit: recordUnit(text, start + i, path, ctx.container) });
        });
      }
      for (let i = 0; i < pending.length; i += 4096) yield pending.slice(i, i + 4096);
    }
    rowGroupStart = groupEnd;
  }
}
