/**
 * Streaming aws-chunked decoder with SigV4 chunk and trailer signature verification.
 *
 *   body    = *chunk final-chunk *trailer CRLF
 *   chunk   = hex-size [";chunk-signature=" sig] CRLF data CRLF
 *   final   = "0" [";chunk-signature=" sig] CRLF
 *   trailer = name ":" value CRLF                       (x-amz-trailer-signature last, signed-trailer mode)
 *
 *   signed:   sig_i = HMAC(kSigning, "AWS4-HMAC-SHA256-PAYLOAD" \n amzDate \n scope \n sig_{i-1} \n
 *                                   hex(sha256("")) \n hex(sha256(data_i)))          sig_0 = seed signature
 *             trailerSig = HMAC(kSigning, "AWS4-HMAC-SHA256-TRAILER" \n amzDate \n scope \n sig_final \n
 *                                   hex(sha256(concat(name ":" value \n))))
 *
 * Signed chunks are held (at most maxChunkSize bytes) until their signature verifies, so downstream never
 * sees unauthenticated bytes; unsigned-trailer chunks stream straight through. Lines are found with
 * Buffer.indexOf and bounded, so chunk boundaries may fall anywhere across writes.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { authError } from './errors.js';
import { EMPTY_SHA256 } from './payload-mode.js';
import { signatureOf, signaturesEqual } from './signing-key.js';

export interface ChunkedDecoderConfig {
  signed: null | { seedSignature: string; signingKey: Buffer; scope: string; amzDate: string };
  /** Trailer section allowed (…-TRAILER modes). */
  trailer: boolean;
  decodedLength: number | null;
  trailerHeaders: readonly string[];
  maxChunkSize: number;
  maxLineLength: number;
  maxTrailerBytes: number;
}

const CR = 0x0d;
const LF = 0x0a;
const SIGNED_SIZE_LINE = /^([0-9a-fA-F]{1,16});chunk-signature=([0-9a-f]{64})$/;
const UNSIGNED_SIZE_LINE = /^([0-9a-fA-F]{1,16})$/;
const TRAILER_SIGNATURE = 'x-amz-trailer-signature';
const MAX_TRAILERS = 16;

type State = 'size' | 'data' | 'data-crlf' | 'trailer' | 'done';

export class AwsChunkedDecoder extends Transform {
  readonly #cfg: ChunkedDecoderConfig;
  #state: State = 'size';
  #line: Buffer[] = [];
  #lineLength = 0;
  #remaining = 0;
  #crlfSeen = 0;
  #decoded = 0;
  #previousSignature: string;
  #chunkSignature: Buffer | null = null;
  #chunkHash: Hash | null = null;
  #held: Buffer[] = [];
  readonly #trailers = new Map<string, string>();
  #trailerCanonical = '';
  #trailerSignature: string | null = null;
  #trailerBytes = 0;

  constructor(cfg: ChunkedDecoderConfig) {
    super();
    this.#cfg = cfg;
    this.#previousSignature = cfg.signed?.seedSignature ?? '';
  }

