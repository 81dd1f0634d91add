/**
 * JSON and JSON Lines: one unit per string or number value, located by record index and JSON
 * path; the object keys on the path are the unit's context keywords.
 *
 *   document <= 4 MiB, line <= 1 MiB: JSON.parse, then a walk over the result (json-units.ts);
 *     numbers read as JS numbers; a document or line with an unsafe integer (its digits would be
 *     rounded) or nested deeper than the walk goes takes the exact path it always took
 *   larger, malformed or inexact: streamed (json-stream.ts): arrays and objects are never
 *     materialised, so a huge top-level array costs only the depth of the path; numbers keep
 *     their source text (no float rounding)
 *
 * JSON: recordIndex is always 0 (as Macie). JSON Lines: recordIndex is the 0-based line number;
 * a malformed line is reported as CORRUPT_FILE (detail "line N") and the next lines are read.
 */
import type { ByteSource } from './byte-source.js';
import { LimitError, skipped, type ReadContext } from './context.js';
import { decodeChars, type TextEncoding } from './decode.js';
import { recordUnit, scalars, walkValue, type PathSegment } from './json-path.js';
import { documentReader, type DocumentReader } from './json-stream.js';
import { needsSlowPath, ParsedWalker, PathNames } from './json-units.js';
import type { ReadEvent } from './types.js';

async function* utf8(src: ByteSource, encoding: TextEncoding): AsyncGenerator<Buffer> {
  if (encoding === 'utf-8') { yield* src; return; }
  for await (const s of decodeChars(src, encoding)) yield Buffer.from(s, 'utf8');
}

/** JSON.parse of a line or small document, or null when a number would lose digits (then the tokenizer reads it). */
function parseExact(text: string): { value: unknown } | null {
  let exact = true;
  text = withoutBom(text);
  const value: unknown = JSON.parse(text, (_k, v: unknown) => {
    if (typeof v === 'number' && !Number.isSafeInteger(v) && Number.isInteger(v)) exact = false;
    return v;
  });
  return exact ? { value } : null;
}

/** The text without a byte order mark before it (before the first line). */
function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A unit for a parsed value, or a SIZE_LIMIT_EXCEEDED report when it is longer than maxValueChars. */
function valueEvent(ctx: ReadContext, text: string, recordIndex: number, path: PathSegment[]): ReadEvent {
  if (text.length <= ctx.limits.maxValueChars) return { type: 'unit', unit: recordUnit(text, recordIndex, path, ctx.container) };
  return skipped(ctx.container, 'SIZE_LIMIT_EXCEEDED', `a JSON value is longer than ${ctx.limits.maxValueChars} chars (record ${recordIndex})`);
}

/** Documents up to this size are parsed with JSON.parse (native, several times faster). */
const FAST_DOCUMENT_BYTES = 4 * 1024 * 1024;
/** Bytes tokenized between two hand-overs of values (streaming path). */
const SLICE = 32 * 1024;

export async function* readJson(src: ByteSource, ctx: ReadContext, encoding: TextEncoding): AsyncGenerator<ReadEvent[]> {
  const pending: ReadEvent[] = [];
  const it = utf8(src, encoding)[Symbol.asyncIterator]();
  // small documents: buffer and parse natively, unless a number would lose digits
  const head: Buffer[] = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes <= FAST_DOCUMENT_BYTES) {
    const r = await it.next();
    if (r.done) { ended = true; break; }
    head.push(r.value);
    headBytes += r.value.length;
  }
  const names = new PathNames();
  if (ended) {
    const bytes = Buffer.concat(head, headBytes);
    const text = bytes.toString('utf8');
    let value: unknown;
    let valid = false;
    try { value = JSON.parse(withoutBom(text)); valid = true; } catch { /* the tokenizer below says where it breaks */ }
    if (valid && !needsSlowPath(value)) {
      // hand on events as the walk goes, so few of them live long enough to be promoted by the GC
      const walker = new ParsedWalker(ctx, names, pending);
      for (const _ of walker.steps(value, 0)) if (pending.length >= 4096) yield pending.splice(0);
      if (pending.length > 0) yield pending.splice(0);
      return;
    }
    // rare: unsafe integers or deeper than the walk goes, read exactly as before
    let parsed: { value: unknown } | null = null;
    if (valid) try { parsed = parseExact(text); } catch { /* the tokenizer below says where it breaks */ }
    if (parsed !== null) {
      for (const [text, path] of scalars(parsed.value)) {
        pending.push(valueEvent(ctx, text, 0, path));
        if (pending.length >= 4096) yield pending.splice(0);
      }
      if (pending.length > 0) yield pending.splice(0);
      return;
    }
  }
  // large, inexact or malformed documents: stream them token by token
  const doc = documentReader(ctx, 0, pending, names);
  try {
    // Values are handed on every SLICE bytes: those of a whole 256 KiB chunk would outlive
    // young-generation GCs and be promoted (the same measured cost as in the CSV reader).
    for (const b of head.splice(0)) {
      for (let k = 0; k < b.length; k += SLICE) {
        doc.write(k === 0 && b.length <= SLICE ? b : b.subarray(k, k + SLICE));
        if (pending.length > 0) yield pending.splice(0);
      }
    }
    for (let r = await it.next(); !r.done; r = await it.next()) {
      const b = r.value;
      for (let k = 0; k < b.length; k += SLICE) {
        doc.write(k === 0 && b.length <= SLICE ? b : b.subarray(k, k + SLICE));
        if (pending.length > 0) yield pending.splice(0);
      }
    }
    doc.end();
    if (pending.length > 0) yield pending.splice(0);
  } catch (e) {
    if (pending.length > 0) yield pending.splice(0);
    throw e;
  } finally {
    await it.return?.(undefined);
  }
}

