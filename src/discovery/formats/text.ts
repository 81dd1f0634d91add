/** Plain text (UTF-8 or UTF-16 with BOM): overlapping units with line, column and offset. */
import type { ByteSource } from './byte-source.js';
import type { ReadContext } from './context.js';
import { decodeChars, type TextEncoding } from './decode.js';
import { chunkText } from './text-chunker.js';
import type { ReadEvent } from './types.js';

export async function* readText(src: ByteSource, ctx: ReadContext, encoding: TextEncoding): AsyncGenerator<ReadEvent[]> {
  const container = ctx.container;
  const units = chunkText(decodeChars(src, encoding), ctx.limits, (text, at, ownStart, ownEnd) => ({
    text,
    location: { kind: 'text', startLine: at.line, startColumn: at.column, startOffset: at.offset },
    container,
    ownStart,
    ownEnd,
  }));
  for await (const unit of units) yield [{ type: 'unit', unit }];
}
