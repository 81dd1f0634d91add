/**
 * `regexDetector`: builds a managed `Detector` from a global RegExp plus a validator. The regex
 * finds the candidate shape (use lookarounds for boundaries so the whole match is the value); the
 * validator checks checksums/ranges and returns the confidence, or null to drop the candidate.
 */
import type { Candidate, Confidence, DataCategory, Detector, ScanContext, Severity, Trigger } from '../engine/model.js';

export interface Verdict {
  confidence: Confidence;
  normalized?: string;
  /** Report under another id (e.g. a variant of this identifier). */
  id?: string;
  /** Overrides the detector's keywordRequired for this value. */
  keywordRequired?: boolean;
  /** Keep only the first `trimTo` characters of the match (e.g. an IBAN followed by more digits). */
  trimTo?: number;
}

/** Where the value sits: the scanned text (a window or a unit) and the match index in it. */
export interface ValueContext {
  text: string;
  index: number;
  /** Whether a keyword of the detector is near this value (call before expensive checks). */
  keywordNear(): boolean;
}

export interface RegexDetectorSpec {
  id: string;
  category: DataCategory;
  severity: Severity;
  description: string;
  trigger: Trigger;
  /** Global regex (flag g). Its whole match is the value. */
  pattern: RegExp;
  keywords?: readonly string[];
  maxDistance?: number;
  keywordRequired: boolean;
  noKeywordId?: string;
  near?: Detector['near'];
  negativeKeywords?: readonly string[];
  /**
   * Some values stand alone: the validator may return `keywordRequired: false` (e.g. a formatted
   * SSN). Without it a keyword-required detector is keyword-gated (see Detector.keywordGated) and
   * such an override is ignored, so the engine may skip text with no keyword in reach.
   */
  valuesMayStandAlone?: boolean;
  /**
   * A match spanning the whole scanned text (a `^…$` alternative meant for a cell or value that is
   * the secret) counts only when that text is a whole unit, not a trigger window cut out of one.
   */
  fullMatchNeedsWholeUnit?: boolean;
  /**
   * A hand-written matcher with exactly the pattern's matches (`emit(start, end)` in order), used
   * instead of running the pattern when the regex engine is slow on it; the pattern stays the
   * reference definition (tests compare the two).
   */
  locate?: (text: string, emit: (start: number, end: number) => void) => void;
  /** Validator; default: every match is a candidate with `confidence`. */
  validate?: (value: string, ctx: ValueContext) => Verdict | null;
  /** Confidence when no validator is given. */
  confidence?: Confidence;
  mask?: (value: string) => string;
}

/** Macie's default keyword distance for managed identifiers. */
export const DEFAULT_DISTANCE = 30;

export function regexDetector(spec: RegexDetectorSpec): Detector {
  if (!spec.pattern.global) throw new Error(`pattern of ${spec.id} must have the g flag`);
  const pattern = spec.pattern;
  const validate = spec.validate;
  const base = spec.confidence ?? 'Medium';
  const fullNeedsUnit = spec.fullMatchNeedsWholeUnit === true;
  const locate = spec.locate;
  const gated = spec.keywordRequired && spec.noKeywordId === undefined && spec.near?.mode !== 'orKeyword' && spec.valuesMayStandAlone !== true;
  const d: Detector = {
    id: spec.id,
    category: spec.category,
    severity: spec.severity,
    description: spec.description,
    trigger: spec.trigger,
    keywords: spec.keywords ?? [],
    maxDistance: spec.maxDistance ?? DEFAULT_DISTANCE,
    keywordRequired: spec.keywordRequired,
    scan(text: string, ctx?: ScanContext): Candidate[] {
      const out: Candidate[] = [];
      // One context object per scan (not per match): validators read text/index/length from it.
      let at = 0;
      let len0 = 0;
      const vctx: ValueContext = {
        text,
        index: 0,
        keywordNear: () => ctx?.keywordNear(at, at + len0) ?? false,
      };
      /** One match of the pattern at `index`: validated, then a candidate. */
      const consider = (index: number, value: string): void => {
        if (validate === undefined) { out.push({ start: index, end: index + value.length, confidence: base }); return; }
        at = index;
        len0 = value.length;
        vctx.index = at;
        const v = validate(value, vctx);
        if (v === null) return;
        const len = v.trimTo !== undefined && v.trimTo < value.length ? v.trimTo : value.length;
        const c: Candidate = { start: index, end: index + len, confidence: v.confidence };
        if (v.normalized !== undefined) c.normalized = v.normalized;
        if (v.id !== undefined) c.id = v.id;
        if (v.keywordRequired !== undefined && !(gated && !v.keywordRequired)) c.keywordRequired = v.keywordRequired;
        out.push(c);
      };
      if (locate !== undefined) {
        locate(text, (start, end) => { consider(start, text.slice(start, end)); });
        return out;
      }
      pattern.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = pattern.exec(text)) !== null) {
        const value = m[0];
        if (value.length === 0) { pattern.lastIndex++; continue; }
        // Not a whole unit: look for the other alternatives' matches from the next char on.
        if (fullNeedsUnit && value.length === text.length && ctx?.wholeUnit !== true) { pattern.lastIndex = m.index + 1; continue; }
        consider(m.index, value);
      }
      return out;
    },
  };
  return Object.freeze({
    ...d,
    ...(gated ? { keywordGated: true } : {}),
    ...(spec.noKeywordId !== undefined ? { noKeywordId: spec.noKeywordId } : {}),
    ...(spec.near !== undefined ? { near: spec.near } : {}),
    ...(spec.mask !== undefined ? { mask: spec.mask } : {}),
    ...(spec.negativeKeywords !== undefined ? { negativeKeywords: spec.negativeKeywords } : {}),
  });
}

/** Mask keeping the last four characters (cards, accounts, national ids). */
export const maskLast4 = (v: string): string => v.replace(/[\p{L}\p{N}](?=(?:[^\p{L}\p{N}]*[\p{L}\p{N}]){4})/gu, '*');

/** Mask keeping a token's public prefix (up to the first `_`/`-`, max 8 chars) and the last four characters. */
export const maskToken = (v: string): string => {
  if (v.length <= 12) return '*'.repeat(v.length);
  const p = /^[A-Za-z]{2,8}[_-]/.exec(v)?.[0] ?? v.slice(0, 4);
  return `${p}${'*'.repeat(Math.min(24, v.length - p.length - 4))}${v.slice(-4)}`;
};
