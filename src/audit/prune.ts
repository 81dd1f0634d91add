/**
 * Retention: removing old segments so that what remains still verifies (FORMAT.md "Retention").
 *
 *   prunable(s)  = s is not the newest segment, every earlier segment is prunable, and the first
 *                  checkpoint covering all of s's records (size >= next.firstIndex) is dated
 *                  before the cutoff (its time is after every record it covers)
 *   manifest     = signed note in DIR/PRUNED (Ed25519, the checkpoint signing key):
 *                    <origin>\n pruned <N>\n first-index <I>\n header <hex H(header of segment N)>\n
 *                    checkpoint-seq <S|none>\n checkpoint <hex H(last checkpoint note before N)|none>\n
 *                    time <ISO>\n \n — <origin> base64(keyid || sig)\n
 *   order        = write the manifest durably, then delete segments 0..N-1 (a crash in between
 *                  leaves extra segments, which verify reads normally and the next prune removes)
 *   verify       = the first segment present must be N with exactly that header: records 0..I-1
 *                  are then reported as pruned, and the Merkle root, chain and checkpoint sequence
 *                  continue from the header's frontier and the manifest's checkpoint link
 * Deleting segments without a manifest signed by the trail's key is still reported as deletion.
 */
import { createHash, sign, verify as verifySig } from 'node:crypto';
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { CofferError } from '../shared/index.js';
import { checkpointHash, parseCheckpoint, type VerifierKey } from './checkpoint.js';
import { decodeHeader, FRAME_CHECKPOINT } from './format.js';
import { fsyncDir, writeFileDurable } from './fs-util.js';
import { readSegmentHeader } from './read-events.js';
import { readSegment } from './segment-reader.js';
import type { SigningKey } from './signing-keys.js';
import { listSegments, segmentsDir } from './trail-files.js';

const EM_DASH = '\u2014';
export const PRUNED_FILE = 'PRUNED';

export interface PruneManifest {
  origin: string;
  /** Segments 0..segment-1 were removed; the first retained segment is `segment`. */
  segment: number;
  /** Log index of the first retained record (= records removed). */
  firstIndex: number;
  /** SHA-256 of the first retained segment's header bytes. */
  headerHash: Buffer;
  /** The last checkpoint before the retained segments (sequence and note hash), if any. */
  checkpointSeq: number | null;
  checkpointHash: Buffer | null;
  time: Date;
}

function manifestText(m: PruneManifest): string {
  return [
    m.origin,
    `pruned ${m.segment}`,
    `first-index ${m.firstIndex}`,
    `header ${m.headerHash.toString('hex')}`,
    `checkpoint-seq ${m.checkpointSeq ?? 'none'}`,
    `checkpoint ${m.checkpointHash ? m.checkpointHash.toString('hex') : 'none'}`,
    `time ${m.time.toISOString()}`,
    '',
  ].join('\n');
}

function signManifest(m: PruneManifest, key: SigningKey): string {
  const text = manifestText(m);
  const sig = sign(null, Buffer.from(text, 'utf8'), key.privateKey);
  return `${text}\n${EM_DASH} ${key.name} ${Buffer.concat([Buffer.from(key.keyId, 'hex'), sig]).toString('base64')}\n`;
}

