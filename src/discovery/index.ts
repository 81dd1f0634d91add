/**
 * Sensitive-data discovery: managed data identifiers, the scanning engine and Macie-shaped findings.
 *
 * Typical use (format readers produce the TextUnits):
 *
 *   const scanner = createScanner({ hashKey });
 *   const obj = scanner.newObject();
 *   for (const unit of units) obj.add(unit, scanner.scanUnit(unit));
 *   const findings = obj.finish();
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
  DataCategory, FindingCategory, Severity, Confidence, Trigger, Candidate, Detector, AllowList, RawMatch,
  LineRange, OffsetRange, PageLocation, CellLocation, RecordLocation, OccurrenceExtras, Occurrences,
  Detection, SeverityInfo, ObjectFindings,
} from './engine/model.js';
