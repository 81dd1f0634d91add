/**
 * A pass-through stream that digests the bytes flowing through it, for the object data path:
 *
 *   pipeline(body, decodeChunks, tap, encrypt, blobs.write(...))
 *
 * Every chunk is handed to each hasher and then passed on unchanged (no copy). At the end
 * (_flush) the digests are finalised; if `expected` digests were given (or a function returning
 * them, for checksums that arrive in an aws-chunked trailer after the body), they are verified
 * there, and a mismatch fails the stream with `checksum.bad_digest` before end-of-stream reaches
 * the writer, so the blob is never committed.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { CofferError } from '../../shared/errors.js';
import type { ChecksumAlgorithm, HashAlgorithm } from './algorithms.js';
import { createHasher, type Hasher } from './hasher.js';
import { verifyDigests } from './verify.js';

export type ExpectedDigests = Partial<Record<HashAlgorithm, Uint8Array>>;

export interface ChecksumTapOptions {
  /** S3 checksum algorithms to compute (duplicates ignored). */
  readonly algorithms: readonly ChecksumAlgorithm[];
  /** Also compute MD5 (ETag, Content-MD5). */
  readonly md5: boolean;
  /**
   * Digests to verify at end of stream. A function is called once, after the last byte, so a
   * value from an aws-chunked trailer can be supplied late. Each must be among the computed ones.
   */
  readonly expected?: ExpectedDigests | (() => ExpectedDigests | undefined);
  /** Expected total byte count (e.g. x-amz-decoded-content-length); a difference fails the stream. */
  readonly expectedSize?: number;
}

export interface ChecksumTapResult {
  /** Bytes that passed through. */
  readonly size: number;
  /** Raw digests (CRCs big-endian) for the requested algorithms. */
  readonly checksums: Partial<Record<ChecksumAlgorithm, Buffer>>;
  /** Raw MD5 when requested. */
  readonly md5?: Buffer;
}

export class ChecksumTap extends Transform {
  private readonly hashers: Hasher[];
  private readonly options: ChecksumTapOptions;
  private bytes = 0;
  private final: ChecksumTapResult | undefined;

  constructor(options: ChecksumTapOptions) {
    super();
    this.options = options;
    const algs = new Set<HashAlgorithm>(options.algorithms);
    if (options.md5) algs.add('MD5');
    this.hashers = [...algs].map((a) => createHasher(a));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    for (const h of this.hashers) h.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    try {
      const checksums: Partial<Record<ChecksumAlgorithm, Buffer>> = {};
      let md5: Buffer | undefined;
      for (const h of this.hashers) {
        if (h.algorithm === 'MD5') md5 = h.digest();
        else checksums[h.algorithm] = h.digest();
      }
      this.final = { size: this.bytes, checksums, ...(md5 !== undefined && { md5 }) };

      const { expectedSize } = this.options;
      if (expectedSize !== undefined && expectedSize !== this.bytes) {
        throw new CofferError('checksum.size_mismatch', {
          message: 'The body length does not match the declared length',
          details: { expected: expectedSize, actual: this.bytes },
        });
      }
      const e = this.options.expected;
      const expected = typeof e === 'function' ? e() : e;
      if (expected) verifyDigests(expected, { ...checksums, ...(md5 !== undefined && { MD5: md5 }) });
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  /** True once the stream has ended and digests are available. */
  get done(): boolean {
    return this.final !== undefined;
  }

  /** Digests and size; throws `checksum.not_finished` before the stream has ended. */
  result(): ChecksumTapResult {
    if (!this.final) throw new CofferError('checksum.not_finished', { message: 'Checksums are available after the stream ends' });
    return this.final;
  }
}

/** A new ChecksumTap computing `algorithms` (and MD5 when `md5`) over the bytes passing through. */
export function createChecksumTap(options: ChecksumTapOptions): ChecksumTap {
  return new ChecksumTap(options);
}
