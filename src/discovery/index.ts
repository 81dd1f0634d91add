/**
 * Sensitive-data discovery: managed data identifiers, the scanning engine and Macie-shaped findings.
 *
 * Typical use (format readers produce the TextUnits):
 *
 *   const scanner = createScanner({ detectors: managedDetectors(), hashKey });
 *   const obj = scanner.newObject();
 *   for (const unit of units) obj.add(unit, scanner.scanUnit(unit));      // large text units
 *   const batch = scanner.scanUnits(cells);                                // many small units
 *   cells.forEach((u, i) => obj.add(u, batch[i]!));
 *   const findings = obj.finish();   // ObjectFindings: counts, <= 15 locations, masked + HMAC only
 */

// ---- shared unit contract (format readers produce these)
export type { TextUnit, UnitLocation, SkipReason, SkippedPart } from './types.js';

// ---- engine contracts: what a detector / allow list is, what findings look like
/**
 * `Detector` is the one interface managed (src/discovery/detectors) and custom
 * (src/discovery/custom) identifiers implement; `AllowList` suppresses exact texts / full regex
 * matches; the other types describe raw matches and Macie-shaped object findings.
 */
export type {
  DataCategory, FindingCategory, Severity, Confidence, Trigger, Candidate, Detector, ScanContext, AllowList, RawMatch,
  LineRange, OffsetRange, PageLocation, CellLocation, RecordLocation, OccurrenceExtras, Occurrences,
  Detection, SeverityInfo, ObjectFindings,
} from './engine/model.js';

// ---- engine
/**
 * `createScanner({ detectors?, customIdentifiers?, identifiers?, allowList?, hashKey })` builds a
 * scanner; `scanner.scanUnit(unit)` returns the unit's RawMatch[] (offsets into unit.text),
 * `scanner.scanUnits(units)` the same for a batch of small units (CSV cells, JSON values: one
 * prefilter/regex pass for the batch, ~1 MB per batch is a good size), and `scanner.newObject()`
 * an ObjectScan accumulator (`add(unit, matches)`, `finish()`).
 */
export { createScanner, type Scanner, type ScannerOptions } from './engine/scanner.js';
/** Per-object accumulator; `MAX_OCCURRENCES` (15) locations are kept per identifier type. */
export { ObjectScan, MAX_OCCURRENCES, defaultMask } from './engine/object-scan.js';
/** Keyword proximity matcher with Macie's variant rules (spaces ~ `_` ~ `-` ~ nothing). */
export { createKeywordMatcher, type KeywordMatcher } from './engine/keywords.js';

// ---- managed identifiers
/** Every managed detector (priority order) and the list of managed identifier ids with metadata. */
export { managedDetectors, listManagedIdentifiers, type ManagedIdentifierInfo } from './detectors/index.js';
/** Helper to build a Detector from a global RegExp plus validator (managed identifiers use it). */
export { regexDetector, maskLast4, maskToken, DEFAULT_DISTANCE, type RegexDetectorSpec, type Verdict, type ValueContext } from './detectors/define.js';

// ---- evaluation (labeled corpus, precision / recall)
/**
 * `generateCorpus({ seed, perIdentifier, emitters })` renders labeled samples through format
 * emitters (text, CSV, JSON by default; add a `FormatEmitter` for another format) and
 * `evaluate(scanner, docs)` scores precision / recall per identifier against the bars.
 */
export { generateCorpus, generateSamples, textEmitter, csvEmitter, jsonEmitter, DEFAULT_EMITTERS, LOOK_ALIKES, type FormatEmitter, type LabeledDocument, type Label, type Sample } from './eval/corpus.js';
export { evaluate, toMarkdown, BARS, type Evaluation, type IdentifierScore } from './eval/evaluate.js';
export { valueSpecs, type ValueSpec, type EvalKind } from './eval/values.js';
export { createRng, type Rng } from './eval/rng.js';
