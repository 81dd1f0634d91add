/**
 * Fast building blocks of the JSON readers: JSON paths built one segment at a time and context-
 * keyword arrays shared by every value under the same object keys, and a walker over JSON.parse
 * results that turns scalars into units.
 *
 * Output is exactly what `recordUnit(text, recordIndex, segments)` and `scalars()` of
 * json-path.ts give (same jsonPath strings, same keywords, same order), without formatting the
 * whole path (a regex per key) and filtering the keys again for every value.
 */
import { skipped, type ReadContext } from './context.js';
import type { ReadEvent, ScanUnit } from './types.js';

const IDENT = /^[A-Za-z_$][\w$]*$/;
/** Macie truncates paths longer than 250 chars, dropping elements from the start (as formatJsonPath). */
const MAX_PATH = 250;
/** Bounds of the caches (distinct keys / key paths); past them, segments and arrays are made per use. */
const MAX_SEGMENTS = 8192;
const MAX_KEY_NODES = 16384;
/** Deepest path `scalars()` descends into (a container at a longer path is not walked). */
export const MAX_WALK_DEPTH = 64;

/**
 * The object keys on a path, as one shared read-only array per distinct key path (array indexes
 * do not change it). Units under the same keys share the array: the engine only reads it.
 */
export class KeyNode {
  private children: Map<string, KeyNode> | undefined;
  /** The child asked for last, and the one asked for after it last time (records repeat their keys in order). */
  private lastChild: KeyNode | undefined;
  private nextSibling: KeyNode | undefined;

  /** `segment`: how the last key is written in a path (`.key` / `['odd key']`; '' for the root). */
  constructor(readonly key: string, readonly keys: string[], readonly segment: string, private readonly names: PathNames) {}

  child(key: string): KeyNode {
    // a string comparison instead of hashing the key: the sibling after the last one is usually the same
    const last = this.lastChild;
    const guess = last?.nextSibling;
    if (guess !== undefined && guess.key === key) { this.lastChild = guess; return guess; }
    const c = this.lookup(key);
    if (last !== undefined) last.nextSibling = c;
    this.lastChild = c;
    return c;
  }

  private lookup(key: string): KeyNode {
    let c = this.children?.get(key);
    if (c !== undefined) return c;
    const own = ownCopy(key);
    c = new KeyNode(own, [...this.keys, own], this.names.segment(own), this.names);
    if (this.names.nodes < MAX_KEY_NODES) {
      this.names.nodes++;
      (this.children ??= new Map()).set(key, c);
    }
    return c;
  }
}

/** Path segment strings and key arrays of one reader (caches bounded by MAX_SEGMENTS / MAX_KEY_NODES). */
export class PathNames {
  nodes = 0;
  readonly root: KeyNode = new KeyNode('', [], '', this);
  private readonly segments = new Map<string, string>();

