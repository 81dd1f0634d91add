/**
 * Streaming decryptor: blob bytes (whole, or header + the chunks of a planned range) in,
 * verified plaintext (or the requested slice of it) out.
 *
 *   header = options.header ?? first 32 input bytes; parse, derive stream key
 *   n = chunkCount(plaintextSize); chunks first..last come from planRange (or 0..n-1)
 *   for i in first..last: read exactly len(i) + 16 bytes, open with nonce(i, final = i == n-1),
 *                         emit the part of chunk i inside the range
 *   more input than expected, or less, or any tag failure -> CofferError('crypto.integrity')
 *
 * Body bytes are fed to the chunk's decipher as they arrive (no copy); its output is held and
 * released only after the chunk's tag verified, so memory stays at about one chunk. The final flag comes from the
 * expected size, so a blob cut at a chunk boundary (its new last chunk sealed as non-final) or
 * extended by a chunk (the real final chunk no longer last) fails.
 */
import { createDecipheriv, type DecipherGCM } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { CofferError } from '../../shared/index.js';
import { dataKeyBytes, type DataKey } from '../envelope/data-key.js';
import {
  STREAM_HEADER_SIZE,
  TAG_SIZE,
  checkPlaintextSize,
  chunkCount,
  chunkNonce,
  deriveStreamKeys,
  integrity,
  parseStreamHeader,
  toBuffer,
  type StreamKeys,
} from './format.js';
import { planRange, type RangePlan } from './plan-range.js';

export interface DecryptStreamOptions {
  /** Plaintext size of the whole blob, as recorded in metadata. */
  plaintextSize: number;
  /**
   * Plaintext range to return, inclusive. When set, the input must be the ciphertext bytes
   * [cipherStart, cipherEnd] from `planRange` (preceded by the header unless `header` is given).
   */
  range?: { start: number; end: number };
  /**
   * Alternative to `range`: the plan returned by `planRange` for the range. It is checked
   * against the plan recomputed from the header's chunk size.
   */
  plan?: RangePlan;
  /**
   * The 32 header bytes, read separately. When given, the input starts at the first chunk to
   * open; otherwise the input starts with the header.
   */
  header?: Uint8Array;
}

interface Plan {
  chunkSize: number;
  finalIndex: number;
  lastLen: number;
  first: number;
  last: number;
  skip: number;
  remaining: number;
}

class DecryptStream extends Transform {
  readonly #dataKey: DataKey;
  readonly #options: DecryptStreamOptions;
  #headerBuf: Buffer | null = null;
  #headerLen = 0;
  #keys: StreamKeys | null = null;
  #plan: Plan | null = null;
  #index = 0;
  /** Decipher of the chunk being read, with its unread body bytes, tag so far and held output. */
  #decipher: DecipherGCM | null = null;
  #bodyLeft = 0;
  readonly #tag = Buffer.alloc(TAG_SIZE);
  #tagLen = 0;
  #held: Buffer[] = [];
  #failed = false;
  #pending: Error | null = null;

