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
import { createKeywordGate, createKeywordMatcher, type KeywordMatcher } from './keywords.js';
import type { AllowList, Confidence, Detector, RawMatch } from './model.js';
import { ObjectScan } from './object-scan.js';
import { resolveOverlaps } from './overlaps.js';
import { findRuns, MAX_WINDOW_REACH, runSpans, type RunTable, type RunWindowOptions } from './runs.js';
import { caseVariants, literalSpans, mapBack, materialize, mergeSortedPairs, mergeSpans, planLiterals, regexSpans, type Compacted, type LiteralPlan, type Spans } from './windows.js';

/** Joins units in a batch; no detector pattern matches across it (newline + NUL). */
const UNIT_SEP = '\n\u0000\n';
/** Negative keywords cancel a match only when they are this close ("version 1.2.3.4"). */
const NEGATIVE_DISTANCE = 15;

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
  /**
   * The same for many small units at once (CSV cells, JSON values): one prefilter and regex pass
   * over the batch, results per unit. Much faster than scanUnit per cell; keep batches to ~1 MB.
   * Units without matches get a shared, frozen empty array: do not mutate results in place.
   */
  scanUnits(units: readonly TextUnit[]): RawMatch[][];
  /** A fresh accumulator for one object. */
  newObject(): ObjectScan;
}

/** Detectors whose digit triggers are equal share one compacted text per batch. */
const acceptIds = new WeakMap<object, number>();
let nextAcceptId = 1;
const digitKey = (t: Extract<Detector['trigger'], { kind: 'digits' }>): string => {
  let a = 0;
  if (t.accept) {
    a = acceptIds.get(t.accept) ?? nextAcceptId++;
    acceptIds.set(t.accept, a);
  }
  return `${triggerDigits(t)}|${t.before ?? ''}|${t.after ?? ''}|${t.minToken ?? 0}|${a}`;
};

/**
 * Detectors share compacted texts by digit tier: a detector needing 10 digits scans the windows
 * of runs with 9 or more (a superset), so there are few distinct compactions per batch. (Finer
 * tiers were measured: less regex work on prose, more copying on CSV and JSON, slower overall.)
 */
const TIERS = [1, 4, 7, 9, 12] as const;
const tierOf = (n: number): number => TIERS.reduce<number>((t, x) => (x <= n ? x : t), 1);
/**
 * The digit count a trigger's runs are filtered on: its tier, or its own count when it has an
 * accept filter or a token size (it has its own spans then anyway, and runs with more digits are
 * fewer, so accept is called less often).
 */
const triggerDigits = (t: Extract<Detector['trigger'], { kind: 'digits' }>): number =>
  (t.accept !== undefined || (t.minToken ?? 0) > 0 ? t.minDigits : tierOf(t.minDigits));

/** The context-unit set of a detector no unit of the batch has context words for. */
const NO_UNITS: ReadonlySet<number> = new Set<number>();
const NO_MATCHES: RawMatch[] = Object.freeze([]) as unknown as RawMatch[];

const whole = (text: string): Compacted => ({ text, segStart: [0], origStart: [0], segLen: [text.length] });

/** A match plus its unit index and offsets in the batch text. */
type Internal = RawMatch & { unit: number; aStart: number; aEnd: number };