  /** Parsed trailers (lower-case names); complete once the stream has ended. */
  trailers(): Record<string, string> {
    return Object.fromEntries(this.#trailers);
  }

  /** Decoded payload bytes seen so far. */
  bytesDecoded(): number {
    return this.#decoded;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    try {
      this.#consume(chunk);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      // Some SDKs end an aws-chunked body right after the final "0\r\n" when there are no trailers.
      if (this.#state === 'trailer' && this.#lineLength === 0 && this.#trailers.size === 0 && this.#trailerSignature === null) {
        const mustHaveTrailers = this.#cfg.trailerHeaders.length > 0 || (this.#cfg.signed !== null && this.#cfg.trailer);
        if (!mustHaveTrailers) this.#finishTrailers();
      }
      if (this.#state !== 'done') throw authError('auth.incomplete_body', 'The request body terminated unexpectedly');
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  #consume(buf: Buffer): void {
    let pos = 0;
    while (pos < buf.length) {
      switch (this.#state) {
        case 'size':
        case 'trailer': {
          const nl = buf.indexOf(LF, pos);
          const end = nl === -1 ? buf.length : nl;
          this.#appendLine(buf.subarray(pos, end));
          pos = end;
          if (nl === -1) break;
          pos = nl + 1;
          const line = this.#takeLine();
          if (this.#state === 'size') this.#onSizeLine(line);
          else this.#onTrailerLine(line);
          break;
        }
        case 'data': {
          const n = Math.min(this.#remaining, buf.length - pos);
          const piece = buf.subarray(pos, pos + n);
          if (this.#chunkHash !== null) {
            this.#chunkHash.update(piece);
            this.#held.push(piece);
          } else {
            this.#decoded += n;
            this.push(piece);
          }
          this.#remaining -= n;
          pos += n;
          if (this.#remaining === 0) {
            this.#endChunkData();
            this.#state = 'data-crlf';
            this.#crlfSeen = 0;
          }
          break;
        }
        case 'data-crlf': {
          const expected = this.#crlfSeen === 0 ? CR : LF;
          if (buf[pos] !== expected) throw authError('auth.malformed_chunk', 'Chunk data must be followed by CRLF');
          pos++;
          if (++this.#crlfSeen === 2) this.#state = 'size';
          break;
        }
        case 'done':
          throw authError('auth.malformed_chunk', 'Unexpected data after the end of the aws-chunked payload');
      }
    }
  }

  #appendLine(piece: Buffer): void {
    if (piece.length === 0) return;
    this.#lineLength += piece.length;
    const limit = this.#state === 'trailer' ? this.#cfg.maxTrailerBytes : this.#cfg.maxLineLength;
    if (this.#lineLength > limit) {
      throw authError('auth.malformed_chunk', this.#state === 'trailer' ? 'Trailer section too large' : 'Chunk header line too long');
    }
    this.#line.push(piece);
  }

  /** The completed line without its CRLF, as a latin1 string. */
  #takeLine(): string {
    const raw = this.#line.length === 1 ? this.#line[0]! : Buffer.concat(this.#line, this.#lineLength);
    this.#line = [];
    const length = this.#lineLength;
    this.#lineLength = 0;
    if (length === 0 || raw[length - 1] !== CR) throw authError('auth.malformed_chunk', 'Chunk lines must end with CRLF');
    return raw.toString('latin1', 0, length - 1);
  }

  #onSizeLine(line: string): void {
    const m = (this.#cfg.signed !== null ? SIGNED_SIZE_LINE : UNSIGNED_SIZE_LINE).exec(line);
    if (m === null) {
      throw authError(
        'auth.malformed_chunk',
        this.#cfg.signed !== null ? 'Invalid chunk header; expected <hex-size>;chunk-signature=<signature>' : 'Invalid chunk header; expected <hex-size>',
      );
    }
    const size = Number.parseInt(m[1]!, 16);
    if (!Number.isSafeInteger(size)) throw authError('auth.malformed_chunk', 'Chunk size too large');
    if (this.#cfg.signed !== null && size > this.#cfg.maxChunkSize) throw authError('auth.malformed_chunk', 'Chunk size exceeds the limit');
    if (this.#cfg.decodedLength !== null && this.#decoded + size > this.#cfg.decodedLength) {
      throw authError('auth.malformed_chunk', 'The payload is longer than x-amz-decoded-content-length');
    }
    if (m[2] !== undefined) {
      this.#chunkSignature = Buffer.from(m[2], 'hex');
      this.#chunkHash = createHash('sha256');
    }
    if (size === 0) {
      this.#endChunkData();
      this.#state = 'trailer';
    } else {
      this.#remaining = size;
      this.#state = 'data';
    }
  }

  /** Verifies the chunk signature (signed mode) and releases the held data. */
  #endChunkData(): void {
    const signed = this.#cfg.signed;
    if (signed === null || this.#chunkHash === null || this.#chunkSignature === null) return;
    const sts = `AWS4-HMAC-SHA256-PAYLOAD\n${signed.amzDate}\n${signed.scope}\n${this.#previousSignature}\n${EMPTY_SHA256}\n${this.#chunkHash.digest('hex')}`;
    const expected = signatureOf(signed.signingKey, sts);
    if (!signaturesEqual(expected, this.#chunkSignature)) {
      this.#held = [];
      throw authError('auth.chunk_signature_mismatch', 'The chunk signature we calculated does not match the signature you provided');
    }
    this.#previousSignature = expected.toString('hex');
    this.#chunkHash = null;
    this.#chunkSignature = null;
    for (const piece of this.#held) {
      this.#decoded += piece.length;
      this.push(piece);
    }
    this.#held = [];
  }

  #onTrailerLine(line: string): void {
    if (line === '') {
      this.#finishTrailers();
      return;
    }
    this.#trailerBytes += line.length + 2;
    if (this.#trailerBytes > this.#cfg.maxTrailerBytes) throw authError('auth.malformed_chunk', 'Trailer section too large');
    if (!this.#cfg.trailer) throw authError('auth.malformed_chunk', 'Trailers are not allowed for this x-amz-content-sha256 value');
    if (this.#trailerSignature !== null) throw authError('auth.malformed_chunk', 'x-amz-trailer-signature must be the last trailer');
    const colon = line.indexOf(':');
    if (colon <= 0) throw authError('auth.malformed_chunk', 'Invalid trailer line; expected name:value');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (!/^[a-z0-9-]+$/.test(name)) throw authError('auth.malformed_chunk', 'Invalid trailer name');
    if (name === TRAILER_SIGNATURE) {
      if (this.#cfg.signed === null) throw authError('auth.malformed_chunk', 'x-amz-trailer-signature is only allowed with STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER');
      if (!/^[0-9a-f]{64}$/.test(value)) throw authError('auth.malformed_chunk', 'Invalid x-amz-trailer-signature');
      this.#trailerSignature = value;
      return;
    }
    if (!this.#cfg.trailerHeaders.includes(name)) throw authError('auth.malformed_chunk', 'Trailer was not declared in x-amz-trailer');
    if (this.#trailers.has(name)) throw authError('auth.malformed_chunk', 'Duplicate trailer');
    if (this.#trailers.size >= MAX_TRAILERS) throw authError('auth.malformed_chunk', 'Too many trailers');
    this.#trailers.set(name, value);
    this.#trailerCanonical += `${name}:${value}\n`;
  }

  #finishTrailers(): void {
    for (const name of this.#cfg.trailerHeaders) {
      if (!this.#trailers.has(name)) throw authError('auth.incomplete_body', 'A trailer declared in x-amz-trailer is missing');
    }
    const signed = this.#cfg.signed;
    if (signed !== null && this.#cfg.trailer) {
      if (this.#trailerSignature === null) throw authError('auth.malformed_chunk', 'Missing x-amz-trailer-signature');
      const hash = createHash('sha256').update(this.#trailerCanonical, 'latin1').digest('hex');
      const sts = `AWS4-HMAC-SHA256-TRAILER\n${signed.amzDate}\n${signed.scope}\n${this.#previousSignature}\n${hash}`;
      if (!signaturesEqual(signatureOf(signed.signingKey, sts), Buffer.from(this.#trailerSignature, 'hex'))) {
        throw authError('auth.chunk_signature_mismatch', 'The trailer signature we calculated does not match the signature you provided');
      }
    }
    if (this.#cfg.decodedLength !== null && this.#decoded !== this.#cfg.decodedLength) {
      throw authError('auth.incomplete_body', 'The decoded payload is shorter than x-amz-decoded-content-length');
    }
    this.#state = 'done';
  }
}
