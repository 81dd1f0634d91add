/**
 * Shared contract between the discovery engine (detectors, src/discovery/detectors + engine)
 * and the format readers (src/discovery/formats). Format readers turn a byte stream into
 * `TextUnit`s; the engine finds identifiers in each unit and reports Macie-shaped locations.
 */

/** Where a unit of text sits inside an object, Macie-style. Line/column are 1-based. */
export type UnitLocation =
  /** A run of a plain-text stream: first line number and the byte/char offset of its start. */
  | { kind: 'text'; startLine: number; startColumn: number; startOffset: number; page?: number }
  /** A CSV/TSV or spreadsheet cell. row is 1-based including the header row. */
  | { kind: 'cell'; row: number; column: number; columnName: string | null; sheet?: string }
  /** A JSON / JSON Lines / Avro / Parquet value: record index (0-based) and JSON path ($.a.b[0]). */
  | { kind: 'record'; recordIndex: number; jsonPath: string }
  /** Text of a PDF page (page is 1-based); lines counted within the page. */
  | { kind: 'page'; page: number; startLine: number; startColumn: number; startOffset: number };

export interface TextUnit {
  text: string;
  location: UnitLocation;
  /**
   * Context words that act as keywords for the whole unit: the CSV column header, the JSON key
   * path, an e-mail header name. Detectors treat them as if found right next to every match.
   */
  contextKeywords?: string[];
  /** Archive / MIME path of the file inside its container(s), e.g. ['a.zip', 'docs/b.docx']. */
  container?: string[];
}

/** Reason codes for content that could not be (fully) scanned, modelled on Macie's. */
export type SkipReason =
  | 'UNSUPPORTED_FILE_TYPE'
  | 'ENCRYPTED_FILE'
  | 'CORRUPT_FILE'
  | 'SIZE_LIMIT_EXCEEDED'
  | 'ARCHIVE_DEPTH_EXCEEDED'
  | 'ARCHIVE_BOMB'
  | 'TOO_MANY_ENTRIES'
  | 'INVALID_ENCODING'
  | 'TIMEOUT';

export interface SkippedPart {
  /** Container path of the part that was skipped (empty for the object itself). */
  container: string[];
  reason: SkipReason;
  detail?: string;
}
