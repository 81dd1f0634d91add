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
 * from the caller's buffer without copying.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
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
}

class EncryptStream extends Transform {
  readonly #chunkSize: number;
  readonly #keys: StreamKeys;
  readonly #header: Buffer;
  #headerSent = false;
  #buf: Buffer;
  #len = 0;
  #index = 0;

  constructor(dataKey: DataKey, options: EncryptStreamOptions) {
    super();
    this.#chunkSize = checkChunkSize(options.chunkSize ?? DEFAULT_CHUNK_SIZE);
    const salt = (options.random ?? randomBytes)(HEADER_SALT_SIZE);
    this.#header = buildHeader(this.#chunkSize, salt);
    this.#keys = deriveStreamKeys(dataKeyBytes(dataKey), this.#header);
    this.#buf = Buffer.allocUnsafe(this.#chunkSize);
  }

  override _transform(input: Buffer | Uint8Array | string, encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      const data = typeof input === 'string' ? Buffer.from(input, encoding) : toBuffer(input);
      this.#sendHeader();
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

  #seal(plaintext: Buffer, final: boolean): void {
    if (this.#index >= MAX_CHUNKS) throw new CofferError('crypto.too_large', { message: 'plaintext too large for one blob' });
    const cipher = createCipheriv('aes-256-gcm', this.#keys.key, chunkNonce(this.#keys, this.#index, final), {
      authTagLength: TAG_SIZE,
    });
    cipher.setAAD(this.#keys.aad);
    const ct = cipher.update(plaintext);
    cipher.final();
    if (ct.length > 0) this.push(ct);
    this.push(cipher.getAuthTag());
    this.#index++;
  }

  #wipe(): void {
    this.#buf.fill(0);
    this.#len = 0;
    this.#keys.key.fill(0);
  }
}

/**
 * A Transform that encrypts a plaintext stream into a Coffer blob. Errors only on misuse or
 * when the plaintext exceeds 2^32 chunks ('crypto.too_large').
 */
export function createEncryptStream(dataKey: DataKey, options: EncryptStreamOptions = {}): Transform {
  return new EncryptStream(dataKey, options);
}
