/**
 * Reads one segment file: header, then frames until the end, a partial frame or a corrupt one.
 * Pure parsing; callers decide what a stop means (writer: recovery point; verifier: an issue).
 */
import { readFile } from 'node:fs/promises';
import { decodeHeader, parseFrame, type SegmentHeader } from './format.js';

export interface ScannedFrame {
  type: number;
  body: Buffer;
  /** Byte offset of the frame in the file. */
  offset: number;
  length: number;
}

export interface ScannedSegment {
  header: SegmentHeader;
  headerLength: number;
  frames: ScannedFrame[];
  /** Offset just after the last intact frame. */
  validLength: number;
  fileLength: number;
  /** Why scanning stopped before the end of the file, if it did. */
  stop: null | { kind: 'partial' | 'corrupt'; offset: number; reason: string };
}

/** Scans `buf` (a whole segment file, or its first `limit` bytes). Throws 'audit.bad_header'. */
export function scanSegment(buf: Buffer, limit = buf.length): ScannedSegment {
  const { header, length } = decodeHeader(buf);
  const data = buf.subarray(0, Math.min(limit, buf.length));
  const frames: ScannedFrame[] = [];
  let off = length;
  let stop: ScannedSegment['stop'] = null;
  while (off < data.length) {
    const f = parseFrame(data, off);
    if (f.kind === 'partial') {
      stop = { kind: 'partial', offset: off, reason: 'segment ends inside a frame' };
      break;
    }
    if (f.kind === 'corrupt') {
      stop = { kind: 'corrupt', offset: off, reason: f.reason };
      break;
    }
    frames.push({ type: f.type, body: f.body, offset: off, length: f.length });
    off += f.length;
  }
  return { header, headerLength: length, frames, validLength: off, fileLength: buf.length, stop };
}

export async function readSegment(path: string, limit?: number): Promise<ScannedSegment> {
  return scanSegment(await readFile(path), limit);
}
