/**
 * Format readers of the discovery engine: turn an object's bytes into text units with Macie-style
 * locations, recursing into archives and documents, and report what cannot be scanned.
 */

/**
 * Detects the format of `input` (magic bytes, then `filename`/`contentType`, then the text itself)
 * and yields `format`, `unit` and `skipped` events in document order. See read-units.ts.
 */
export { readUnits } from './read-units.js';

/** The same events in batches (one await per batch): the fast path for CSV/JSON-heavy scanning. */
export { readUnitBatches } from './read-units.js';

/** Options, limits (with Macie-like defaults) and the event and unit shapes `readUnits` yields. */
export { DEFAULT_LIMITS } from './types.js';
export type { ByteInput, FormatName, Limits, ReadEvent, ReadOptions, ScanUnit } from './types.js';

/** Format detection alone (for reporting a MIME type or filtering objects by format). */
export { detectFormat, DETECT_HEAD_BYTES } from './detect.js';
export type { Detected } from './detect.js';

/** Cuts text into overlapping units (for callers that already hold text, e.g. the evaluation corpus). */
export { chunkText } from './text-chunker.js';

/** Absolute line/column/offset of an index in a `text` or `page` unit (from its start position). */
export { positionIn } from './text-chunker.js';
export type { MakeUnit, TextPosition } from './text-chunker.js';

/** Macie-style JSON path of a record field: $.a.b[0], $['odd key']. */
export { formatJsonPath } from './json-path.js';
