/**
 * Per-request body integrity: counts bytes (enforcing the size limit and the declared length),
 * computes MD5 (for the ETag and Content-MD5) and the S3 checksum while the body streams, and
 * verifies both before the object becomes visible.
 *
 * When the client sends no checksum, CRC64NVME is computed and stored, as S3 does.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { timingSafeEqual } from 'node:crypto';
import { CofferError } from '../shared/index.js';
import type { ChecksumAlgorithm, StoredChecksum } from '../storage/metadata/port.js';
import { createHasher, type Hasher } from './checksums/index.js';

export interface IntegrityOptions {
  /** Algorithm to compute (client's request or the upload's); null: CRC64NVME default. */
  algorithm: ChecksumAlgorithm | null;
  /** The client named the algorithm for this request, so its value must arrive. */
  requireExpected: boolean;
  /** The client's value, read after the body ended (header value or trailer). */
  expected: () => string | undefined;
  /** Content-MD5 header, base64 (already syntax-checked). */
  contentMd5?: string | undefined;
  /** Content-Length / x-amz-decoded-content-length, when known. */
  declaredSize: number | null;
  maxSize: number;
}

export interface IntegrityResult {
  size: number;
  md5: Buffer;
  checksum: StoredChecksum;
  /** Raw digest of `checksum` (for multipart combination). */
  checksumRaw: Buffer;
}

export class BodyIntegrity {
  readonly tap: Transform;
  private size = 0;
  private readonly md5: Hasher;
  private readonly hasher: Hasher;
  private readonly algorithm: ChecksumAlgorithm;
  private done: IntegrityResult | null = null;

  constructor(private readonly opts: IntegrityOptions) {
    this.md5 = createHasher('MD5');
    this.algorithm = opts.algorithm ?? 'CRC64NVME';
    this.hasher = createHasher(this.algorithm);
    if (opts.declaredSize !== null && opts.declaredSize > opts.maxSize) throw new CofferError('objects.entity_too_large');
    const self = this;
    this.tap = new Transform({
      transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
        self.size += chunk.length;
        if (self.size > opts.maxSize) return cb(new CofferError('objects.entity_too_large'));
        if (opts.declaredSize !== null && self.size > opts.declaredSize) return cb(new CofferError('auth.incomplete_body'));
        self.md5.update(chunk);
        self.hasher.update(chunk);
        cb(null, chunk);
      },
      flush(cb: TransformCallback) {
        if (opts.declaredSize !== null && self.size !== opts.declaredSize) return cb(new CofferError('auth.incomplete_body'));
        cb();
      },
    });
  }

  /** Verifies Content-MD5 and the client's checksum; call after the body has ended. */
  verify(): IntegrityResult {
    if (this.done) return this.done;
    const md5 = this.md5.digest();
    const raw = this.hasher.digest();
    if (this.opts.contentMd5 !== undefined && !safeEqual(Buffer.from(this.opts.contentMd5, 'base64'), md5)) {
      throw new CofferError('checksum.bad_digest', { message: 'The Content-MD5 you specified did not match what we received.' });
    }
    const expected = this.opts.expected();
    if (expected === undefined && this.opts.requireExpected) {
      throw new CofferError('checksum.invalid', { message: `The x-amz-checksum-${this.algorithm.toLowerCase()} value is missing.` });
    }
    if (expected !== undefined && !safeEqual(Buffer.from(expected, 'base64'), raw)) {
      throw new CofferError('checksum.bad_digest', { message: `The ${this.algorithm} you specified did not match the calculated checksum.` });
    }
    this.done = {
      size: this.size,
      md5,
      checksumRaw: raw,
      checksum: { algorithm: this.algorithm, value: raw.toString('base64'), type: 'FULL_OBJECT' },
    };
    return this.done;
  }
}

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