const NL = 0x0a;
/** Lines up to this size are parsed with JSON.parse (native, fast); longer ones are streamed. */
const FAST_LINE_BYTES = 1024 * 1024;


export async function* readJsonLines(src: ByteSource, ctx: ReadContext, encoding: TextEncoding): AsyncGenerator<ReadEvent[]> {
  const pending: ReadEvent[] = [];
  const names = new PathNames();
  const walker = new ParsedWalker(ctx, names, pending);
  let line = 0;
  let parts: Buffer[] = []; // the current line while it is short enough for JSON.parse
  let partsBytes = 0;
  let doc: DocumentReader | null = null; // a long line, streamed
  let broken = false; // the current line failed to parse: ignore the rest of it

  const fail = (e: unknown): void => {
    if (e instanceof LimitError) throw e;
    broken = true;
    pending.push(skipped(ctx.container, 'CORRUPT_FILE', `line ${line + 1} is not valid JSON`));
  };
  const stream = (b: Buffer): void => {
    doc ??= documentReader(ctx, line, pending, names);
    try { doc.write(b); } catch (e) { fail(e); }
  };
  const feed = (b: Buffer): void => {
    if (broken || b.length === 0) return;
    if (doc !== null) { stream(b); return; }
    parts.push(b);
    partsBytes += b.length;
    if (partsBytes > FAST_LINE_BYTES) {
      const head = Buffer.concat(parts);
      parts = [];
      partsBytes = 0;
      stream(head);
    }
  };
  const endLine = (): void => {
    if (!broken) {
      if (doc !== null) {
        try { doc.end(); } catch (e) { fail(e); }
      } else if (partsBytes > 0) {
        const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
        if (!isBlank(bytes)) {
          const index = line;
          try {
            const text = bytes.toString('utf8');
            const value: unknown = JSON.parse(withoutBom(text));
            if (!walker.walk(value, index)) {
              // rare: unsafe integers or deeper than the walk goes, read exactly as before
              const parsed = parseExact(text);
              if (parsed === null) { stream(bytes); (doc as DocumentReader | null)?.end(); }
              else {
                walkValue(parsed.value, [], (text, path) => { pending.push(valueEvent(ctx, text, index, path)); });
              }
            }
          } catch (e) { fail(e); }
        }
      }
    }
    parts = [];
    partsBytes = 0;
    doc = null;
    broken = false;
    line++;
  };

  for await (const b of utf8(src, encoding)) {
    let start = 0;
    for (let i = b.indexOf(NL); i >= 0; i = b.indexOf(NL, start)) {
      feed(b.subarray(start, i));
      endLine();
      start = i + 1;
      if (pending.length >= 4096) yield pending.splice(0);
    }
    feed(b.subarray(start));
    if (pending.length > 0) yield pending.splice(0);
  }
  endLine();
  if (pending.length > 0) yield pending.splice(0);
}

function isBlank(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0xef && c !== 0xbb && c !== 0xbf) return false;
  }
  return true;
}
