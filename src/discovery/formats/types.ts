/**
 * Public types of the format readers: options, limits and the events `readUnits` yields.
 * The unit and skip shapes themselves live in ../types.ts (the contract shared with the engine).
 */
import type { Readable } from 'node:stream';
import type { SkippedPart, TextUnit } from '../types.js';

/** Limits that bound time, memory and disk whatever the input. All sizes in bytes unless named *Chars. */
export interface Limits {
  /** Deepest container nesting scanned (the object itself is depth 0; Macie: 10). */
  maxDepth: number;
  /** Files taken out of archives, over the whole object (Macie: 1,000,000). */
  maxEntries: number;
  /** Bytes produced by decompression, over the whole object, before ARCHIVE_BOMB/SIZE_LIMIT_EXCEEDED. */
  maxTotalUncompressedBytes: number;
  /** Uncompressed/compressed ratio above which a stream counts as a bomb ... */
  maxCompressionRatio: number;
  /** ... once at least this many bytes have come out of it (small files compress well legitimately). */
  minBytesForRatioCheck: number;
  /** Largest text unit handed to the engine (chars), overlaps included. */
  maxUnitChars: number;
  /** Chars shared by consecutive units of one text on each side (see `ScanUnit.ownStart`). */
  overlapChars: number;
  /** Largest object (or archive member) spilled to a temp file for random access: zip, Parquet. */
  maxObjectBytes: number;
  /** Largest content held in memory: a PDF (bytes), an XLSX shared-string table (chars). */
  maxBufferedBytes: number;
  /** Largest single CSV record / JSON scalar / XML text run, in chars. */
  maxValueChars: number;
  /** Directory for spilled temp files (default: os.tmpdir()). */
  tempDir?: string;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxDepth: 10,
  maxEntries: 1_000_000,
  maxTotalUncompressedBytes: 20 * 1024 ** 3,
  maxCompressionRatio: 250,
  minBytesForRatioCheck: 16 * 1024 ** 2,
  // Units stay under V8's large-object size (128 KiB for a one-byte string): see text-chunker.ts.
  maxUnitChars: 120 * 1024,
  overlapChars: 4096,
  maxObjectBytes: 4 * 1024 ** 3,
  maxBufferedBytes: 256 * 1024 ** 2,
  maxValueChars: 8 * 1024 ** 2,
});

export interface ReadOptions {
  limits?: Partial<Limits>;
  /** Object key or file name: its extension is a hint when the magic bytes say nothing. */
  filename?: string;
  /** Content-Type of the object, a hint like the extension. */
  contentType?: string;
  /** Stop early: checked between units; the reader then reports TIMEOUT and ends. */
  signal?: AbortSignal;
}

/** Formats the readers recognise. */
export type FormatName =
  | 'text' | 'csv' | 'tsv' | 'json' | 'jsonl'
  | 'gzip' | 'zip' | 'tar'
  | 'docx' | 'xlsx' | 'pptx' | 'pdf' | 'eml' | 'parquet' | 'avro'
  | 'unsupported';

/**
 * A text unit plus the part of it the engine owns. Long texts are cut into units that overlap by
 * `overlapChars` on both sides: `text[0, ownStart)` repeats the end of the previous unit (context for
 * keywords and word boundaries) and `text[ownEnd, length)` repeats the start of the next one (so an
 * identifier straddling a cut is whole). The engine reports only matches that START in
 * [ownStart, ownEnd): every match is then reported exactly once. Units that are not cut
 * (cells, JSON values, ...) have ownStart = 0 and ownEnd = text.length.
 */
export interface ScanUnit extends TextUnit {
  ownStart: number;
  ownEnd: number;
}

/** What `readUnits` yields, in document order (depth first through containers). */
export type ReadEvent =
  /** A (possibly nested) file was recognised; `container` is its path ([] for the object itself). */
  | { type: 'format'; container: string[]; format: FormatName }
  /** Text to scan. */
  | { type: 'unit'; unit: ScanUnit }
  /** Content that could not be scanned, or not completely (the object or a part of it). */
  | { type: 'skipped'; part: SkippedPart };

/** Anything readUnits accepts as input (a stream, an async or sync iterable of chunks). */
export type ByteInput = Readable | AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array>;
