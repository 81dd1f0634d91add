/**
 * A pull-based byte source that can peek at its head (for magic bytes) without losing it, and be
 * iterated once afterwards. Nested readers (archive members, MIME parts) are ByteSources too.
 */
import type { ByteInput } from './types.js';

export class ByteSource implements AsyncIterable<Buffer> {
  private readonly it: AsyncIterator<Buffer | Uint8Array | string>;
  private head: Buffer[] = [];
  private headBytes = 0;
  private done = false;
  private iterated = false;
  /** Bytes handed out so far by the iterator (peeked bytes count once they are iterated). */
  consumed = 0;

  constructor(input: ByteInput) {
    this.it = (input as AsyncIterable<Buffer | Uint8Array | string>)[Symbol.asyncIterator]();
  }

  /** Reads until at least `n` bytes are buffered (or the input ends) and returns what is buffered. */
  async peek(n: number): Promise<Buffer> {
    while (this.headBytes < n && !this.done) {
      const r = await this.it.next();
      if (r.done) { this.done = true; break; }
      const b = toBuffer(r.value);
      if (b.length === 0) continue;
      this.head.push(b);
      this.headBytes += b.length;
    }
    if (this.head.length > 1) this.head = [Buffer.concat(this.head)];
    return this.head[0] ?? Buffer.alloc(0);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    if (this.iterated) throw new Error('ByteSource can be iterated once');
    this.iterated = true;
    try {
      for (const b of this.head) { this.consumed += b.length; yield b; }
      this.head = [];
      while (!this.done) {
        const r = await this.it.next();
        if (r.done) { this.done = true; break; }
        const b = toBuffer(r.value);
        if (b.length === 0) continue;
        this.consumed += b.length;
        yield b;
      }
    } finally {
      if (!this.done) { this.done = true; await this.it.return?.(); }
    }
  }

  /** Releases the underlying input when it was not (fully) iterated. */
  async close(): Promise<void> {
    if (!this.done) { this.done = true; await this.it.return?.(); }
  }
}

export function toBuffer(v: Buffer | Uint8Array | string): Buffer {
  if (Buffer.isBuffer(v)) return v;
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** Reads a whole source into memory, refusing more than `max` bytes (returns null then). */
export async function readBounded(src: AsyncIterable<Buffer>, max: number): Promise<Buffer | null> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const b of src) {
    n += b.length;
    if (n > max) return null;
    parts.push(b);
  }
  return Buffer.concat(parts, n);
}