/** Parses DIR/PRUNED and checks its signature; null when absent; 'invalid' when malformed or unsigned. */
export async function readPruneManifest(dir: string, keys: ReadonlyMap<string, VerifierKey>): Promise<PruneManifest | null | 'invalid'> {
  let note: string;
  try {
    note = await readFile(join(dir, PRUNED_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const split = note.indexOf('\n\n');
  if (split < 0) return 'invalid';
  const text = note.slice(0, split + 1);
  const m = /^(\S+)\npruned (\d+)\nfirst-index (\d+)\nheader ([0-9a-f]{64})\ncheckpoint-seq (none|\d+)\ncheckpoint (none|[0-9a-f]{64})\ntime (\S+)\n$/.exec(text);
  const s = new RegExp(`^${EM_DASH} (\\S+) ([A-Za-z0-9+/=]+)\\n$`).exec(note.slice(split + 2));
  if (!m || !s) return 'invalid';
  const raw = Buffer.from(s[2] as string, 'base64');
  const key = keys.get(raw.subarray(0, 4).toString('hex'));
  if (!key || key.name !== s[1] || !verifySig(null, Buffer.from(text, 'utf8'), key.publicKey, raw.subarray(4))) return 'invalid';
  const time = new Date(m[7] as string);
  if (Number.isNaN(time.getTime()) || (m[5] === 'none') !== (m[6] === 'none')) return 'invalid';
  return {
    origin: m[1] as string,
    segment: Number(m[2]),
    firstIndex: Number(m[3]),
    headerHash: Buffer.from(m[4] as string, 'hex'),
    checkpointSeq: m[5] === 'none' ? null : Number(m[5]),
    checkpointHash: m[6] === 'none' ? null : Buffer.from(m[6] as string, 'hex'),
    time,
  };
}

/** SHA-256 of a segment file's header bytes. */
export async function segmentHeaderHash(path: string): Promise<Buffer> {
  const buf = await readFile(path);
  const { length } = decodeHeader(buf);
  return createHash('sha256').update(buf.subarray(0, length)).digest();
}

export interface PruneResult {
  /** Segment files removed by this call. */
  segmentsRemoved: number;
  /** Log index of the first retained record afterwards. */
  firstIndex: number;
}

/**
 * Removes the oldest segments whose records are all older than `before` (never the newest
 * segment), after durably writing a manifest signed with `key`. Idempotent.
 */
export async function pruneSegments(dir: string, o: { origin: string; key: SigningKey; before: Date; now: Date }): Promise<PruneResult> {
  const { segments } = await listSegments(dir);
  const path = (name: string) => join(segmentsDir(dir), name);
  if (segments.length < 2) return { segmentsRemoved: 0, firstIndex: segments[0] ? (await readSegmentHeader(path(segments[0].name))).firstIndex : 0 };
  const headers = await Promise.all(segments.map((s) => readSegmentHeader(path(s.name))));
  // Checkpoints (size, time, seq, note hash) in log order, with the segment each sits in.
  const cps: { seg: number; size: number; time: Date; seq: number; hash: Buffer }[] = [];
  for (let i = 0; i < segments.length; i++) {
    const next = headers[i + 1];
    const seg = await readSegment(path((segments[i] as { name: string }).name), next?.prevValidLength);
    for (const f of seg.frames) {
      if (f.type !== FRAME_CHECKPOINT) continue;
      const note = f.body.toString('utf8');
      const cp = parseCheckpoint(note);
      if (cp) cps.push({ seg: i, size: cp.size, time: cp.time, seq: cp.seq, hash: checkpointHash(note) });
    }
  }
  let keep = 0;
  while (keep < segments.length - 1) {
    const end = (headers[keep + 1] as { firstIndex: number }).firstIndex;
    const covering = cps.find((c) => c.size >= end);
    if (!covering || covering.time.getTime() >= o.before.getTime()) break;
    keep += 1;
  }
  if (keep === 0) return { segmentsRemoved: 0, firstIndex: (headers[0] as { firstIndex: number }).firstIndex };
  const first = segments[keep] as { name: string; segmentNumber: number };
  const lastBefore = [...cps].reverse().find((c) => c.seg < keep);
  const manifest: PruneManifest = {
    origin: o.origin,
    segment: first.segmentNumber,
    firstIndex: (headers[keep] as { firstIndex: number }).firstIndex,
    headerHash: await segmentHeaderHash(path(first.name)),
    checkpointSeq: lastBefore?.seq ?? null,
    checkpointHash: lastBefore?.hash ?? null,
    time: o.now,
  };
  if (manifest.checkpointSeq === null && (headers[0] as { firstIndex: number }).firstIndex > 0) {
    throw new CofferError('audit.corrupt', { message: 'cannot prune: the pruned segments hold no checkpoint' });
  }
  await writeFileDurable(join(dir, PRUNED_FILE), signManifest(manifest, o.key), { replace: true });
  for (const s of segments.slice(0, keep)) await unlink(path(s.name));
  await fsyncDir(segmentsDir(dir));
  return { segmentsRemoved: keep, firstIndex: manifest.firstIndex };
}
