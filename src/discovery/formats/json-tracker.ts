/**
 * The path tracker of the streamed JSON reader: follows tokens (in either of its modes) and turns
 * each string or number value into a unit located by its JSON path, with the object keys on the
 * path as context keywords.
 */
import { jsonUnit, type KeyNode, notBlank, type PathNames } from './json-units.js';
import type { ReadEvent } from './types.js';

/** Frames the tracker's arrays grow by. */
const FRAMES = 32;
/** Frame kinds. */
export const OBJECT = 0;
export const ARRAY = 1;

/**
 * Follows the tokens of one JSON document and reports each scalar with its path, as the path
 * tracker of the tokenizer-only reader did: no grammar, a key is the string after `{` or `,` in
 * an object, a value in an array advances its index. Path strings and keyword arrays are cached
 * per depth and rebuilt only from the first frame that changed.
 */
export class JsonTracker {
  // Frames as parallel arrays, filled ahead (FRAMES at a time) so stores stay in bounds: a store
  // that grows an array deoptimizes the code optimized on a previous document.
  private readonly kinds: number[] = [];
  private readonly keys: string[] = [];
  private readonly expectKey: boolean[] = [];
  private readonly indexes: number[] = [];
  private depth = 0;
  private started = false;
  /** prefix[d] / nodes[d]: path and keyword node of frames [0, d), valid for d <= valid. */
  private readonly prefix: string[] = [];
  private readonly nodes: KeyNode[] = [];
  private valid = 0;

  /** Units go to `pending` (no callback: one call target whatever the document). */
  constructor(
    private readonly names: PathNames,
    private readonly pending: ReadEvent[],
    private readonly recordIndex: number,
    private readonly container: string[],
  ) {
    this.grow();
    this.prefix[0] = '$';
  }

  private grow(): void {
    for (let k = 0; k < FRAMES; k++) {
      this.kinds.push(OBJECT);
      this.keys.push('');
      this.expectKey.push(false);
      this.indexes.push(0);
      this.prefix.push('$');
      this.nodes.push(this.names.root);
    }
  }

  get complete(): boolean { return this.started && this.depth === 0; }

  open(kind: number): void {
    this.beginValue();
    const d = this.depth++;
    if (this.depth >= this.kinds.length) this.grow();
    this.kinds[d] = kind;
    this.keys[d] = '';
    this.expectKey[d] = true;
    this.indexes[d] = -1;
    if (this.valid > d) this.valid = d;
  }

  close(): void {
    if (this.depth === 0) return;
    this.depth--;
    if (this.valid > this.depth) this.valid = this.depth;
  }

  comma(): void {
    const d = this.depth - 1;
    if (d >= 0 && this.kinds[d] === OBJECT) this.expectKey[d] = true;
  }

  string(value: string): void {
    const d = this.depth - 1;
    if (d >= 0 && this.kinds[d] === OBJECT && this.expectKey[d]) {
      this.keys[d] = value;
      this.expectKey[d] = false;
      if (this.valid > d) this.valid = d;
      return;
    }
    this.beginValue();
    if (notBlank(value)) this.scalar(value);
  }

  number(text: string): void {
    this.beginValue();
    this.scalar(text);
  }

  literal(): void { this.beginValue(); }

  private beginValue(): void {
    this.started = true;
    const d = this.depth - 1;
    if (d >= 0 && this.kinds[d] === ARRAY) {
      this.indexes[d]!++;
      if (this.valid > d) this.valid = d;
    }
  }

  private scalar(text: string): void {
    const depth = this.depth;
    for (let d = this.valid; d < depth; d++) {
      if (this.kinds[d] === ARRAY) {
        this.prefix[d + 1] = `${this.prefix[d]!}[${this.indexes[d]!}]`;
        this.nodes[d + 1] = this.nodes[d]!;
      } else {
        const node = this.nodes[d]!.child(this.keys[d]!);
        this.prefix[d + 1] = this.prefix[d]! + node.segment;
        this.nodes[d + 1] = node;
      }
    }
    this.valid = depth;
    this.pending.push({ type: 'unit', unit: jsonUnit(text, this.recordIndex, this.prefix[depth]!, this.nodes[depth]!.keys, this.container) });
  }
}
