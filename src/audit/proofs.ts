/**
 * Proof bundles a third party can check with the trail's public key alone.
 *
 *   inclusion:   { checkpoint note (signed: size n, root R), index i, leaf = H(0x00 || stored record), path }
 *                verify: signature(note) by a trusted vkey, then RFC 9162 inclusion(leaf, i, n, path, R)
 *   consistency: { old note (m, R1), new note (n, R2), path }
 *                verify: both signatures, then RFC 9162 consistency(m, n, R1, R2, path)
 * The leaf commits to the stored (encrypted) record; proving what a record says also needs its
 * plaintext, which only a master key holder can produce.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MasterKey } from '../crypto/index.js';
import { CofferError } from '../shared/index.js';
import { parseCheckpoint, parseVkey, verifyCheckpointSignature, type VerifierKey } from './checkpoint.js';
import { FRAME_CHECKPOINT, FRAME_EVENT } from './format.js';
import { leafHash } from './merkle.js';
import { consistencyProof, consistencyProofWith, inclusionProof, inclusionProofWith, prunedSubtreeHash, verifyConsistency, verifyInclusion } from './merkle-proofs.js';
import { readAuditEvents, readSegmentHeader } from './read-events.js';
import { scanSegment } from './segment-reader.js';
import { listSegments, segmentsDir } from './trail-files.js';

export interface InclusionBundle {
  index: number;
  /** hex H(0x00 || stored record). */
  leafHash: string;
  /** hex sibling hashes, leaf to root. */
  path: string[];
  /** Signed checkpoint note whose tree contains the record. */
  checkpoint: string;
}

export interface ConsistencyBundle {
  oldCheckpoint: string;
  newCheckpoint: string;
  path: string[];
}

/**
 * Leaf hashes of the retained log (from `firstIndex`, after retention pruning; 0 otherwise), the
 * compact range of the pruned prefix, and the checkpoint notes, in log order.
 */
async function scanLog(dir: string): Promise<{ firstIndex: number; frontier: Buffer[]; leaves: Buffer[]; checkpoints: string[] }> {
  const { segments } = await listSegments(dir);
  const leaves: Buffer[] = [];
  const checkpoints: string[] = [];
  let firstIndex = 0;
  let frontier: Buffer[] = [];
  for (let i = 0; i < segments.length; i++) {
    const next = segments[i + 1];
    const limit = next ? (await readSegmentHeader(join(segmentsDir(dir), next.name))).prevValidLength : undefined;
    const seg = scanSegment(await readFile(join(segmentsDir(dir), (segments[i] as { name: string }).name)), limit);
    if (i === 0) {
      firstIndex = seg.header.firstIndex;
      frontier = seg.header.frontier;
    }
    if (seg.header.firstIndex !== firstIndex + leaves.length) throw new CofferError('audit.integrity', { message: 'audit log is not contiguous; run coffer audit verify' });
    for (const f of seg.frames) {
      if (f.type === FRAME_EVENT) leaves.push(leafHash(f.body));
      else if (f.type === FRAME_CHECKPOINT) checkpoints.push(f.body.toString('utf8'));
    }
  }
  return { firstIndex, frontier, leaves, checkpoints };
}

function pruned(): CofferError {
  return new CofferError('audit.pruned', { message: 'the proof needs records removed by retention' });
}

function pickCheckpoint(checkpoints: string[], atLeast: number, size?: number): string {
  const found = checkpoints.find((n) => {
    const cp = parseCheckpoint(n);
    return cp !== null && (size === undefined ? cp.size >= atLeast : cp.size === size);
  });
  const newest = [...checkpoints].reverse().find((n) => (parseCheckpoint(n)?.size ?? -1) >= atLeast);
  const note = size === undefined ? newest : found;
  if (!note) throw new CofferError('audit.no_checkpoint', { message: 'no checkpoint covers the requested size yet' });
  return note;
}

