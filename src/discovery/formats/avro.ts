/**
 * Avro object container files (avsc), streamed block by block: one unit per scalar value with the
 * 0-based record index and the field path as jsonPath; field names are the context keywords.
 * Codecs: null and deflate (bounded: a block inflating past 64 MiB or the archive ratio limit is
 * ARCHIVE_BOMB); others (snappy, zstandard, ...) are UNSUPPORTED_FILE_TYPE.
 */
import { Readable, pipeline } from 'node:stream';
import { inflateRaw } from 'node:zlib';
import avro from 'avsc';
import type { ByteSource } from './byte-source.js';
import { LimitError, skipped, type ReadContext } from './context.js';
import { recordUnit, walkValue } from './json-path.js';
import type { ReadEvent } from './types.js';

/** Largest inflated Avro block (writers use 16 KiB to a few MiB). */
const MAX_BLOCK_BYTES = 64 * 1024 * 1024;
/** Events handed on together (a batch); records are small, so this bounds memory. */
const BATCH = 1024;

export async function* readAvro(src: ByteSource, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  const input = Readable.from(src);
  let bomb: string | null = null;
  const { maxCompressionRatio, minBytesForRatioCheck } = ctx.limits;
  const decoder = new avro.streams.BlockDecoder({
    codecs: {
      ...avro.streams.BlockDecoder.defaultCodecs(),
      // avsc inflates a block whole: bound it, and apply the ratio limit of archives
      deflate: (buf: Buffer, cb: (err: Error | null, out?: Buffer) => void) => {
        inflateRaw(buf, { maxOutputLength: MAX_BLOCK_BYTES }, (err, out) => {
          if (err) {
            if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') bomb = `an Avro block inflates past ${MAX_BLOCK_BYTES} bytes`;
            cb(err);
          } else if (out.length >= minBytesForRatioCheck && out.length > maxCompressionRatio * buf.length) {
            bomb = `an Avro block has a compression ratio above ${maxCompressionRatio}`;
            cb(new Error(bomb));
          } else cb(null, out);
        });
      },
    },
  });
  let codec = 'null';
  decoder.on('metadata', (_type: unknown, c: string) => { codec = c; });
  pipeline(input, decoder, () => { /* surfaces through the iteration */ });
  let recordIndex = 0;
  let pending: ReadEvent[] = [];
  try {
    for await (const record of decoder as AsyncIterable<unknown>) {
      walkValue(record, [], (text, path) => {
        pending.push({ type: 'unit', unit: recordUnit(text, recordIndex, path, ctx.container) });
      });
      recordIndex++;
      if (pending.length >= BATCH) { yield pending; pending = []; }
    }
    if (pending.length > 0) yield pending;
  } catch (e) {
    if (pending.length > 0) yield pending; // the records decoded before the failure
    pending = [];
    if (bomb !== null) throw new LimitError('ARCHIVE_BOMB', ctx, bomb);
    const unknown = /unknown codec:?\s*([\w-]+)/.exec(e instanceof Error ? e.message : '');
    if (unknown || (codec !== 'null' && codec !== 'deflate')) {
      yield [skipped(ctx.container, 'UNSUPPORTED_FILE_TYPE', `avro codec ${unknown?.[1] ?? codec}`)];
      return;
    }
    throw e;
  } finally {
    decoder.destroy();
    input.destroy();
  }
}
