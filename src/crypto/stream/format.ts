/**
 * Encrypted blob format v1 ("CFRS"), shared by the encryptor, the decryptor and range planning.
 * Normative spec: ./FORMAT.md.
 *
 *   header   = "CFRS" | 0x01 | 0x01 | 00 00 | u32 chunkSize | salt(20)
 *   okm      = HKDF-SHA256(DK, salt, "coffer/stream/v1", 39) -> streamKey(32) | noncePrefix(7)
 *   nonce(i) = noncePrefix | u32(i) | (i == last ? 0x01 : 0x00)
 *   chunk(i) = AES-256-GCM(streamKey, nonce(i), plaintext_i, aad = header) -> ct | tag(16)
 */
import { hkdfSync } from 'node:crypto';
import { CofferError } from '../../shared/index.js';

/** Bytes in the blob header. */
export const STREAM_HEADER_SIZE = 32;
/** Default plaintext bytes per chunk (64 KiB). */
export const DEFAULT_CHUNK_SIZE = 65536;
/** Largest accepted chunk size (16 MiB). */
export const MAX_CHUNK_SIZE = 16 * 1024 * 1024;
/** GCM tag bytes appended to each chunk. */
export const TAG_SIZE = 16;
/** Chunk sequence numbers are 32-bit. */
export const MAX_CHUNKS = 2 ** 32;

export const STREAM_MAGIC = Buffer.from('CFRS', 'ascii');
export const STREAM_VERSION = 0x01;
export const STREAM_SUITE_AES256GCM = 0x01;
const SALT_OFFSET = 12;
const SALT_SIZE = 20;
const INFO = Buffer.from('coffer/stream/v1', 'utf8');

/** Parsed header fields. */
export interface StreamHeader {
  version: number;
  suite: number;
  chunkSize: number;
  /** The 32 raw header bytes (the AAD of every chunk). */
  raw: Buffer;
}

/** Per-blob key material derived from the data key and the header salt. */
export interface StreamKeys {
  key: Buffer;
  /** 12-byte nonce buffer; bytes 0..7 hold the prefix, the rest is rewritten per chunk. */
  nonce: Buffer;
  aad: Buffer;
}

export function checkChunkSize(chunkSize: number): number {
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
    throw new CofferError('crypto.invalid_chunk_size', { message: `chunk size must be an integer in [1, ${MAX_CHUNK_SIZE}]` });
  }
  return chunkSize;
}

export function buildHeader(chunkSize: number, salt: Buffer): Buffer {
  if (salt.length !== SALT_SIZE) throw new CofferError('crypto.random_failed', { message: 'short random read' });
  const h = Buffer.alloc(STREAM_HEADER_SIZE);
  STREAM_MAGIC.copy(h, 0);
  h[4] = STREAM_VERSION;
  h[5] = STREAM_SUITE_AES256GCM;
  h.writeUInt32BE(checkChunkSize(chunkSize), 8);
  salt.copy(h, SALT_OFFSET);
  return h;
}

export const HEADER_SALT_SIZE = SALT_SIZE;

/** Parses and validates a header; any defect is 'crypto.integrity' (fail closed). */
export function parseStreamHeader(bytes: Uint8Array): StreamHeader {
  if (bytes.length !== STREAM_HEADER_SIZE) throw integrity('header has the wrong size');
  const raw = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!raw.subarray(0, 4).equals(STREAM_MAGIC)) throw integrity('not a Coffer encrypted blob');
  if (raw[4] !== STREAM_VERSION) throw integrity('unsupported blob format version');
  if (raw[5] !== STREAM_SUITE_AES256GCM) throw integrity('unsupported cipher suite');
  if (raw[6] !== 0 || raw[7] !== 0) throw integrity('reserved header bytes are not zero');
  const chunkSize = raw.readUInt32BE(8);
  if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) throw integrity('chunk size out of range');
  return { version: raw[4], suite: raw[5], chunkSize, raw: Buffer.from(raw) };
}

export function deriveStreamKeys(dataKey: Buffer, header: Buffer): StreamKeys {
  const okm = Buffer.from(hkdfSync('sha256', dataKey, header.subarray(SALT_OFFSET, SALT_OFFSET + SALT_SIZE), INFO, 39));
  const nonce = Buffer.alloc(12);
  okm.copy(nonce, 0, 32, 39);
  return { key: okm.subarray(0, 32), nonce, aad: header };
}

/** Writes sequence number and final flag into the key's nonce buffer and returns it. */
export function chunkNonce(keys: StreamKeys, index: number, final: boolean): Buffer {
  keys.nonce.writeUInt32BE(index, 7);
  keys.nonce[11] = final ? 1 : 0;
  return keys.nonce;
}

/** Number of chunks for a plaintext of `plaintextSize` bytes (at least one). */
export function chunkCount(plaintextSize: number, chunkSize: number): number {
  return plaintextSize === 0 ? 1 : Math.ceil(plaintextSize / chunkSize);
}

export function checkPlaintextSize(plaintextSize: number, chunkSize: number): void {
  if (!Number.isSafeInteger(plaintextSize) || plaintextSize < 0) {
    throw new CofferError('crypto.invalid_size', { message: 'plaintext size must be a non-negative safe integer' });
  }
  if (chunkCount(plaintextSize, chunkSize) > MAX_CHUNKS) {
    throw new CofferError('crypto.too_large', { message: 'plaintext too large for one blob' });
  }
}

/** Exact ciphertext (blob) size for a plaintext size: header + plaintext + one tag per chunk. */
export function ciphertextSize(plaintextSize: number, chunkSize = DEFAULT_CHUNK_SIZE): number {
  checkChunkSize(chunkSize);
  checkPlaintextSize(plaintextSize, chunkSize);
  return STREAM_HEADER_SIZE + plaintextSize + TAG_SIZE * chunkCount(plaintextSize, chunkSize);
}

/** Inverse of `ciphertextSize`; throws 'crypto.integrity' if no plaintext size maps to it. */
export function plaintextSizeOf(blobSize: number, chunkSize = DEFAULT_CHUNK_SIZE): number {
  checkChunkSize(chunkSize);
  const body = blobSize - STREAM_HEADER_SIZE;
  if (!Number.isSafeInteger(blobSize) || body < TAG_SIZE) throw integrity('blob too short');
  const full = Math.floor(body / (chunkSize + TAG_SIZE));
  const rest = body - full * (chunkSize + TAG_SIZE);
  let size: number;
  if (rest === 0) size = full * chunkSize; // ends with a full final chunk
  else if (rest > TAG_SIZE) size = full * chunkSize + rest - TAG_SIZE;
  else if (rest === TAG_SIZE && full === 0) size = 0;
  else throw integrity('blob size is not a valid ciphertext size');
  if (ciphertextSize(size, chunkSize) !== blobSize) throw integrity('blob size is not a valid ciphertext size');
  return size;
}

/** Views a Uint8Array as a Buffer without copying. */
export function toBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

export function integrity(message: string, cause?: unknown): CofferError {
  return new CofferError('crypto.integrity', { message, cause });
}

/** Bytes to read for the header of a blob (STREAM_HEADER_SIZE; fixed in every version-1 blob). */
export function headerSize(): number {
  return STREAM_HEADER_SIZE;
}
