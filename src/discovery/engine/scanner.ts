/**
 * The scanner: runs the selected detectors over a TextUnit and returns raw matches.
 *
 *   per unit:
 *     digit windows (once, shared by all digit-triggered detectors) -> compacted text
 *     literal / regex windows per detector (skipped entirely when no literal occurs)
 *     candidates = detector.scan(compacted)  -> mapped back to unit offsets
 *     keyword gate -> near gate -> allow lists -> overlap resolution -> selection filter
 */
import { CofferError } from '../../shared/errors.js';
import type { TextUnit } from '../types.js';
import { createKeywordMatcher, type KeywordMatcher } from './keywords.js';
import type { AllowList, Confidence, Detector, RawMatch } from './model.js';
import { ObjectScan } from './object-scan.js';
import { compact, digitWindows, literalWindows, mapBack, regexWindows, type Compacted } from './windows.js';

export interface ScannerOptions {
  /** Ids of the identifiers to report (managed or custom). Default: every detector given. */
  identifiers?: readonly string[];
  /** The managed detectors to use. Default: none (pass `managedDetectors()` from detectors/). */
  detectors?: readonly Detector[];
  /** Custom identifiers (src/discovery/custom), run in the same pipeline. */
  customIdentifiers?: readonly Detector[];
  /** Allow lists: a match whose text one of them allows is dropped. */
  allowList?: AllowList | readonly AllowList[];
  /** Key for the HMAC-SHA256 of values in findings (>= 16 bytes). */
  hashKey: Buffer;
}

export interface Scanner {
  /** The detectors that run (selected ones plus those they depend on through `near`). */
  readonly detectors: readonly Detector[];
  /** Raw matches in one unit, sorted by start. Offsets are into `unit.text`. */
  scanUnit(unit: TextUnit): RawMatch[];
  /** A fresh accumulator for one object. */
  newObject(): ObjectScan;
}

interface Prepared {
  d: Detector;
  kw: KeywordMatcher;
  neg: KeywordMatcher | null;
  order: number;
}

const RANK: Record<Confidence, number> = { Low: 0, Medium: 1, High: 2 };
const UP: Record<Confidence, Confidence> = { Low: 'Medium', Medium: 'High', High: 'High' };

