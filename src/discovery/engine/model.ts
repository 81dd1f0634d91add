/**
 * The engine's contracts: what a detector is, what it produces, what an allow list is, and the
 * Macie-shaped findings the object accumulator emits.
 *
 * Pipeline for one TextUnit (see scanner.ts):
 *
 *   triggers (indexOf on literals, digit-run windows, cheap regexes) -> windows of the unit text
 *   -> detector.scan(windowText) -> Candidate[] (offsets mapped back to the unit text)
 *   -> keyword gate (keywords within maxDistance chars before, or unit contextKeywords)
 *   -> `near` gate (e.g. a CVV only near a card number) -> allow list -> overlap resolution
 *   -> RawMatch[]  --ObjectScan-->  ObjectFindings (counts, <= 15 locations, masked + HMAC only)
 *
 * Managed identifiers (src/discovery/detectors) and custom identifiers (src/discovery/custom) are
 * both plain `Detector`s; the engine treats them the same way.
 */

/** Category of a data identifier. `CustomIdentifier` is used by user-defined identifiers. */
export type DataCategory = 'Personal' | 'Financial' | 'Credentials' | 'CustomIdentifier';

/** Category of an object-level finding: one category, or `Multiple` when several are present. */
export type FindingCategory = DataCategory | 'Multiple';

export type Severity = 'Low' | 'Medium' | 'High';

/** How sure the detector is about one match (format only < checksum or keyword < checksum + keyword). */
export type Confidence = 'Low' | 'Medium' | 'High';

/**
 * When the engine runs a detector's `scan`. Triggers are what keeps most bytes away from regexes:
 * the engine evaluates all triggers with cheap primitives, then hands the detector only the
 * windows of text around trigger hits (or nothing at all).
 *
 * - `literal`: one of the strings occurs (`indexOf`, anchored on the literal's rarest character;
 *   `caseInsensitive` searches the lower-case, Capitalised and UPPER-case variants: each literal
 *   costs a pass over the text, so prefer few, distinctive literals).
 *   The window spans `before` chars before the hit to `after` chars after its end.
 * - `digits`: a run of at least `minDigits` digits, where consecutive digits are separated by at
 *   most 3 other characters (so `4111 1111 1111 1111`, `123-45-6789`, `AB 12 34 56 C` are runs).
 *   Runs are found once per batch for all detectors. Windows are the runs widened to the
 *   surrounding word (plus one separator and word on each side), or by `before`/`after` chars when
 *   given; `accept(text, start, end)` can reject runs cheaply (e.g. only runs followed by a
 *   capitalised word for street addresses). Detectors with the same trigger share one compacted text.
 * - `regex`: a cheap global RegExp (flag g) whose hits define windows, like `literal`.
 * - `always`: the whole unit text (use for custom identifiers whose pattern has no usable anchor).
 */
export type Trigger =
  | {
    kind: 'literal';
    literals: readonly string[];
    caseInsensitive?: boolean;
    before: number;
    after: number;
    /** Cheap filter on a hit (index of the literal in the text); rejected hits open no window. */
    accept?: (text: string, index: number) => boolean;
  }
  | {
    kind: 'digits';
    minDigits: number;
    before?: number;
    after?: number;
    /**
     * Only runs with a digit inside a token (maximal stretch of letters, digits and hyphens) of at
     * least this many letters and digits. Set it to the fewest letters and digits a match can have
     * when every match lies inside one such token: it keeps bare numbers ("in 1987") away from
     * detectors whose values are longer, at the cost of a short walk per run.
     */
    minToken?: number;
    accept?: (text: string, start: number, end: number) => boolean;
  }
  | { kind: 'regex'; pattern: RegExp; before: number; after: number }
  | { kind: 'always' };

/** A candidate span produced by `Detector.scan`, offsets relative to the text handed to scan. */
export interface Candidate {
  start: number;
  end: number;
  /** Confidence before keywords are considered; the engine raises it by one level when a keyword is near. */
  confidence: Confidence;
  /**
   * Canonical form used for the keyed hash (e.g. digits only for a card number) so that
   * `4111 1111 …` and `4111-1111-…` de-duplicate. Defaults to the matched text.
   */
  normalized?: string;
  /** Report under another identifier id (e.g. a card without keyword -> `CREDIT_CARD_NUMBER_(NO_KEYWORD)`). */
  id?: string;
  /**
   * Overrides `Detector.keywordRequired` for this candidate (e.g. a phone number in international
   * format stands alone, a national-format one needs a keyword). `true` is strict: the candidate
   * is dropped without a keyword even when the detector has a `noKeywordId`.
   */
  keywordRequired?: boolean;
}

/**
 * A data identifier the engine can run. Managed identifiers build theirs with `regexDetector`
 * (detectors/define.ts); custom identifiers implement `scan` with RE2.
 *
 * Contract for `scan`:
 * - it receives a text (a window, or several windows joined by "\u0000\u0000", or a whole unit) and
 *   returns candidates with offsets into that text; it must not assume the text is the whole unit;
 * - it must be linear-time in the text length (no catastrophic backtracking on hostile input);
 * - it never throws on odd input; it drops what it cannot validate.
 */