interface Prepared {
  index: number;
  d: Detector;
  /** Literals to search (case variants expanded). */
  literals: readonly string[];
  /** The literals grouped by search anchor. */
  plan: LiteralPlan;
  /** Cache key of the digit-trigger compaction shared by detectors with the same trigger. */
  digitKey: string;
  /** The digit trigger's options for runSpans (its digit count resolved), built once. */
  runOpts: RunWindowOptions | null;
  /** Cache key of the literal-trigger spans shared by detectors with the same literals, or null (accept filter). */
  literalKey: string | null;
  kw: KeywordMatcher;
  neg: KeywordMatcher | null;
  order: number;
  /** Index of the detector's keyword list in the keyword gate, or -1 when it has no keywords. */
  gate: number;
  /** Keyword-gated (Detector.keywordGated): windows with no keyword in reach are not scanned. */
  gated: boolean;
  /** How far before a window a keyword may end and still be near a match in it. */
  reach: number;
}

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
  const contextHits = new Map<string, number[]>();
  const prepared: Prepared[] = [...run].map((d, index) => ({
    index,
    d,
    literals: d.trigger.kind === 'literal' ? (d.trigger.caseInsensitive ? caseVariants(d.trigger.literals) : d.trigger.literals) : [],
    plan: [],
    digitKey: d.trigger.kind === 'digits' ? digitKey(d.trigger) : '',
    runOpts: d.trigger.kind === 'digits' ? { ...d.trigger, minDigits: triggerDigits(d.trigger) } : null,
    literalKey: null,
    kw: createKeywordMatcher(d.keywords, d.maxDistance, d.distanceTo ?? 'start'),
    neg: d.negativeKeywords && d.negativeKeywords.length > 0 ? createKeywordMatcher(d.negativeKeywords, Math.min(NEGATIVE_DISTANCE, d.maxDistance)) : null,
    order: all.indexOf(d),
    gate: -1,
    gated: false,
    reach: d.maxDistance,
  }));
  for (const p of prepared) {
    p.plan = planLiterals(p.literals);
    const t = p.d.trigger;
    if (t.kind === 'literal' && t.accept === undefined) p.literalKey = `${t.before}|${t.after}|${p.literals.join('\u0000')}`;
  }
  // Every keyword list is in one keyword pass per batch (see KeywordGate). Keyword-gated detectors
  // use it to skip windows; when the pass covers the whole text (dense batches of cells), the
  // others use it to skip the exact keyword check (a regex over the text before the match) for
  // candidates with no keyword of theirs in reach.
  const gateLists: Array<readonly string[]> = [];
  for (const p of prepared) {
    if (p.d.keywords.length === 0) continue;
    p.gate = gateLists.length;
    gateLists.push(p.d.keywords);
    p.gated = p.d.keywordGated === true;
  }
  const keywordGate = gateLists.length > 0 ? createKeywordGate(gateLists) : null;
  // Detectors with `near` rules are resolved after the ones they depend on.
  const plain = prepared.filter((p) => p.d.near === undefined);
  const relational = prepared.filter((p) => p.d.near !== undefined);
  const digitOrder = plain.filter((p) => p.d.trigger.kind === 'digits').sort((a, b) => {
    const ta = a.d.trigger as Extract<Detector['trigger'], { kind: 'digits' }>;
    const tb = b.d.trigger as Extract<Detector['trigger'], { kind: 'digits' }>;
    return triggerDigits(ta) - triggerDigits(tb) || (ta.minToken ?? 0) - (tb.minToken ?? 0);
  });
  const allowLists: readonly AllowList[] = options.allowList === undefined ? []
    : Array.isArray(options.allowList) ? options.allowList as readonly AllowList[] : [options.allowList as AllowList];
  const reported = (id: string): boolean => selected === null || selected.has(id);
  const order = new Map<string, number>();
  for (const p of prepared) {
    order.set(p.d.id, p.order);
    if (p.d.noKeywordId !== undefined) order.set(p.d.noKeywordId, p.order);
  }

  /**
   * Scans several units at once: their texts are joined with UNIT_SEP so that the prefilter and
   * every detector regex run once over the batch instead of once per (small) unit. Candidates are
   * mapped back to their unit; those crossing a unit boundary are dropped, and keyword windows
   * never look into a neighbouring unit.
   */
  function scanUnits(units: readonly TextUnit[]): RawMatch[][] {
    // Units without matches share one frozen empty array (most cells of a table).
    const results: RawMatch[][] = new Array<RawMatch[]>(units.length).fill(NO_MATCHES);
    if (units.length === 0) return results;
    const unitStart: number[] = [];
    let text: string;
    if (units.length === 1) {
      text = units[0]!.text;
      unitStart.push(0);
    } else {
      let pos = 0;
      for (const u of units) { unitStart.push(pos); pos += u.text.length + UNIT_SEP.length; }
      text = units.map((u) => u.text).join(UNIT_SEP);
    }
    if (text.length === 0) return results;
    const unitOf = (offset: number): number => {
      let lo = 0;
      let hi = unitStart.length - 1;
      while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (unitStart[mid]! <= offset) lo = mid; else hi = mid - 1; }
      return lo;
    };
    // Units whose context words (column / path names) carry a keyword, per detector. Context
    // word lists repeat (every cell of a column), so the answer is cached per distinct list.
    // Created on first use: most batches have no context words for most detectors.
    const ctxUnits: Array<Set<number> | undefined> = new Array<Set<number> | undefined>(prepared.length);
    for (let i = 0; i < units.length; i++) {
      const words = units[i]!.contextKeywords;
      if (words === undefined || words.length === 0) continue;
      const key = words.length === 1 ? words[0]! : words.join('\u0001');
      let hits = contextHits.get(key);
      if (hits === undefined) {
        hits = [];
        for (const p of prepared) if (p.kw.inContext(words)) hits.push(p.index);
        if (contextHits.size >= 10_000) contextHits.clear();
        contextHits.set(key, hits);
      }
      for (const h of hits) (ctxUnits[h] ??= new Set<number>()).add(i);
    }
    let runs: RunTable | null = null;
    /** Whether a keyword of gated detector `p` ends in reach of [s, e) (`hits`), or a unit there has it in context. */
    /**
     * A `keep` filter for materialize: whether a keyword of gated detector `p` ends in reach of
     * [s, e) (`hits`), or a unit there has it in context. Spans come in order, so the first hit
     * not before the reach is followed with a pointer instead of searched for each span.
     */
    const inReach = (p: Prepared, ctx: ReadonlySet<number>, hits: Int32Array): ((s: number, e: number) => boolean) => {
      let lo = 0;
      return (s, e) => {
        if (ctx.size > 0) {
          const last = unitOf(Math.max(s, e - 1));
          for (let ui = unitOf(s); ui <= last; ui++) if (ctx.has(ui)) return true;
        }
        const from = s - p.reach;
        while (lo < hits.length && hits[lo]! < from) lo++;
        return lo < hits.length && hits[lo]! <= e;
      };
    };
    // Trigger spans, shared by detectors with equal digit triggers; null = the whole text.
    const digitSpans = new Map<string, Spans>();
    const compacted = new Map<Spans, Compacted>();
    const literalCache = new Map<string, Spans>();
    const spansOf = (p: Prepared): Spans | null => {
      const t = p.d.trigger;
      if (t.kind === 'digits') {
        let sp = digitSpans.get(p.digitKey);
        if (sp === undefined) {
          runs ??= findRuns(text);
          sp = runSpans(text, runs, p.runOpts!);
          digitSpans.set(p.digitKey, sp);
        }
        return sp;
      }
      let sp: Spans | null;
      if (t.kind === 'literal') {
        // Detectors with the same literal trigger (the PEM key types) share one search.
        const key = p.literalKey;
        sp = key !== null ? literalCache.get(key) ?? null : null;
        if (sp === null) {
          sp = literalSpans(text, p.plan, t.before, t.after, t.accept);
          if (key !== null) literalCache.set(key, sp);
        }
      } else sp = t.kind === 'regex' ? regexSpans(text, t.pattern, t.before, t.after) : null;
      return sp !== null && sp.length === 2 && sp[0] === 0 && sp[1] === text.length ? null : sp;
    };
    /**
     * Keyword gate hits for the gated detectors among `ps`: the gate walks only the stretches where
     * a keyword could end in reach of one of their spans (keyword start >= span start - reach -
     * longest keyword span, and before the span's end), so text far from any trigger is never read.
     */
    const gateFor = (ps: ReadonlyArray<{ p: Prepared; sp: Spans | null }>): GateResult | null => {
      if (keywordGate === null) return null;
      const reachOf = new Map<Spans | null, number>();
      for (const { p, sp } of ps) if (p.gated && (sp === null || sp.length > 0)) reachOf.set(sp, Math.max(reachOf.get(sp) ?? 0, p.reach));
      if (reachOf.size === 0) return null;
      if (reachOf.has(null)) return { hits: keywordGate.scan(text), full: true };
      // Dense spans (CSV cells, JSON values: ids and dates in most units) cost more as regions,
      // each with its own bookkeeping (~100 ns a span), than one walk over the whole text
      // (~5 ns a char): measured break-even is about one span per 64 chars.
      let spanCount = 0;
      for (const sp of reachOf.keys()) spanCount += sp!.length >> 1;
      if (spanCount * 64 > text.length) return { hits: keywordGate.scan(text), full: true };
      // A keyword only counts inside the candidate's own unit (keywordNear's lower bound), so a
      // region never reaches back past the start of the unit its span starts in: in a batch of
      // CSV cells the gate then reads the cells, not the ~70 chars before each of them. Spans
      // are sorted, so the unit is followed with a pointer, not searched.
      let groups: number[][] = [];
      for (const [sp, reach] of reachOf) {
        const back = reach + keywordGate.maxSpan;
        const own: number[] = [];
        let ui = 0;
        for (let i = 0; i < sp!.length; i += 2) {
          const st = sp![i]!;
          while (ui + 1 < unitStart.length && unitStart[ui + 1]! <= st) ui++;
          own.push(Math.max(st - back, unitStart[ui]!), sp![i + 1]!);
        }
        groups.push(own);
      }
      // Each group is sorted: merge them pairwise (log of the group count passes), no sort.
      while (groups.length > 1) {
        const next: number[][] = [];
        for (let i = 0; i < groups.length; i += 2) next.push(i + 1 < groups.length ? mergeSortedPairs(groups[i]!, groups[i + 1]!) : groups[i]!);
        groups = next;
      }
      const regions = mergeSpans(groups[0]!, text.length);
      return { hits: keywordGate.scan(text, regions), full: false };
    };
    const found: Array<Internal> = [];

    const candidatesOf = (p: Prepared, sp: Spans | null, gate: GateResult | null, out: Array<Internal>): void => {
      const ctx = ctxUnits[p.index] ?? NO_UNITS;
      // Keyword ends of this detector's list where the gate walked: the reach of every window of
      // a gated detector, or the whole text. No hit in reach then means no keyword near.
      const hits = p.gate >= 0 && gate !== null && (p.gated || gate.full) ? gate.hits[p.gate]! : null;
      // A gated detector with none of its keywords in reach (and none in context) has nothing to do.
      if (p.gated && hits !== null && hits.length === 0 && ctx.size === 0) return;
      // `unit`: the pass scans one whole unit (ScanContext.wholeUnit).
      const passes: Array<{ c: Compacted; base: number; unit: boolean }> = [];
      if (sp === null) {
        passes.push({ c: whole(text), base: 0, unit: units.length === 1 });
      } else if (sp.length > 0) {
        let c: Compacted;
        if (p.gated && hits !== null) c = materialize(text, sp, inReach(p, ctx, hits));
        else {
          // Detectors sharing a trigger share its spans, and so one compacted text (the three
          // PEM detectors copy up to 16 KiB after each "-----BEGIN" once, not three times).
          c = compacted.get(sp) ?? materialize(text, sp);
          compacted.set(sp, c);
        }
        if (c.text.length > 0) passes.push({ c, base: 0, unit: units.length === 1 && c.text === text });
      }
      // A unit whose column / path names carry a keyword is also scanned on its own, so a
      // pattern can match "the whole cell is the value" (^…$) and needs no trigger literal.
      if (p.d.trigger.kind !== 'digits' && p.d.keywordRequired) for (const i of ctx) passes.push({ c: whole(units[i]!.text), base: unitStart[i]!, unit: true });
      const seen = new Set<number>();
      for (const { c, base, unit } of passes) {
        if (c.text.length === 0) continue;
        const single = c.segStart.length === 1 && c.segStart[0] === 0 && c.segLen[0] === c.text.length;
        const shift = single ? c.origStart[0]! + base : 0;
        // Maps [s, e) of the compacted text into the batch text, into mapS / mapE (no tuple per candidate).
        let mapS = 0;
        let mapE = 0;
        const toUnit = (s: number, e: number): boolean => {
          if (single) { mapS = s + shift; mapE = e + shift; return true; }
          const span = mapBack(c, s, e);
          if (span === null) return false;
          mapS = span[0];
          mapE = span[1];
          return true;
        };
        const scanCtx = {
          wholeUnit: unit,
          keywordNear: (s: number, e: number): boolean => {
            if (!toUnit(s, e)) return false;
            const ui = unitOf(mapS);
            return ctx.has(ui) || keywordBefore(p, hits, text, mapS, mapE, unitStart[ui]!);
          },
        };
        for (const cand of p.d.scan(c.text, scanCtx)) {
          if (!toUnit(cand.start, cand.end) || mapE <= mapS) continue;
          const start = mapS;
          const end = mapE;
          const key = start * 65536 + (end - start);
          if (seen.has(key)) continue;
          seen.add(key);
          const ui = unitOf(start);
          const us = unitStart[ui]!;
          if (end > us + units[ui]!.text.length) continue;
          if (p.neg !== null && p.neg.near(text, start, end, us)) continue;
          const keywordNear = ctx.has(ui) || keywordBefore(p, hits, text, start, end, us);
          let id = cand.id ?? p.d.id;
          if (!keywordNear && (cand.keywordRequired ?? p.d.keywordRequired)) {
            // An explicit per-candidate requirement is strict; the detector-level one may fall
            // back to the no-keyword variant or to a `near` relation.
            if (p.d.noKeywordId !== undefined && cand.keywordRequired !== true) id = p.d.noKeywordId;
            else if (p.d.near?.mode !== 'orKeyword') continue;
          }
          const matched = text.slice(start, end);
          out.push({
            identifier: id,
            category: p.d.category,
            start: start - us,
            end: end - us,
            text: matched,
            normalized: cand.normalized ?? matched,
            confidence: keywordNear ? UP[cand.confidence] : cand.confidence,
            keywordNear,
            unit: ui,
            aStart: start,
            aEnd: end,
          });
        }
      }
    };

    // Digit triggers in ascending (digits, token size) order first: each run list is then
    // filtered from the next smaller one (runs.ts), not from all runs again.
    for (const p of digitOrder) spansOf(p);
    const plainSpans = plain.map((p) => ({ p, sp: spansOf(p) }));
    const gateHits = gateFor(plainSpans);
    for (const { p, sp } of plainSpans) candidatesOf(p, sp, gateHits, found);
    for (const p of relational) {
      const near = p.d.near!;
      // Nothing to be near: skip the detector (CVV and expiry cost nothing without a card).
      if (near.mode === 'required' && !found.some((o) => near.identifiers.includes(o.identifier))) continue;
      const mine: Array<Internal> = [];
      let sp: Spans | null;
      if (near.mode === 'required' && p.d.trigger.kind === 'digits') {
        // Only runs near a match of `identifiers` can open a window that nearSpans keeps: the
        // rest of the text (most of it) is neither widened nor filtered.
        const t = p.d.trigger;
        const reach = Math.max(MAX_WINDOW_REACH, t.before ?? 0, t.after ?? 0);
        const ranges: number[] = [];
        for (const o of found) {
          if (near.identifiers.includes(o.identifier)) ranges.push(o.aStart - (near.after ?? near.distance) - reach, o.aEnd + near.distance + reach);
        }
        runs ??= findRuns(text);
        sp = runSpans(text, runs, { ...t, minDigits: triggerDigits(t), within: mergeSpans(ranges, text.length) });
      } else sp = spansOf(p);
      // A required relation keeps only matches near one of those found: windows too far from all
      // of them cannot hold one, so they are neither keyword-gated nor scanned.
      if (near.mode === 'required' && sp !== null) sp = nearSpans(sp, found, near.identifiers, near.after ?? near.distance, near.distance);
      candidatesOf(p, sp, gateFor([{ p, sp }]), mine);
      for (const m of mine) {
        if (near.mode === 'orKeyword' && m.keywordNear) { found.push(m); continue; }
        // Distances are measured in the batch, so a card in the previous CSV cell of the row counts.
        const ok = found.some((o) => near.identifiers.includes(o.identifier) &&
          o.aStart - m.aEnd <= (near.after ?? near.distance) && m.aStart - o.aEnd <= near.distance);
        if (ok) {
          if (near.mode === 'orKeyword') m.confidence = 'High';
          found.push(m);
        }
      }
    }
    for (const m of found) {
      if (allowLists.length > 0 && allowLists.some((a) => a.allows(m.text, m.identifier))) continue;
      // A plain literal of RawMatch's shape (an object rest copy is several times slower).
      const raw: RawMatch = {
        identifier: m.identifier, category: m.category, start: m.start, end: m.end, text: m.text,
        normalized: m.normalized, confidence: m.confidence, keywordNear: m.keywordNear,
      };
      if (results[m.unit] === NO_MATCHES) results[m.unit] = [];
      results[m.unit]!.push(raw);
    }
    for (let i = 0; i < results.length; i++) {
      const r = results[i]!;
      if (r.length > 0) results[i] = resolveOverlaps(r, order).filter((m) => reported(m.identifier));
    }
    return results;
  }

  return {
    detectors: prepared.map((p) => p.d),
    scanUnit: (unit) => scanUnits([unit])[0]!,
    scanUnits,
    newObject: () => new ObjectScan({ hashKey: options.hashKey, detectors: byId }),
  };
}