export function createScanner(options: ScannerOptions): Scanner {
  if (!Buffer.isBuffer(options.hashKey) || options.hashKey.length < 16) {
    throw new CofferError('discovery.invalid_hash_key', { message: 'hashKey must be a Buffer of at least 16 bytes' });
  }
  const all = [...(options.detectors ?? []), ...(options.customIdentifiers ?? [])];
  const byId = new Map<string, Detector>();
  for (const d of all) {
    if (byId.has(d.id)) throw new CofferError('discovery.duplicate_identifier', { message: `duplicate identifier id ${d.id}` });
    byId.set(d.id, d);
    if (d.noKeywordId !== undefined) byId.set(d.noKeywordId, d);
  }
  let selected: Set<string> | null = null;
  if (options.identifiers !== undefined) {
    selected = new Set(options.identifiers);
    for (const id of selected) {
      if (!byId.has(id)) throw new CofferError('discovery.unknown_identifier', { message: `unknown identifier ${id}`, details: { id } });
    }
  }
  // Run what is selected, plus what selected detectors need nearby (CVV needs card numbers).
  const run = new Set<Detector>();
  const addWithDeps = (d: Detector): void => {
    if (run.has(d)) return;
    run.add(d);
    for (const dep of d.near?.identifiers ?? []) { const x = byId.get(dep); if (x) addWithDeps(x); }
  };
  for (const d of all) {
    if (selected === null || selected.has(d.id) || (d.noKeywordId !== undefined && selected.has(d.noKeywordId))) addWithDeps(d);
  }
  const prepared: Prepared[] = [...run].map((d) => ({
    d,
    kw: createKeywordMatcher(d.keywords, d.maxDistance, d.distanceTo ?? 'start'),
    neg: d.negativeKeywords && d.negativeKeywords.length > 0 ? createKeywordMatcher(d.negativeKeywords, d.maxDistance) : null,
    order: all.indexOf(d),
  }));
  const digitDetectors = prepared.filter((p) => p.d.trigger.kind === 'digits');
  const minDigits = digitDetectors.reduce((m, p) => Math.min(m, p.d.trigger.kind === 'digits' ? p.d.trigger.minDigits : m), 99);
  // Detectors with `near` rules are resolved after the ones they depend on.
  const plain = prepared.filter((p) => p.d.near === undefined);
  const relational = prepared.filter((p) => p.d.near !== undefined);
  const allowLists: readonly AllowList[] = options.allowList === undefined ? []
    : Array.isArray(options.allowList) ? options.allowList as readonly AllowList[] : [options.allowList as AllowList];
  const reported = (id: string): boolean => selected === null || selected.has(id);
  const order = new Map(prepared.map((p) => [p.d.id, p.order]));

  function scanUnit(unit: TextUnit): RawMatch[] {
    const text = unit.text;
    if (text.length === 0) return [];
    let digits: Compacted | null = null;
    let lower: string | null = null;
    const found: RawMatch[] = [];

    const candidatesOf = (p: Prepared, out: RawMatch[]): void => {
      const t = p.d.trigger;
      const ctxHit = p.kw.inContext(unit.contextKeywords);
      let c: Compacted;
      if (ctxHit && p.d.keywordRequired && t.kind !== 'digits') {
        // The column / path names carry the keyword: keyword-triggered detectors see the whole unit.
        c = { text, segStart: [0], origStart: [0], segLen: [text.length] };
      } else if (t.kind === 'digits') {
        digits ??= compact(text, digitWindows(text, minDigits));
        c = digits;
      } else if (t.kind === 'literal') {
        const hay = t.caseInsensitive ? (lower ??= text.toLowerCase()) : text;
        const w = literalWindows(hay, t.literals, t.before, t.after);
        if (w.length === 0) return;
        c = compact(text, w);
      } else if (t.kind === 'regex') {
        const w = regexWindows(text, t.pattern, t.before, t.after);
        if (w.length === 0) return;
        c = compact(text, w);
      } else {
        c = { text, segStart: [0], origStart: [0], segLen: [text.length] };
      }
      if (c.text.length === 0) return;
      for (const cand of p.d.scan(c.text)) {
        const span = c.text === text ? [cand.start, cand.end] as const : mapBack(c, cand.start, cand.end);
        if (span === null || span[1] <= span[0]) continue;
        const [start, end] = span;
        if (p.neg !== null && p.neg.near(text, start, end)) continue;
        const keywordNear = ctxHit || p.kw.near(text, start, end);
        let id = cand.id ?? p.d.id;
        if (!keywordNear && (cand.keywordRequired ?? p.d.keywordRequired)) {
          if (p.d.noKeywordId !== undefined) id = p.d.noKeywordId;
          else if (p.d.near?.mode !== 'orKeyword') continue;
        }
        const matched = text.slice(start, end);
        out.push({
          identifier: id,
          category: p.d.category,
          start,
          end,
          text: matched,
          normalized: cand.normalized ?? matched,
          confidence: keywordNear ? UP[cand.confidence] : cand.confidence,
          keywordNear,
        });
      }
    };

    for (const p of plain) candidatesOf(p, found);
    for (const p of relational) {
      const mine: RawMatch[] = [];
      candidatesOf(p, mine);
      const near = p.d.near!;
      for (const m of mine) {
        if (near.mode === 'orKeyword' && m.keywordNear) { found.push(m); continue; }
        const ok = found.some((o) => near.identifiers.includes(o.identifier) &&
          o.start - m.end <= near.distance && m.start - o.end <= near.distance);
        if (ok) {
          if (near.mode === 'orKeyword') m.confidence = 'High';
          found.push(m);
        }
      }
    }
    const kept = allowLists.length === 0 ? found
      : found.filter((m) => !allowLists.some((a) => a.allows(m.text, m.identifier)));
    return resolveOverlaps(kept, order).filter((m) => reported(m.identifier));
  }

  return {
    detectors: prepared.map((p) => p.d),
    scanUnit,
    newObject: () => new ObjectScan({ hashKey: options.hashKey, detectors: byId }),
  };
}

/**
 * Overlaps: for the same span keep the best match (confidence, keyword, detector order); a match
 * strictly inside another one of at least the same confidence is dropped (the digits of an IBAN
 * are not also a bank account number; the password inside a connection string is reported once).
 */
export function resolveOverlaps(matches: RawMatch[], order: ReadonlyMap<string, number>): RawMatch[] {
  if (matches.length < 2) return matches;
  const better = (a: RawMatch, b: RawMatch): boolean => {
    if (RANK[a.confidence] !== RANK[b.confidence]) return RANK[a.confidence] > RANK[b.confidence];
    if (a.keywordNear !== b.keywordNear) return a.keywordNear;
    return (order.get(a.identifier) ?? 1e9) < (order.get(b.identifier) ?? 1e9);
  };
  matches.sort((a, b) => a.start - b.start || b.end - a.end);
  const dropped = new Uint8Array(matches.length);
  for (let i = 0; i < matches.length; i++) {
    if (dropped[i]) continue;
    const a = matches[i]!;
    for (let j = i + 1; j < matches.length && matches[j]!.start < a.end; j++) {
      if (dropped[j]) continue;
      const b = matches[j]!;
      if (a.start === b.start && a.end === b.end) {
        if (a.identifier === b.identifier || better(a, b)) dropped[j] = 1; else { dropped[i] = 1; break; }
      } else if (b.end <= a.end) {
        // b inside a
        if (RANK[a.confidence] >= RANK[b.confidence] || a.identifier === b.identifier) dropped[j] = 1;
      }
    }
  }
  return matches.filter((_, i) => !dropped[i]);
}
