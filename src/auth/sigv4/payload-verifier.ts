/**
 * Body verification for an authenticated request, as a streaming Transform.
 *
 *   sha256                     : pass through, hash; at end hex(sha256(body)) == expected else auth.sha256_mismatch
 *   unsigned                   : pass through
 *   streaming-signed           : aws-chunked decode + chained chunk signatures (+ signed trailer)
 *   streaming-unsigned-trailer : aws-chunked decode + trailers (checksums are the caller's job)
 *
 * Memory is bounded by the largest signed chunk (held until verified) and the line/trailer limits,
 * never by the body size. Errors surface as stream errors carrying a CofferError 'auth.*'.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { AwsChunkedDecoder } from './chunked-decoder.js';
import { authError } from './errors.js';
import type { PayloadMode } from './types.js';

export interface PayloadVerifierOptions {
  /** Largest accepted signed chunk (held in memory until its signature verifies); default 16 MiB. */
  maxChunkSize?: number;
  /** Longest accepted chunk-size line (without CRLF); default 4096 bytes. */
  maxLineLength?: number;
  /** Largest accepted trailer section; default 16 KiB. */
  maxTrailerBytes?: number;
}

/** A Transform that emits the decoded body and errors if it does not verify. */
export type PayloadVerifier = Transform & {
  /** Trailers received (lower-case names, e.g. 'x-amz-checksum-crc32'); complete after 'end'. */
  trailers(): Record<string, string>;
  /** Decoded body bytes emitted (or verified and about to be emitted) so far. */
  bytesDecoded(): number;
};

const DEFAULTS = { maxChunkSize: 16 * 1024 * 1024, maxLineLength: 4096, maxTrailerBytes: 16 * 1024 };

export function createPayloadVerifier(mode: PayloadMode, options: PayloadVerifierOptions = {}): PayloadVerifier {
  const limits = { ...DEFAULTS, ...definedOnly(options) };
  switch (mode.kind) {
    case 'sha256':
      return new Sha256Verifier(mode.expectedHex);
    case 'unsigned':
      return new PassThroughVerifier();
    case 'streaming-signed':
      return new AwsChunkedDecoder({
        signed: { seedSignature: mode.seedSignature, signingKey: mode.signingKey, scope: mode.scope, amzDate: mode.amzDate },
        trailer: mode.trailer,
        decodedLength: mode.decodedLength,
        trailerHeaders: mode.trailerHeaders,
        ...limits,
      });
    case 'streaming-unsigned-trailer':
      return new AwsChunkedDecoder({
        signed: null,
        trailer: true,
        decodedLength: mode.decodedLength,
        trailerHeaders: mode.trailerHeaders,
        ...limits,
      });
  }
}

function definedOnly(o: PayloadVerifierOptions): PayloadVerifierOptions {
  const out: PayloadVerifierOptions = {};
  for (const [k, v] of Object.entries(o) as [keyof PayloadVerifierOptions, number | undefined][]) {
    if (v === undefined) continue;
    if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`${k} must be a positive integer`);
    out[k] = v;
  }
  return out;
}

class Sha256Verifier extends Transform {
  readonly #expected: string;
  readonly #hash: Hash = createHash('sha256');
  #bytes = 0;

  constructor(expectedHex: string) {
    super();
    this.#expected = expectedHex.toLowerCase();
  }

  trailers(): Record<string, string> {
    return {};
  }

  bytesDecoded(): number {
    return this.#bytes;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.#hash.update(chunk);
    this.#bytes += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.#hash.digest('hex') !== this.#expected) {
      callback(authError('auth.sha256_mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed."));
      return;
    }
    callback();
  }
}

class PassThroughVerifier extends Transform {
  #bytes = 0;

  trailers(): Record<string, string> {
    return {};
  }

  bytesDecoded(): number {
    return this.#bytes;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.#bytes += chunk.length;
    callback(null, chunk);
  }
}
