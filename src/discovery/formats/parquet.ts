/**
 * Parquet (hyparquet, pure JS): spilled to a temp file (the footer is at the end; bounded by
 * maxObjectBytes), then read row group by row group in batches; one unit per scalar value with
 * the 0-based row as recordIndex and the column path as jsonPath ($.name, $.address.city);
 * column names are the context keywords.
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import type { ByteSource } from './byte-source.js';
import type { ReadContext } from './context.js';
import { recordUnit, walkValue } from './json-path.js';
import { spillToTempFile } from './spill.js';
import type { ReadEvent } from './types.js';

const BATCH_ROWS = 4096;

export async function* readParquet(src: ByteSource, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  const file = await spillToTempFile(src, {
    maxBytes: ctx.limits.maxObjectBytes, tempDir: ctx.limits.tempDir, owner: ctx, container: ctx.container,
  });
  try {
    const buffer = await asyncBufferFromFile(file.path);
    const metadata = await parquetMetadataAsync(buffer);
    const total = Number(metadata.num_rows);
    let rowGroupStart = 0;
    for (const group of metadata.row_groups) {
      const groupEnd = rowGroupStart + Number(group.num_rows);
      for (let start = rowGroupStart; start < groupEnd; start += BATCH_ROWS) {
        const end = Math.min(groupEnd, start + BATCH_ROWS, total);
        const rows = await parquetReadObjects({ file: buffer, metadata, rowStart: start, rowEnd: end });
        const pending: ReadEvent[] = [];
        for (let i = 0; i < rows.length; i++) {
          walkValue(rows[i], [], (text, path) => {
            pending.push({ type: 'unit', unit: recordUnit(text, start + i, path, ctx.container) });
          });
        }
        if (pending.length > 0) yield pending;
      }
      rowGroupStart = groupEnd;
    }
  } finally {
    await file.remove();
  }
}