/** Keyword ends per gate list, and whether the gate walked the whole text (else only the reach of gated windows). */
interface GateResult { hits: Int32Array[]; full: boolean }

/**
 * `p.kw.near(text, start, end, lowerBound)`, answered without its regex when the keyword gate's
 * hits (`hits`, a superset of the keyword ends near() accepts, covering this candidate) hold no
 * keyword end in [anchor - maxDistance, start].
 */
function keywordBefore(p: Prepared, hits: Int32Array | null, text: string, start: number, end: number, lowerBound: number): boolean {
  if (hits !== null) {
    const from = (p.d.distanceTo === 'end' ? end : start) - p.d.maxDistance;
    let lo = 0;
    let hi = hits.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (hits[mid]! < from) lo = mid + 1; else hi = mid; }
    if (lo >= hits.length || hits[lo]! > start) return false;
  }
  return p.kw.near(text, start, end, lowerBound);
}

/**
 * The spans [s, e) that can hold a match m (s <= m.aStart, m.aEnd <= e) with, for some found match
 * o of `ids`, o.aStart - m.aEnd <= after and m.aStart - o.aEnd <= distance.
 */
function nearSpans(sp: Spans, found: ReadonlyArray<{ identifier: string; aStart: number; aEnd: number }>, ids: readonly string[], after: number, distance: number): Spans {
  const anchors = found.filter((o) => ids.includes(o.identifier));
  const out: Spans = [];
  for (let i = 0; i < sp.length; i += 2) {
    const s = sp[i]!;
    const e = sp[i + 1]!;
    if (anchors.some((o) => s <= o.aEnd + distance && e >= o.aStart - after)) out.push(s, e);
  }
  return out;
}
