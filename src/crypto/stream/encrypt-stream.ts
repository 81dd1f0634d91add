/**
 * Streaming encryptor: plaintext in, blob (header + chunks, FORMAT.md) out.
 *
 *   push header
 *   for each full chunk of input that is known not to be the last: push seal(chunk, i++, final=false)
 *   on end: push seal(remaining 0..C bytes, i, final=true)
 *
 * Whether a full chunk is final is only known once more input arrives or the input ends, so one
 * chunk of plaintext is held back: memory is one chunk buffer regardless of the object size.
 * Whole chunks that arrive inside a large write, with more bytes after them, are sealed straight
 * from the caller's buffer without copying. (The tail cannot be kept by reference: the caller may
 * reuse its buffer once the write callback fired.)
 *
 * When the plaintext size is declared up front, the last chunk's index is known, so nothing is
 * held back: each input piece goes straight through cipher.update and out.
 */
import { createCipheriv, randomBytes, type CipherGCM } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { CofferError } from '../../shared/index.js';
import { dataKeyBytes, type DataKey } from '../envelope/data-key.js';
import {
  DEFAULT_CHUNK_SIZE,
  HEADER_SALT_SIZE,
  MAX_CHUNKS,
  TAG_SIZE,
  buildHeader,
  checkChunkSize,
  checkPlaintextSize,
  chunkCount,
  chunkNonce,
  deriveStreamKeys,
  toBuffer,
  type StreamKeys,
} from './format.js';

export interface EncryptStreamOptions {
  /** Plaintext bytes per chunk (default 65536). Recorded in the header. */
  chunkSize?: number;
  /** Randomness source for the header salt (default crypto.randomBytes). */
  random?: (n: number) => Buffer;
  /**
   * Exact plaintext length, when known up front (Content-Length, x-amz-decoded-content-length).
   * The final chunk is then known in advance, so input is encrypted as it arrives without being
   * copied into a chunk buffer; more or less input than declared fails with 'crypto.size_mismatch'.
   */
  plaintextSize?: number;
}

class EncryptStream extends Transform {
  readonly #chunkSize: number;
  readonly #keys: StreamKeys;
  readonly #header: Buffer;
  #headerSent = false;
  #buf: Buffer;
  #len = 0;
  #index = 0;
  /** Known-size mode: declared size, bytes seen, final chunk index, cipher of the open chunk. */
  readonly #size: number | undefined;
  #seen = 0;
  #finalIndex = 0;
  #cipher: CipherGCM | null = null;
  #chunkLeft = 0;

  constructor(dataKey: DataKey, options: EncryptStreamOptions) {
    super();
    this.#chunkSize = checkChunkSize(options.chunkSize ?? DEFAULT_CHUNK_SIZE);
    if (options.plaintextSize !== undefined) {
      checkPlaintextSize(options.plaintextSize, this.#chunkSize);
      this.#size = options.plaintextSize;
      this.#finalIndex = chunkCount(options.plaintextSize, this.#chunkSize) - 1;
    }
    const salt = (options.random ?? randomBytes)(HEADER_SALT_SIZE);
    this.#header = buildHeader(this.#chunkSize, salt);
    this.#keys = deriveStreamKeys(dataKeyBytes(dataKey), this.#header);
    this.#buf = this.#size === undefined ? Buffer.allocUnsafe(this.#chunkSize) : Buffer.alloc(0);
  }

  override _transform(input: Buffer | Uint8Array | string, encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      const data = typeof input === 'string' ? Buffer.from(input, encoding) : toBuffer(input);
      this.#sendHeader();
      if (this.#size !== undefined) {
        this.#stream(data, this.#size);
        return callback();
      }
      const c = this.#chunkSize;
      let off = 0;
      while (off < data.length) {
        if (this.#len === c) {
          // More bytes follow, so the buffered chunk is not the last one.
          this.#seal(this.#buf, false);
          this.#len = 0;
        }
        if (this.#len === 0 && data.length - off > c) {
          this.#seal(data.subarray(off, off + c), false);
          off += c;
          continue;
        }
        const n = Math.min(c - this.#len, data.length - off);
        data.copy(this.#buf, this.#len, off, off + n);
        this.#len += n;
        off += n;
      }
      callback();
    } catch (e) {
      callback(e as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.#sendHeader();
      if (this.#size !== undefined) {
        if (this.#seen !== this.#size) throw sizeMismatch('less plaintext than declared');
        // Only an empty plaintext still has its (empty, final) chunk to write.
        if (this.#index === 0) {
          this.#open();
          this.#close();
        }
        this.#wipe();
        return callback();
      }
      this.#seal(this.#buf.subarray(0, this.#len), true);
      this.#wipe();
      callback();
    } catch (e) {
      callback(e as Error);
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#wipe();
    callback(error);
  }

  #sendHeader(): void {
    if (!this.#headerSent) {
      this.#headerSent = true;
      this.push(this.#header);
    }
  }

  /** Known-size mode: encrypts input as it arrives, closing chunks at their known lengths. */
  #stream(data: Buffer, size: number): void {
    if (this.#seen + data.length > size) throw sizeMismatch('more plaintext than declared');
    this.#seen += data.length;
    let off = 0;
    while (off < data.length) {
      if (this.#cipher === null) this.#open();
      const n = Math.min(this.#chunkLeft, data.length - off);
      const ct = this.#cipher!.update(data.subarray(off, off + n));
      if (ct.length > 0) this.push(ct);
      this.#chunkLeft -= n;
      off += n;
      if (this.#chunkLeft === 0) this.#close();
    }
  }

  #open(): void {
    const final = this.#index === this.#finalIndex;
    this.#cipher = this.#newCipher(final);
    this.#chunkLeft = final ? this.#size! - this.#index * this.#chunkSize : this.#chunkSize;
  }

  #close(): void {
    this.#cipher!.final();
    this.push(this.#cipher!.getAuthTag());
    this.#cipher = null;
    this.#index++;
  }

  #newCipher(final: boolean): CipherGCM {
    if (this.#index >= MAX_CHUNKS) throw new CofferError('crypto.too_large', { message: 'plaintext too large for one blob' });
    const cipher = createCipheriv('aes-256-gcm', this.#keys.key, chunkNonce(this.#keys, this.#index, final), {
      authTagLength: TAG_SIZE,
    });
    cipher.setAAD(this.#keys.aad);
    return cipher;
  }

  #seal(plaintext: Buffer, final: boolean): void {
    const cipher = this.#newCipher(final);
    const ct = cipher.update(plaintext);
    cipher.final();
    if (ct.length > 0) this.push(ct);
    this.push(cipher.getAuthTag());
    this.#index++;
  }

  #wipe(): void {
    this.#buf.fill(0);
    this.#len = 0;
    this.#cipher = null;
    this.#keys.key.fill(0);
  }
}

function sizeMismatch(message: string): CofferError {
  return new CofferError('crypto.size_mismatch', { message });
}

/**
 * A Transform that encrypts a plaintext stream into a Coffer blob. Errors only on misuse, when
 * the plaintext exceeds 2^32 chunks ('crypto.too_large'), or when `plaintextSize` was declared
 * and the input is longer or shorter ('crypto.size_mismatch').
 */
export function createEncryptStream(dataKey: DataKey, options: EncryptStreamOptions = {}): Transform {
  return new EncryptStream(dataKey, options);
}
