/**
 * Segment and frame encoding (FORMAT.md, version 1).
 *
 *   header = "CAUDSEG\0" | ver u16 | flags u16 | segNo u32 | firstIndex u64 | salt 16
 *          | prevChain 32 | prevValidLength u64 | n u8 | frontier 32*n | H(all before)[0..8]
 *   frame  = type u8 | len u32 | body | crc32c(type | len | body) u32
 *   event body = index u64 | prevChain 32 | nonce 12 | ciphertext | tag 16
 */
import { createHash } from 'node:crypto';
import { crc32c } from '@node-rs/crc32';
import { CofferError } from '../shared/index.js';

export const FORMAT_VERSION = 1;
export const SEGMENT_MAGIC = Buffer.from('CAUDSEG\0', 'latin1');
export const FRAME_EVENT = 1;
export const FRAME_CHECKPOINT = 2;
export const FRAME_OVERHEAD = 9;
/** Largest frame body accepted; CloudTrail events are < 256 KiB after truncation rules. */
export const MAX_FRAME_BODY = 1024 * 1024;
export const ZERO_HASH = Buffer.alloc(32);
const FIXED_HEADER = 8 + 2 + 2 + 4 + 8 + 16 + 32 + 8 + 1;

export interface SegmentHeader {
  version: number;
  segmentNumber: number;
  firstIndex: number;
  salt: Buffer;
  prevChain: Buffer;
  prevValidLength: number;
  /** Compact range after the previous segment's last record, highest level first. */
  frontier: Buffer[];
}

export function encodeHeader(h: Omit<SegmentHeader, 'version'>): Buffer {
  const b = Buffer.alloc(FIXED_HEADER + 32 * h.frontier.length + 8);
  SEGMENT_MAGIC.copy(b, 0);
  b.writeUInt16BE(FORMAT_VERSION, 8);
  b.writeUInt16BE(0, 10);
  b.writeUInt32BE(h.segmentNumber, 12);
  b.writeBigUInt64BE(BigInt(h.firstIndex), 16);
  h.salt.copy(b, 24);
  h.prevChain.copy(b, 40);
  b.writeBigUInt64BE(BigInt(h.prevValidLength), 72);
  b.writeUInt8(h.frontier.length, 80);
  h.frontier.forEach((f, i) => f.copy(b, FIXED_HEADER + 32 * i));
  const end = FIXED_HEADER + 32 * h.frontier.length;
  createHash('sha256').update(b.subarray(0, end)).digest().copy(b, end, 0, 8);
  return b;
}

/** Parses a header; throws 'audit.bad_header' with a reason (no user data in it). */
export function decodeHeader(b: Buffer): { header: SegmentHeader; length: number } {
  const bad = (reason: string) => new CofferError('audit.bad_header', { message: `segment header ${reason}` });
  if (b.length < FIXED_HEADER + 8) throw bad('is truncated');
  if (!b.subarray(0, 8).equals(SEGMENT_MAGIC)) throw bad('has a wrong magic number');
  const version = b.readUInt16BE(8);
  if (version !== FORMAT_VERSION) throw bad(`has unsupported version ${version}`);
  const n = b.readUInt8(80);
  if (n > 64) throw bad('has an invalid frontier');
  const end = FIXED_HEADER + 32 * n;
  if (b.length < end + 8) throw bad('is truncated');
  const check = createHash('sha256').update(b.subarray(0, end)).digest().subarray(0, 8);
  if (!check.equals(b.subarray(end, end + 8))) throw bad('checksum does not match');
  const frontier: Buffer[] = [];
  for (let i = 0; i < n; i++) frontier.push(Buffer.from(b.subarray(FIXED_HEADER + 32 * i, FIXED_HEADER + 32 * (i + 1))));
  return {
    header: {
      version,
      segmentNumber: b.readUInt32BE(12),
      firstIndex: Number(b.readBigUInt64BE(16)),
      salt: Buffer.from(b.subarray(24, 40)),
      prevChain: Buffer.from(b.subarray(40, 72)),
      prevValidLength: Number(b.readBigUInt64BE(72)),
      frontier,
    },
    length: end + 8,
  };
}

export function encodeFrame(type: number, body: Buffer): Buffer {
  const f = Buffer.alloc(FRAME_OVERHEAD + body.length);
  f.writeUInt8(type, 0);
  f.writeUInt32BE(body.length, 1);
  body.copy(f, 5);
  f.writeUInt32BE(crc32c(f.subarray(0, 5 + body.length)) >>> 0, 5 + body.length);
  return f;
}

export type FrameParse =
  | { kind: 'frame'; type: number; body: Buffer; length: number }
  | { kind: 'partial' }
  | { kind: 'corrupt'; reason: string };

/** Parses the frame at `offset` of `buf` (which holds the rest of the file). */
export function parseFrame(buf: Buffer, offset: number): FrameParse {
  if (buf.length - offset < FRAME_OVERHEAD) return { kind: 'partial' };
  const type = buf.readUInt8(offset);
  const len = buf.readUInt32BE(offset + 1);
  if (len > MAX_FRAME_BODY) return { kind: 'corrupt', reason: 'frame length out of range' };
  if (buf.length - offset < FRAME_OVERHEAD + len) return { kind: 'partial' };
  const crc = buf.readUInt32BE(offset + 5 + len);
  if ((crc32c(buf.subarray(offset, offset + 5 + len)) >>> 0) !== crc) return { kind: 'corrupt', reason: 'frame checksum does not match' };
  if (type !== FRAME_EVENT && type !== FRAME_CHECKPOINT) return { kind: 'corrupt', reason: `unknown frame type ${type}` };
  return { kind: 'frame', type, body: buf.subarray(offset + 5, offset + 5 + len), length: FRAME_OVERHEAD + len };
}

export interface EventBody {
  index: number;
  prevChain: Buffer;
  nonce: Buffer;
  sealed: Buffer;
}

export function decodeEventBody(body: Buffer): EventBody | null {
  if (body.length < 8 + 32 + 12 + 16) return null;
  return {
    index: Number(body.readBigUInt64BE(0)),
    prevChain: body.subarray(8, 40),
    nonce: body.subarray(40, 52),
    sealed: body.subarray(52),
  };
}

/** Segment files are named by segment number (a restart may start a segment with no records). */
export function segmentFileName(segmentNumber: number): string {
  return `${String(segmentNumber).padStart(10, '0')}.seg`;
}

export const SEGMENT_NAME_RE = /^(\d{10})\.seg$/;