  constructor(dataKey: DataKey, options: DecryptStreamOptions) {
    super();
    if (!Number.isSafeInteger(options.plaintextSize) || options.plaintextSize < 0) {
      throw new CofferError('crypto.invalid_size', { message: 'plaintext size must be a non-negative safe integer' });
    }
    if (options.range !== undefined && options.plan !== undefined) {
      throw new CofferError('crypto.invalid_range', { message: 'pass either range or plan, not both' });
    }
    if (options.range !== undefined) {
      const { start, end } = options.range;
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || start > end || end >= options.plaintextSize) {
        throw new CofferError('crypto.invalid_range', { message: 'range must satisfy 0 <= start <= end < size' });
      }
    }
    this.#dataKey = dataKey;
    this.#options = options;
    if (options.header === undefined) this.#headerBuf = Buffer.alloc(STREAM_HEADER_SIZE);
    else {
      // A bad header is reported through the stream like every other integrity failure.
      try {
        this.#start(Buffer.from(options.header));
      } catch (e) {
        this.#pending = e as Error;
      }
    }
  }

  #start(header: Buffer): void {
    const h = parseStreamHeader(header);
    const size = this.#options.plaintextSize;
    try {
      checkPlaintextSize(size, h.chunkSize);
    } catch (e) {
      throw integrity('plaintext size does not fit the blob format', e);
    }
    const n = chunkCount(size, h.chunkSize);
    const range = this.#options.range ?? rangeOfPlan(this.#options.plan, h.chunkSize);
    let first = 0;
    let last = n - 1;
    let skip = 0;
    let take = size;
    if (range !== undefined) {
      const p = planRange(size, range.start, range.end, { chunkSize: h.chunkSize });
      const given = this.#options.plan;
      if (given !== undefined && (given.cipherStart !== p.cipherStart || given.cipherEnd !== p.cipherEnd)) {
        throw new CofferError('crypto.invalid_range', { message: 'range plan does not match the blob header' });
      }
      first = p.firstChunkIndex;
      last = p.lastChunkIndex;
      skip = p.skipBytes;
      take = p.takeBytes;
    }
    this.#plan = {
      chunkSize: h.chunkSize,
      finalIndex: n - 1,
      lastLen: size - (n - 1) * h.chunkSize,
      first,
      last,
      skip,
      remaining: take,
    };
    this.#index = first;
    this.#keys = deriveStreamKeys(dataKeyBytes(this.#dataKey), h.raw);
  }

  override _transform(input: Buffer | Uint8Array | string, encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.#failed) return callback(integrity('stream already failed'));
    if (this.#pending !== null) return this.#fail(this.#pending, callback);
    try {
      let data = typeof input === 'string' ? Buffer.from(input, encoding) : toBuffer(input);
      if (this.#headerBuf !== null) {
        const n = Math.min(STREAM_HEADER_SIZE - this.#headerLen, data.length);
        data.copy(this.#headerBuf, this.#headerLen, 0, n);
        this.#headerLen += n;
        data = data.subarray(n);
        if (this.#headerLen < STREAM_HEADER_SIZE) return callback();
        const header = this.#headerBuf;
        this.#headerBuf = null;
        this.#start(header);
      }
      // Body bytes go straight into the decipher (no copy); only the 16 tag bytes are gathered.
      const plan = this.#plan!;
      let off = 0;
      while (off < data.length) {
        if (this.#decipher === null) {
          if (this.#index > plan.last) throw integrity('ciphertext longer than expected');
          this.#begin();
        }
        const avail = data.length - off;
        if (this.#bodyLeft > 0) {
          const n = Math.min(this.#bodyLeft, avail);
          const out = this.#decipher!.update(data.subarray(off, off + n));
          if (out.length > 0) this.#held.push(out);
          this.#bodyLeft -= n;
          off += n;
          continue;
        }
        const n = Math.min(TAG_SIZE - this.#tagLen, avail);
        data.copy(this.#tag, this.#tagLen, off, off + n);
        this.#tagLen += n;
        off += n;
        if (this.#tagLen === TAG_SIZE) this.#verifyAndEmit();
      }
      callback();
    } catch (e) {
      this.#fail(e as Error, callback);
    }
  }

  #fail(error: Error, callback: TransformCallback): void {
    this.#failed = true;
    this.#wipe();
    callback(error);
  }

  override _flush(callback: TransformCallback): void {
    if (this.#failed) return callback(integrity('stream already failed'));
    if (this.#pending !== null) return this.#fail(this.#pending, callback);
    const plan = this.#plan;
    this.#wipe();
    if (plan === null) return callback(integrity('ciphertext shorter than its header'));
    if (this.#index <= plan.last) return callback(integrity('ciphertext shorter than expected'));
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#wipe();
    callback(error);
  }

  #begin(): void {
    const keys = this.#keys!;
    const plan = this.#plan!;
    const i = this.#index;
    const final = i === plan.finalIndex;
    const d = createDecipheriv('aes-256-gcm', keys.key, chunkNonce(keys, i, final), { authTagLength: TAG_SIZE });
    d.setAAD(keys.aad);
    this.#decipher = d;
    this.#bodyLeft = final ? plan.lastLen : plan.chunkSize;
    this.#tagLen = 0;
    this.#held = [];
  }

  /** Checks the tag of the current chunk, then releases the part of it inside the range. */
  #verifyAndEmit(): void {
    const plan = this.#plan!;
    const d = this.#decipher!;
    this.#decipher = null;
    try {
      d.setAuthTag(this.#tag);
      d.final();
    } catch (e) {
      throw integrity('chunk failed authentication', e);
    }
    const held = this.#held;
    this.#held = [];
    const from = this.#index === plan.first ? plan.skip : 0;
    const to = from + plan.remaining; // may pass the chunk end; clipped per piece below
    let pos = 0;
    for (const piece of held) {
      const a = Math.max(from, pos);
      const b = Math.min(to, pos + piece.length);
      if (b > a) {
        this.push(a === pos && b === pos + piece.length ? piece : piece.subarray(a - pos, b - pos));
        plan.remaining -= b - a;
      }
      pos += piece.length;
    }
    this.#index++;
  }

  #wipe(): void {
    this.#keys?.key.fill(0);
    // Unverified plaintext of a chunk that never passed its tag check.
    for (const b of this.#held) b.fill(0);
    this.#held = [];
    this.#decipher = null;
  }
}

function rangeOfPlan(plan: RangePlan | undefined, chunkSize: number): { start: number; end: number } | undefined {
  if (plan === undefined) return undefined;
  const start = plan.firstChunkIndex * chunkSize + plan.skipBytes;
  return { start, end: start + plan.takeBytes - 1 };
}

/**
 * A Transform that verifies and decrypts a Coffer blob (or a planned range of it).
 * Errors with CofferError('crypto.integrity') on any tampering, truncation, extension,
 * reordering or a header that is not a supported Coffer blob.
 */
export function createDecryptStream(dataKey: DataKey, options: DecryptStreamOptions): Transform {
  return new DecryptStream(dataKey, options);
}
