/**
 * Avro object container files (avsc), streamed block by block: one unit per scalar value with the
 * 0-based record index and the field path as jsonPath; field names are the context keywords.
 * Codecs: null and deflate (what avsc decodes without extra libraries); others are
 * UNSUPPORTED_FILE_TYPE.
 */
import { Readable, pipeline } from 'node:stream';
import avro from 'avsc';
import type { ByteSource } from './byte-source.js';
import { skipped, type ReadContext } from './context.js';
import { recordUnit, walkValue } from './json-path.js';
import type { ReadEvent } from './types.js';

/** Events handed on together (a batch); records are small, so this bounds memory. */
const BATCH = 1024;

export async function* readAvro(src: ByteSource, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  const input = Readable.from(src);
  const decoder = new avro.streams.BlockDecoder();
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
    if (codec !== 'null' && codec !== 'deflate') {
      yield [skipped(ctx.container, 'UNSUPPORTED_FILE_TYPE', `avro codec ${codec}`)];
      return;
    }
    throw e;
  } finally {
    decoder.destroy();
    input.destroy();
  }
}
