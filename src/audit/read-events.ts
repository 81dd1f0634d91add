/**
 * Reads and decrypts stored events in log order (or newest first). Each segment is read only up
 * to the length the next segment's header records as valid, so bytes torn by a crash and
 * preserved at recovery are never returned. A record whose GCM tag fails stops the read with
 * 'audit.integrity' (run verifyAuditTrail for the details).
 */
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MasterKey } from '../crypto/index.js';
import { CofferError } from '../shared/index.js';
import type { AuditEvent, StoredEvent } from './event.js';
import { decodeEventBody, decodeHeader, FRAME_EVENT, type SegmentHeader } from './format.js';
import { SegmentCipher } from './record-cipher.js';
import { scanSegment } from './segment-reader.js';
import { listSegments, segmentsDir } from './trail-files.js';

const MAX_HEADER = 81 + 64 * 32 + 8;

export async function readSegmentHeader(path: string): Promise<SegmentHeader> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(MAX_HEADER);
    const { bytesRead } = await fh.read(buf, 0, MAX_HEADER, 0);
    return decodeHeader(buf.subarray(0, bytesRead)).header;
  } finally {
    await fh.close();
  }
}

export interface ReadEventsOptions {
  /** Newest first (default: oldest first). */
  reverse?: boolean;
  /** Only records with a smaller index (used for paging newest first). */
  beforeIndex?: number;
  /** Only records with this index or a larger one (segments wholly before it are not read). */
  fromIndex?: number;
}

/** Yields every stored event with its log index. Memory: one segment at a time. */
export async function* readAuditEvents(dir: string, masterKey: MasterKey, opts: ReadEventsOptions = {}): AsyncGenerator<StoredEvent> {
  const { segments } = await listSegments(dir);
  const paths = segments.map((s) => join(segmentsDir(dir), s.name));
  const recordKey = SegmentCipher.recordKey(masterKey);
  const order = paths.map((_, i) => i);
  if (opts.reverse) order.reverse();
  for (const i of order) {
    if (opts.beforeIndex !== undefined && (await readSegmentHeader(paths[i] as string)).firstIndex >= opts.beforeIndex) continue;
    const next = paths[i + 1];
    const nextHeader = next ? await readSegmentHeader(next) : undefined;
    if (opts.fromIndex !== undefined && nextHeader && nextHeader.firstIndex <= opts.fromIndex) continue;
    const limit = nextHeader?.prevValidLength;
    const seg = scanSegment(await readFile(paths[i] as string), limit);
    const cipher = new SegmentCipher(seg.header.salt, recordKey);
    const events: StoredEvent[] = [];
    for (const f of seg.frames) {
      if (f.type !== FRAME_EVENT) continue;
      const b = decodeEventBody(f.body);
      if (b && opts.beforeIndex !== undefined && b.index >= opts.beforeIndex) continue;
      if (b && opts.fromIndex !== undefined && b.index < opts.fromIndex) continue;
      const pt = b && cipher.open(b.index, b.prevChain, b.nonce, b.sealed);
      if (!b || !pt) throw new CofferError('audit.integrity', { message: 'an audit record failed its integrity check; run coffer audit verify' });
      events.push({ index: b.index, event: JSON.parse(pt.toString('utf8')) as AuditEvent });
    }
    if (opts.reverse) events.reverse();
    yield* events;
  }
}
