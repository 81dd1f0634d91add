/**
 * Entry point of the format readers: detects the format of a byte stream and dispatches to the
 * reader for it, recursing into containers (gzip, zip, tar, OOXML, e-mail attachments).
 *
 *   readUnits(input):
 *     head = peek(8 KiB); format = detect(head, filename, contentType)
 *     yield format; yield* reader[format](input)           // units, skipped parts, nested formats
 *     a reader's failure -> skipped CORRUPT_FILE (what was read before stays reported)
 *     a tripped limit    -> skipped with its reason, reported by the part that owns the limit
 */
import { ByteSource } from './byte-source.js';
import { LimitError, SourceError, skipped, type Budget, type ReadContext } from './context.js';
import { looksBinary, sniffEncoding } from './decode.js';
import { DETECT_HEAD_BYTES, detectFormat } from './detect.js';
import { readAvro } from './avro.js';
import { readCsv } from './csv.js';
import { readEml } from './eml.js';
import { readGzip } from './gzip.js';
import { readJson, readJsonLines } from './json.js';
import { readParquet } from './parquet.js';
import { readPdf } from './pdf.js';
import { readTar } from './tar.js';
import { readText } from './text.js';
import { readZip } from './zip.js';
import { DEFAULT_LIMITS, type ByteInput, type Limits, type ReadEvent, type ReadOptions } from './types.js';

/**
 * Reads an object and yields, in document order, a `format` event per recognised (nested) file,
 * `unit` events with text to scan and `skipped` events for what could not be scanned. Memory is
 * bounded by `limits`; zip and Parquet spill to a temp file, PDF is buffered in memory (up to maxBufferedBytes).
 * Errors of `input` itself are rethrown; everything else about the content becomes a `skipped` event.
 * Stopping the iteration early releases the input, temp files and parsers.
 */
export async function* readUnits(input: ByteInput, opts: ReadOptions = {}): AsyncGenerator<ReadEvent> {
  for await (const batch of readUnitBatches(input, opts)) {
    for (const ev of batch) yield ev;
  }
}

/**
 * The events of `readUnits` in batches (non-empty arrays, in the same order): one await per batch
 * instead of one per event, which matters for formats made of many small units (CSV cells, JSON
 * values: several times faster). A batch holds the units of one input chunk, so it stays small.
 */
export async function* readUnitBatches(input: ByteInput, opts: ReadOptions = {}): AsyncGenerator<ReadEvent[]> {
  const limits: Limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const budget: Budget = { entries: 0, uncompressedBytes: 0 };
  const src = new ByteSource(tagSourceErrors(input));
  const ctx = makeContext(limits, [], 0, budget, opts.signal);
  try {
    for await (const batch of readPart(src, ctx, opts.filename, opts.contentType)) {
      if (batch.length > 0) yield batch;
      if (opts.signal?.aborted) {
        yield [skipped([], 'TIMEOUT', 'scan stopped before the end of the object')];
        return;
      }
    }
  } catch (e) {
    if (e instanceof LimitError) yield [skipped(e.container, e.reason, e.message)];
    else if (e instanceof SourceError) throw e.cause;
    else throw e;
  } finally {
    await src.close();
  }
}

async function* tagSourceErrors(input: ByteInput): AsyncGenerator<Buffer | Uint8Array | string> {
  let it: AsyncIterator<Buffer | Uint8Array | string> | Iterator<Buffer | Uint8Array | string>;
  try {
    it = Symbol.asyncIterator in input
      ? (input as AsyncIterable<Buffer | Uint8Array | string>)[Symbol.asyncIterator]()
      : (input as Iterable<Buffer | Uint8Array | string>)[Symbol.iterator]();
  } catch (e) {
    throw new SourceError(e);
  }
  try {
    while (true) {
      let r: IteratorResult<Buffer | Uint8Array | string>;
      try { r = await it.next(); } catch (e) { throw new SourceError(e); }
      if (r.done) return;
      yield r.value;
    }
  } finally {
    await it.return?.();
  }
}

function makeContext(limits: Limits, container: string[], depth: number, budget: Budget, signal: AbortSignal | undefined): ReadContext {
  const ctx: ReadContext = {
    limits, container, depth, budget, signal,
    async *nested(name, open, hints) {
      const member = makeContext(limits, [...container, name], depth + 1, budget, signal);
      if (member.depth > limits.maxDepth) {
        yield [skipped(member.container, 'ARCHIVE_DEPTH_EXCEEDED', `nested deeper than ${limits.maxDepth} levels`)];
        return;
      }
      let src: ByteSource;
      try {
        src = await open(member);
      } catch (e) {
        if (e instanceof LimitError || e instanceof SourceError) throw e;
        yield [skipped(member.container, 'CORRUPT_FILE', describe(e))];
        return;
      }
      try {
        yield* readPart(src, member, name, hints?.contentType);
      } finally {
        await src.close();
      }
    },
  };
  return ctx;
}

async function* readPart(src: ByteSource, ctx: ReadContext, filename?: string, contentType?: string): AsyncGenerator<ReadEvent[]> {
  try {
    const head = await src.peek(DETECT_HEAD_BYTES);
    if (head.length === 0) {
      yield [{ type: 'format', container: ctx.container, format: 'text' }];
      return;
    }
    const detected = detectFormat(head, filename, contentType);
    // zip refines itself (docx/xlsx/pptx) once it has seen the central directory
    if (detected.format !== 'zip') yield [{ type: 'format', container: ctx.container, format: detected.format }];
    const encoding = sniffEncoding(head);
    switch (detected.format) {
      case 'unsupported':
        yield [skipped(ctx.container, detected.encrypted ? 'ENCRYPTED_FILE' : 'UNSUPPORTED_FILE_TYPE', detected.detail)];
        return;
      case 'text': yield* readText(src, ctx, encoding); return;
      case 'csv': case 'tsv': yield* readCsv(src, ctx, { encoding, head, tsv: detected.format === 'tsv' }); return;
      case 'json': yield* readJson(src, ctx, encoding); return;
      case 'jsonl': yield* readJsonLines(src, ctx, encoding); return;
      case 'eml': yield* readEml(src, ctx); return;
      case 'gzip': yield* readGzip(src, ctx, filename); return;
      case 'tar': yield* readTar(src, ctx); return;
      case 'zip': yield* readZip(src, ctx, filename); return;
      case 'pdf': yield* readPdf(src, ctx); return;
      case 'parquet': yield* readParquet(src, ctx); return;
      case 'avro': yield* readAvro(src, ctx); return;
      default:
        if (looksBinary(head, encoding)) yield [skipped(ctx.container, 'UNSUPPORTED_FILE_TYPE', detected.format)];
        else yield* readText(src, ctx, encoding);
    }
  } catch (e) {
    if (e instanceof LimitError && e.owner === ctx) yield [skipped(ctx.container, e.reason, e.message)];
    else if (e instanceof LimitError || e instanceof SourceError) throw e;
    else yield [skipped(ctx.container, 'CORRUPT_FILE', describe(e))];
  }
}

/**
 * A short reason for a parser failure. Parser messages may quote content, so the error code is
 * preferred and digit runs and quoted text are masked otherwise.
 */
export function describe(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code !== '') return code;
  const msg = (e instanceof Error ? `${e.name}: ${e.message}` : 'unreadable content')
    .replace(/(["'`]).*?\1/g, '$1…$1')
    .replace(/\d{4,}/g, '#');
  return msg.length > 160 ? `${msg.slice(0, 160)}…` : msg;
}