/**
 * Inclusion proof of record `index` (or of the event with `eventId`, which needs the master key)
 * against the newest checkpoint, or the one of size `checkpointSize`.
 */
export async function proveInclusion(dir: string, what: { index: number } | { eventId: string; masterKey: MasterKey }, opts: { checkpointSize?: number } = {}): Promise<InclusionBundle> {
  let index: number;
  if ('index' in what) index = what.index;
  else {
    index = -1;
    for await (const s of readAuditEvents(dir, what.masterKey)) {
      if (s.event.eventID === what.eventId) {
        index = s.index;
        break;
      }
    }
    if (index < 0) throw new CofferError('audit.no_such_event', { message: 'no event with that id' });
  }
  const { firstIndex, frontier, leaves, checkpoints } = await scanLog(dir);
  if (!Number.isInteger(index) || index < 0 || index >= firstIndex + leaves.length) throw new CofferError('audit.no_such_event', { message: 'record index out of range' });
  if (index < firstIndex) throw pruned();
  const note = pickCheckpoint(checkpoints, index + 1, opts.checkpointSize);
  const size = (parseCheckpoint(note) as { size: number }).size;
  const path = firstIndex === 0 ? inclusionProof(leaves.slice(0, size), index) : withPruned(() => inclusionProofWith(prunedSubtreeHash(firstIndex, frontier, leaves), size, index));
  return { index, leafHash: (leaves[index - firstIndex] as Buffer).toString('hex'), path: path.map((h) => h.toString('hex')), checkpoint: note };
}

/** Consistency proof between the checkpoints of sizes `oldSize` and `newSize` (default: newest). */
export async function proveConsistency(dir: string, oldSize: number, newSize?: number): Promise<ConsistencyBundle> {
  const { firstIndex, frontier, leaves, checkpoints } = await scanLog(dir);
  if (oldSize < firstIndex) throw pruned();
  const oldNote = pickCheckpoint(checkpoints, oldSize, oldSize);
  const newNote = pickCheckpoint(checkpoints, oldSize, newSize);
  const n = (parseCheckpoint(newNote) as { size: number }).size;
  const path = firstIndex === 0 ? consistencyProof(leaves.slice(0, n), oldSize) : withPruned(() => consistencyProofWith(prunedSubtreeHash(firstIndex, frontier, leaves), n, oldSize));
  return { oldCheckpoint: oldNote, newCheckpoint: newNote, path: path.map((h) => h.toString('hex')) };
}

function withPruned<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RangeError && e.message === 'pruned') throw pruned();
    throw e;
  }
}

function trusted(vkeys: readonly string[]): Map<string, VerifierKey> {
  const m = new Map<string, VerifierKey>();
  for (const v of vkeys) {
    const k = parseVkey(v);
    if (k) m.set(k.keyId, k);
  }
  return m;
}

/** Checks an inclusion bundle with public keys only. */
export function verifyInclusionBundle(b: InclusionBundle, vkeys: readonly string[]): boolean {
  const cp = parseCheckpoint(b.checkpoint);
  if (!cp || !verifyCheckpointSignature(cp, trusted(vkeys))) return false;
  return verifyInclusion(Buffer.from(b.leafHash, 'hex'), b.index, cp.size, b.path.map((h) => Buffer.from(h, 'hex')), cp.root);
}

/** Checks a consistency bundle with public keys only: the old tree is a prefix of the new one. */
export function verifyConsistencyBundle(b: ConsistencyBundle, vkeys: readonly string[]): boolean {
  const keys = trusted(vkeys);
  const a = parseCheckpoint(b.oldCheckpoint);
  const c = parseCheckpoint(b.newCheckpoint);
  if (!a || !c || a.origin !== c.origin || !verifyCheckpointSignature(a, keys) || !verifyCheckpointSignature(c, keys)) return false;
  return verifyConsistency(a.size, c.size, a.root, c.root, b.path.map((h) => Buffer.from(h, 'hex')));
}