export interface Detector {
  /** Identifier id, e.g. `CREDIT_CARD_NUMBER`, `USA_SOCIAL_SECURITY_NUMBER`, or a custom id. */
  readonly id: string;
  readonly category: DataCategory;
  /** Severity of one detection of this type (the object finding takes the maximum). */
  readonly severity: Severity;
  /** Human description, no data values. */
  readonly description: string;
  readonly trigger: Trigger;
  /** Case-insensitive keywords; `a b` also matches `a_b`, `a-b`, `ab`. */
  readonly keywords: readonly string[];
  /** Max distance in characters between a keyword and the match (see `distanceTo`). */
  readonly maxDistance: number;
  /**
   * `start` (managed identifiers, Macie's 30-char rule): from the keyword's end to the match start.
   * `end` (Macie custom identifiers): from the keyword's end to the match end.
   */
  readonly distanceTo?: 'start' | 'end';
  /** Drop matches with no keyword nearby (unless `noKeywordId` is set, see there). */
  readonly keywordRequired: boolean;
  /** When set, keyword-less matches are reported under this id instead of being dropped. */
  readonly noKeywordId?: string;
  /**
   * True when no match of this detector is ever reported without a keyword nearby (or in the
   * unit's context words): keywordRequired, no `noKeywordId`, no `orKeyword` relation, and no
   * candidate overriding `keywordRequired` to false. The engine then hands `scan` only the trigger
   * windows that have a keyword of the detector in reach (one keyword pass for all such detectors).
   */
  readonly keywordGated?: boolean;
  /**
   * Relation to other detections in the same scanned batch (a unit, or the cells of a row):
   * keep a match only when a match of one of `identifiers` ends at most `distance` chars before
   * it, or starts at most `after` (default `distance`) chars after it. `orKeyword`: a keyword
   * also suffices.
   */
  readonly near?: {
    readonly identifiers: readonly string[];
    readonly distance: number;
    readonly after?: number;
    readonly mode: 'required' | 'orKeyword';
  };
  /**
   * Words that cancel a match when they occur within `maxDistance` chars before it (case-insensitive,
   * same variant rules as keywords), e.g. `version` before a dotted quad.
   */
  readonly negativeKeywords?: readonly string[];
  /** Mask for findings; default keeps the last 4 alphanumerics of values >= 10 chars. */
  mask?(value: string): string;
  /**
   * Severity of a detection type given its occurrence count in an object (custom identifiers'
   * severity levels). `null` means "no finding below the lowest threshold". Default: `severity`.
   */
  severityForCount?(count: number): Severity | null;
  /**
   * `ctx.keywordNear(start, end)` (offsets into `text`) tells whether a keyword is near, so an
   * expensive validation can be skipped for candidates that would be dropped anyway.
   */
  scan(text: string, ctx?: ScanContext): Candidate[];
}

/** Given to `Detector.scan` by the engine. */
export interface ScanContext {
  /** True when a keyword of the detector is near [start, end) of the scanned text, or in the unit's context. */
  keywordNear(start: number, end: number): boolean;
  /**
   * True when the scanned text is one whole unit (a cell, a value, a short text), false when it is
   * trigger windows cut out of a unit or a batch. Undefined means unknown (treat as false).
   */
  wholeUnit?: boolean;
}

/** Text that must never be reported (Macie allow lists). Checked against the exact matched text. */
export interface AllowList {
  /** True when `matchedText` is allowed (exact entry, case-insensitive, or a full regex match). */
  allows(matchedText: string, identifierId: string): boolean;
}

/** One match in one unit, as returned by `Scanner.scanUnit`. Internal: carries the raw text. */
export interface RawMatch {
  identifier: string;
  category: DataCategory;
  /** UTF-16 offsets into `unit.text`. */
  start: number;
  end: number;
  /** The matched text. Never put it in a finding, log line or error. */
  text: string;
  /** Canonical value used for hashing. */
  normalized: string;
  confidence: Confidence;
  keywordNear: boolean;
}

// ---------------------------------------------------------------- findings (Macie-shaped)

/** Macie `Range`: lines are 1-based from the beginning of the file; startColumn 1-based. */
export interface LineRange { start: number; end: number; startColumn: number }
/** Character offsets from the beginning of the (decoded) file/part, end exclusive. */
export interface OffsetRange { start: number; end: number; startColumn?: number }
export interface PageLocation { pageNumber: number; lineRange?: LineRange; offsetRange?: OffsetRange }
export interface CellLocation { row: number; column: number; columnName: string | null; cellReference: string | null }
export interface RecordLocation { recordIndex: number; jsonPath: string }

/** What we add to each reported occurrence (never the raw value). */
export interface OccurrenceExtras {
  /** Archive / MIME path inside the object, when the match is inside a container. */
  container?: string[];
  /** Masked value, e.g. `************1111`. */
  masked: string;
  /** HMAC-SHA256(hashKey, identifierId + "\0" + normalized value), hex. */
  hash: string;
  confidence: Confidence;
}

/** Macie `Occurrences`: only the arrays relevant to where matches were found are present. */
export interface Occurrences {
  lineRanges?: Array<LineRange & OccurrenceExtras>;
  offsetRanges?: Array<OffsetRange & OccurrenceExtras>;
  pages?: Array<PageLocation & OccurrenceExtras>;
  cells?: Array<CellLocation & OccurrenceExtras>;
  records?: Array<RecordLocation & OccurrenceExtras>;
}

/** One identifier type detected in an object. */
export interface Detection {
  type: string;
  category: DataCategory;
  severity: Severity;
  /** Total number of occurrences in the object (allow-listed ones excluded). */
  count: number;
  /** Number of distinct values (by keyed hash) among all occurrences. */
  distinctCount: number;
  /** Up to 15 occurrences, in scan order. */
  occurrences: Occurrences;
}

export interface SeverityInfo { description: Severity; score: 1 | 2 | 3 }

/** The findings for one object. Empty `detections` means nothing was found. */
export interface ObjectFindings {
  /** Macie finding type, e.g. `SensitiveData:S3Object/Personal`; null when nothing was found. */
  type: string | null;
  category: FindingCategory | null;
  severity: SeverityInfo | null;
  totalCount: number;
  /** True when some detection has more occurrences than the 15 reported. */
  additionalOccurrences: boolean;
  detections: Detection[];
}