  /** `.key` or `['odd key']`, as formatJsonPath writes an object key. */
  segment(key: string): string {
    let s = this.segments.get(key);
    if (s !== undefined) return s;
    s = IDENT.test(key) ? `.${key}` : `['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
    if (this.segments.size < MAX_SEGMENTS) this.segments.set(ownCopy(key), ownCopy(s));
    return s;
  }
}

/**
 * A copy of `s` that holds no reference to a larger string. Keys read by the streamed reader are
 * slices of a whole 32 KiB write; a cached one would keep that write alive for the whole scan.
 * (V8 slices strings of 13 chars or more instead of copying them; join builds a fresh string.)
 */
function ownCopy(s: string): string {
  return s.length < 13 ? s : [...s].join('');
}

/** `text.trim() !== ''`, with printable ASCII first decided without trimming. */
export function notBlank(text: string): boolean {
  const c = text.charCodeAt(0);
  return (c > 0x20 && c < 0x7f) || text.trim() !== '';
}

/** The jsonPath of a full path string ('$' + segments), truncated as formatJsonPath does. */
export function finishPath(path: string): string {
  return path.length > MAX_PATH ? `…${path.slice(path.length - MAX_PATH + 1)}` : path;
}

/** A record unit in one of two fixed shapes (with / without keywords), as recordUnit builds it. */
export function jsonUnit(text: string, recordIndex: number, path: string, keys: string[], container: string[]): ScanUnit {
  const location = { kind: 'record' as const, recordIndex, jsonPath: finishPath(path) };
  return keys.length > 0
    ? { text, location, container, ownStart: 0, ownEnd: text.length, contextKeywords: keys }
    : { text, location, container, ownStart: 0, ownEnd: text.length };
}

/**
 * True when a JSON.parse result must take the exact slow path: a number that is an integer but
 * not a safe one (its digits would be lost), or a container deeper than the walk goes (whose
 * numbers the exactness check still looks at). Never recurses more than MAX_WALK_DEPTH + 1 deep.
 */
export function needsSlowPath(v: unknown, depth = 0): boolean {
  if (typeof v === 'number') return Number.isInteger(v) && !Number.isSafeInteger(v);
  if (v === null || typeof v !== 'object') return false;
  if (depth > MAX_WALK_DEPTH) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (needsSlowPath(v[i], depth + 1)) return true;
    return false;
  }
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (needsSlowPath(o[k], depth + 1)) return true;
  return false;
}

/**
 * Pushes one event per scalar of a JSON.parse result (that passed `needsSlowPath`), depth first:
 * a unit, or SIZE_LIMIT_EXCEEDED for a value longer than maxValueChars. Same order, texts and
 * paths as `scalars()` + `recordUnit()`.
 */
export class ParsedWalker {
  /** Set by the walk on an unsafe integer or a container deeper than MAX_WALK_DEPTH. */
  private slow = false;

  constructor(
    private readonly ctx: ReadContext,
    private readonly names: PathNames,
    private readonly out: ReadEvent[],
  ) {}

  /**
   * Walks a value whole; false (and no events added) when it needs the exact slow path: an
   * unsafe integer, or a container deeper than the walk goes (see needsSlowPath).
   */
  walk(v: unknown, recordIndex: number): boolean {
    const mark = this.out.length;
    this.slow = false;
    this.value(v, recordIndex, 0, '$', this.names.root);
    if (!this.slow) return true;
    this.out.length = mark;
    return false;
  }

  /**
   * The walk of a value that passed needsSlowPath, pausing after each element of the top two
   * levels, so a caller can hand on the events of a large document as it goes (few then live
   * long enough to be promoted by the GC).
   */
  *steps(v: unknown, recordIndex: number, depth = 0, path = '$', node: KeyNode = this.names.root): Generator<void> {
    if (depth >= 2 || v === null || typeof v !== 'object') { this.value(v, recordIndex, depth, path, node); return; }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) { yield* this.steps(v[i], recordIndex, depth + 1, `${path}[${i}]`, node); yield; }
      return;
    }
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const c = node.child(k);
      yield* this.steps(o[k], recordIndex, depth + 1, path + c.segment, c);
      yield;
    }
  }

  private value(v: unknown, recordIndex: number, depth: number, path: string, node: KeyNode): void {
    if (typeof v === 'string') {
      if (notBlank(v)) this.emit(v, recordIndex, path, node);
      return;
    }
    if (typeof v === 'number') {
      if (Number.isInteger(v) && !Number.isSafeInteger(v)) this.slow = true;
      else if (Number.isFinite(v)) this.emit(String(v), recordIndex, path, node);
      return;
    }
    if (v === null || typeof v !== 'object' || this.slow) return;
    if (depth > MAX_WALK_DEPTH) { this.slow = true; return; }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) this.value(v[i], recordIndex, depth + 1, `${path}[${i}]`, node);
      return;
    }
    // Object.keys: the own keys in for-in order (JSON.parse objects inherit no enumerable keys)
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const c = node.child(k);
      this.value(o[k], recordIndex, depth + 1, path + c.segment, c);
    }
  }

  private emit(text: string, recordIndex: number, path: string, node: KeyNode): void {
    const max = this.ctx.limits.maxValueChars;
    if (text.length <= max) {
      this.out.push({ type: 'unit', unit: jsonUnit(text, recordIndex, path, node.keys, this.ctx.container) });
    } else {
      this.out.push(skipped(this.ctx.container, 'SIZE_LIMIT_EXCEEDED', `a JSON value is longer than ${max} chars (record ${recordIndex})`));
    }
  }
}
