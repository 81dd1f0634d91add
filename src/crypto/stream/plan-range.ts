/**
 * Maps a plaintext byte range to the chunks and ciphertext bytes that hold it (FORMAT.md §3).
 *
 *   first = floor(start / C), last = floor(end / C)
 *   cipherStart = H + first * (C + T)
 *   cipherEnd   = H + last * (C + T) + len(last) + T - 1      (inclusive)
 *   skipBytes   = start - first * C, takeBytes = end - start + 1
 */
import { CofferError } from '../../shared/index.js';
import {
  DEFAULT_CHUNK_SIZE,
  STREAM_HEADER_SIZE,
  TAG_SIZE,
  checkChunkSize,
  checkPlaintextSize,
  chunkCount,
} from './format.js';

/** Which ciphertext bytes to read for a plaintext range, and what to keep of them. */
export interface RangePlan {
  /** First ciphertext byte to read (inclusive), always at a chunk start. */
  cipherStart: number;
  /** Last ciphertext byte to read (inclusive), always at a chunk end. */
  cipherEnd: number;
  /** Index of the first chunk read. */
  firstChunkIndex: number;
  /** Index of the last chunk read. */
  lastChunkIndex: number;
  /** Plaintext bytes to drop from the start of the first chunk. */
  skipBytes: number;
  /** Plaintext bytes to return in total (end - start + 1). */
  takeBytes: number;
}

export function planRange(
  plaintextSize: number,
  start: number,
  end: number,
  options: { chunkSize?: number } = {},
): RangePlan {
  const chunkSize = checkChunkSize(options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  checkPlaintextSize(plaintextSize, chunkSize);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || start > end || end >= plaintextSize) {
    throw new CofferError('crypto.invalid_range', { message: 'range must satisfy 0 <= start <= end < size' });
  }
  const n = chunkCount(plaintextSize, chunkSize);
  const first = Math.floor(start / chunkSize);
  const last = Math.floor(end / chunkSize);
  const stride = chunkSize + TAG_SIZE;
  const lastLen = last === n - 1 ? plaintextSize - last * chunkSize : chunkSize;
  return {
    cipherStart: STREAM_HEADER_SIZE + first * stride,
    cipherEnd: STREAM_HEADER_SIZE + last * stride + lastLen + TAG_SIZE - 1,
    firstChunkIndex: first,
    lastChunkIndex: last,
    skipBytes: start - first * chunkSize,
    takeBytes: end - start + 1,
  };
}
