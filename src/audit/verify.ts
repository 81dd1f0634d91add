/**
 * Offline verification of an audit directory (FORMAT.md "Verification").
 *
 *   for each segment in number order (limit = next header's prevValidLength):
 *     header: number, firstIndex, prevChain, frontier must continue the previous segment
 *     event:  index = expected, prevChain = chain, [GCM tag with the master key];
 *             chain = H(0x00||body); tree.append(chain)
 *     checkpoint: trusted Ed25519 signature, origin, size = records so far, root = tree root,
 *             chain, seq = previous + 1, prev = H(previous note)
 *   known checkpoints (held elsewhere) must match the tree at their size: else truncation / fork
 * Every finding names the segment file, byte offset and log index where it was seen.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MasterKey } from '../crypto/index.js';
import { checkpointHash, parseCheckpoint, verifyCheckpointSignature, type ParsedCheckpoint, type VerifierKey } from './checkpoint.js';
import { decodeEventBody, decodeHeader, FRAME_CHECKPOINT, FRAME_EVENT, parseFrame, ZERO_HASH, type SegmentHeader } from './format.js';
import { CompactRange, leafHash } from './merkle.js';
import { SegmentCipher } from './record-cipher.js';
import { loadPublishedKeys } from './signing-keys.js';
import { listSegments, readTrailIdentity, segmentsDir } from './trail-files.js';
import { readPruneManifest, segmentHeaderHash, type PruneManifest } from './prune.js';
import { readSegmentHeader } from './read-events.js';

export type AuditIssueKind =
  | 'trail_file' | 'key_rejected' | 'no_trusted_key' | 'unexpected_file' | 'segment_missing' | 'bad_header'
  | 'deleted' | 'inserted' | 'reordered' | 'chain_break' | 'modified' | 'truncated'
  | 'checkpoint_invalid' | 'checkpoint_signature' | 'checkpoint_mismatch' | 'checkpoint_sequence' | 'fork'
  | 'unsealed_tail' | 'torn_tail_preserved' | 'too_many_issues' | 'prune_manifest' | 'pruned_unchecked';

export interface AuditIssue {
  kind: AuditIssueKind;
  /** Segment file name (under segments/), when the finding is in one. */
  segment?: string;
  offset?: number;
  /** Log index of the record concerned. */
  index?: number;
  message: string;
}

export interface AuditVerifyReport {
  ok: boolean;
  origin: string | null;
  segments: number;
  records: number;
  checkpoints: number;
  /** Whether record contents were authenticated (GCM) too; needs the master key. */
  contentsVerified: boolean;
  lastCheckpoint: { size: number; seq: number; time: string; root: string } | null;
  /** Records 0..records-1 (segments 0..segments-1) removed by retention under a signed manifest (not an issue). */
  pruned: { segments: number; records: number; time: string } | null;
  issues: AuditIssue[];
  warnings: AuditIssue[];
}

export interface VerifyOptions {
  /** Trusted public keys (C2SP vkeys), e.g. for verification without the master key. */
  trustedKeys?: readonly string[];
  /** Checkpoint notes kept outside the trail (witness, monitor, earlier verify): detect rollback and forks. */
  knownCheckpoints?: readonly string[];
}

const MAX_ISSUES = 1000;

/**
 * Verifies DIR. With the master key, also authenticates every record and trusts the public keys
 * whose MAC verifies; without it, pass `trustedKeys`. `ok` is false when any issue was found.
 */
export async function verifyAuditTrail(dir: string, masterKey?: MasterKey | null, opts: VerifyOptions = {}): Promise<AuditVerifyReport> {
  const issues: AuditIssue[] = [];
  const warnings: AuditIssue[] = [];
  const add = (i: AuditIssue) => {
    if (issues.length < MAX_ISSUES) issues.push(i);
    else if (issues.length === MAX_ISSUES) issues.push({ kind: 'too_many_issues', message: 'further issues omitted' });
  };
  const report = (): AuditVerifyReport => ({ ok: issues.length === 0, origin, segments: segs.length, records: expected, checkpoints: cpCount, contentsVerified: !!masterKey, lastCheckpoint: lastCp ? { size: lastCp.size, seq: lastCp.seq, time: lastCp.time.toISOString(), root: lastCp.root.toString('hex') } : null, pruned: prunedInfo, issues, warnings });

  let origin: string | null = null;
  let expected = 0;
  let cpCount = 0;
  let lastCp: ParsedCheckpoint | null = null;
  let segs: { name: string; segmentNumber: number }[] = [];
  let prunedInfo: AuditVerifyReport['pruned'] = null;
  try {
    origin = (await readTrailIdentity(dir))?.origin ?? null;
    if (!origin) add({ kind: 'trail_file', message: 'TRAIL file is missing' });
  } catch {
    add({ kind: 'trail_file', message: 'TRAIL file is malformed' });
  }
  const published = await loadPublishedKeys(dir, { ...(masterKey ? { masterKey } : {}), ...(opts.trustedKeys ? { trustedKeys: opts.trustedKeys } : {}) });
  for (const r of published.rejected) add({ kind: 'key_rejected', message: `${r.file}: ${r.reason}` });
  const keys: ReadonlyMap<string, VerifierKey> = published.keys;
  if (keys.size === 0) add({ kind: 'no_trusted_key', message: 'no trusted public key: checkpoints cannot be verified (pass the master key or trusted keys)' });

  const listing = await listSegments(dir);
  segs = listing.segments;
  for (const u of listing.unexpected) add({ kind: 'unexpected_file', segment: u, message: 'file in segments/ is not a segment of this trail (added file)' });
  // Retention: a signed manifest accounts for the removed oldest segments (prune.ts).
  const manifest = await readPruneManifest(dir, keys);
  let pruned: PruneManifest | null = null;
  if (manifest === 'invalid') add({ kind: 'prune_manifest', message: 'PRUNED manifest is malformed or not signed by a trusted key' });
  else if (manifest && manifest.origin !== origin) add({ kind: 'prune_manifest', message: 'PRUNED manifest belongs to another trail' });
  else if (manifest && segs[0]) {
    if (segs[0].segmentNumber === manifest.segment) {
      if ((await segmentHeaderHash(join(segmentsDir(dir), segs[0].name))).equals(manifest.headerHash)) pruned = manifest;
      else add({ kind: 'chain_break', segment: segs[0].name, offset: 0, message: 'the first retained segment is not the one the PRUNED manifest names (replaced segment)' });
    } else if (segs[0].segmentNumber < manifest.segment) {
      warnings.push({ kind: 'prune_manifest', message: `segments before ${manifest.segment} are still present (a prune was interrupted); they are verified normally` });
    }
  }
  if (pruned) prunedInfo = { segments: pruned.segment, records: pruned.firstIndex, time: pruned.time.toISOString() };
  segs.forEach((s, i) => {
    if (i === 0 && pruned) return;
    if (s.segmentNumber !== i && (i === 0 || (segs[i - 1] as { segmentNumber: number }).segmentNumber !== s.segmentNumber - 1)) {
      add({ kind: 'segment_missing', segment: s.name, message: `segment files before ${s.name} are missing (expected number ${i === 0 ? 0 : (segs[i - 1] as { segmentNumber: number }).segmentNumber + 1})` });
    }
  });

  const known = new Map<number, ParsedCheckpoint[]>();
  for (const note of opts.knownCheckpoints ?? []) {
    const cp = parseCheckpoint(note);
    if (!cp || cp.origin !== origin) add({ kind: 'checkpoint_invalid', message: 'a known checkpoint is malformed or belongs to another trail' });
    else if (!verifyCheckpointSignature(cp, keys)) add({ kind: 'checkpoint_signature', message: `known checkpoint of size ${cp.size} has no valid trusted signature` });
    else if (pruned && cp.size < pruned.firstIndex) warnings.push({ kind: 'pruned_unchecked', index: cp.size, message: `known checkpoint of size ${cp.size} lies in the pruned range and cannot be compared` });
    else known.set(cp.size, [...(known.get(cp.size) ?? []), cp]);
  }
  let range = new CompactRange();
  const checkKnown = () => {
    for (const cp of known.get(range.size) ?? []) {
      if (!cp.root.equals(range.root())) add({ kind: 'fork', index: range.size, message: `the log at size ${cp.size} differs from a known checkpoint (seq ${cp.seq}): forked or rewritten history` });
    }
  };
  checkKnown();

  let chain: Buffer = ZERO_HASH;
  let cpSeq = -1;
  let cpPrev: Buffer | null = null;
  if (pruned && segs[0]) {
    // Continue from the first retained header, which the signed manifest pins by hash.
    const h = await readSegmentHeader(join(segmentsDir(dir), segs[0].name));
    expected = pruned.firstIndex;
    chain = h.prevChain;
    range = new CompactRange(h.firstIndex, h.frontier);
    cpSeq = pruned.checkpointSeq ?? -1;
    cpPrev = pruned.checkpointHash;
  }
  let gapReported = -1;
  const recordKey = masterKey ? SegmentCipher.recordKey(masterKey) : null;
  let buf: Buffer | null = segs[0] ? await readFile(join(segmentsDir(dir), segs[0].name)) : null;
  for (let si = 0; si < segs.length; si++) {
    const name = (segs[si] as { name: string }).name;
    const cur = buf as Buffer;
    const nextName = segs[si + 1]?.name;
    buf = nextName ? await readFile(join(segmentsDir(dir), nextName)) : null;
    let header: SegmentHeader;
    let headerLength: number;
    try {
      ({ header, length: headerLength } = decodeHeader(cur));
    } catch (e) {
      add({ kind: 'bad_header', segment: name, offset: 0, message: (e as Error).message });
      continue;
    }
    let limit = cur.length;
    // Only the immediate successor's header says how long this file is (a gap is reported above).
    if (buf && segs[si + 1]?.segmentNumber === (segs[si] as { segmentNumber: number }).segmentNumber + 1) {
      try {
        limit = decodeHeader(buf).header.prevValidLength;
      } catch {
        // reported when that segment is reached
      }
    }
    if (header.segmentNumber !== (segs[si] as { segmentNumber: number }).segmentNumber) add({ kind: 'bad_header', segment: name, offset: 0, message: 'segment number in the header does not match the file name (renamed segment)' });
    if (header.firstIndex !== expected && gapReported !== header.firstIndex) {
      add({ kind: header.firstIndex > expected ? 'deleted' : 'inserted', segment: name, offset: 0, index: expected, message: header.firstIndex > expected ? `records ${expected}..${header.firstIndex - 1} are missing before this segment` : `segment restarts at record ${header.firstIndex} although ${expected} records precede it` });
    } else if (header.firstIndex === expected && (!header.prevChain.equals(chain) || !new CompactRange(header.firstIndex, header.frontier).root().equals(range.root()))) {
      add({ kind: 'chain_break', segment: name, offset: 0, index: expected, message: 'segment header does not continue the previous segment (replaced or forked segment)' });
    }
    // Continue from what the header claims, so one break is reported once; checkpoints catch the rest.
    expected = header.firstIndex;
    chain = header.prevChain;
    range = new CompactRange(header.firstIndex, header.frontier);
    if (limit < cur.length) warnings.push({ kind: 'torn_tail_preserved', segment: name, offset: limit, message: `${cur.length - limit} bytes after the valid end (torn by a crash and preserved at recovery) are not part of the log` });
    const data = cur.subarray(0, Math.min(limit, cur.length));
    const cipher = recordKey ? new SegmentCipher(header.salt, recordKey) : null;
    const indexes = new Set<number>();
    for (let o = headerLength; o < data.length; ) {
      const f = parseFrame(data, o);
      if (f.kind !== 'frame') break;
      if (f.type === FRAME_EVENT && f.body.length >= 8) indexes.add(Number(f.body.readBigUInt64BE(0)));
      o += f.length;
    }
    let resync = false;
    let off = headerLength;
    while (off < data.length) {
      const f = parseFrame(data, off);
      if (f.kind === 'partial') {
        add({ kind: 'truncated', segment: name, offset: off, index: expected, message: 'segment ends inside a record' });
        off = -1;
        break;
      }
      if (f.kind === 'corrupt') {
        const len = data.length - off >= 5 ? data.readUInt32BE(off + 1) : -1;
        add({ kind: 'modified', segment: name, offset: off, index: expected, message: `${f.reason}: bytes were modified` });
        if (len < 0 || off + 9 + len > data.length) break;
        off += 9 + len;
        resync = true;
        continue;
      }
      const at = { segment: name, offset: off };
      off += f.length;
      if (f.type === FRAME_EVENT) {
        const b = decodeEventBody(f.body);
        if (!b) {
          add({ kind: 'modified', ...at, index: expected, message: 'record is too short' });
          resync = true;
          continue;
        }
        let reported = resync;
        if (b.index !== expected && !resync) {
          reported = true;
          if (b.index > expected) {
            add({ kind: indexes.has(expected) ? 'reordered' : 'deleted', ...at, index: expected, message: indexes.has(expected) ? `record ${b.index} stands where record ${expected} belongs` : `records ${expected}..${b.index - 1} are missing` });
          } else add({ kind: indexes.has(b.index) && b.index < expected ? 'reordered' : 'inserted', ...at, index: b.index, message: `record ${b.index} appears after record ${expected - 1}` });
        }
        if (!b.prevChain.equals(chain) && !reported) add({ kind: 'chain_break', ...at, index: b.index, message: 'record does not link to its predecessor: the previous record was modified, removed or replaced' });
        if (cipher) {
          const pt = cipher.open(b.index, b.prevChain, b.nonce, b.sealed);
          let good = pt !== null;
          if (pt) {
            try {
              JSON.parse(pt.toString('utf8'));
            } catch {
              good = false;
            }
          }
          if (!good) add({ kind: 'modified', ...at, index: b.index, message: 'record fails authentication: modified or forged' });
        }
        resync = false;
        chain = leafHash(f.body);
        range.append(chain);
        expected = b.index + 1;
        checkKnown();
        continue;
      }
      if (f.type === FRAME_CHECKPOINT) {
        cpCount += 1;
        const note = f.body.toString('utf8');
        const cp = parseCheckpoint(note);
        if (!cp) {
          add({ kind: 'checkpoint_invalid', ...at, index: expected, message: 'checkpoint is malformed' });
          continue;
        }
        if (cp.origin !== origin) add({ kind: 'checkpoint_invalid', ...at, index: expected, message: 'checkpoint belongs to another trail' });
        else if (!verifyCheckpointSignature(cp, keys)) add({ kind: 'checkpoint_signature', ...at, index: expected, message: `checkpoint seq ${cp.seq} has no valid signature by a trusted key (forged or recomputed)` });
        if (cp.size > expected) {
          add({ kind: 'deleted', ...at, index: expected, message: `checkpoint seq ${cp.seq} covers ${cp.size} records but only ${expected} precede it: records ${expected}..${cp.size - 1} were removed` });
        } else if (cp.size < expected) {
          add({ kind: 'inserted', ...at, index: cp.size, message: `checkpoint seq ${cp.seq} covers ${cp.size} records but ${expected} precede it: records were added` });
        } else if (!cp.root.equals(range.root()) || !cp.chain.equals(chain)) {
          add({ kind: 'checkpoint_mismatch', ...at, index: expected, message: `checkpoint seq ${cp.seq} signs ${cp.size} records with a different root than the ${expected} records before it: records were modified, inserted, deleted or reordered` });
        }
        if (cp.seq !== cpSeq + 1) add({ kind: 'checkpoint_sequence', ...at, index: expected, message: `checkpoint seq ${cp.seq} follows seq ${cpSeq}: checkpoints are missing or repeated` });
        else if (cpPrev === null ? cp.prev !== null : !cp.prev || !cp.prev.equals(cpPrev)) add({ kind: 'fork', ...at, index: expected, message: `checkpoint seq ${cp.seq} does not extend the previous checkpoint: another history` });
        if (lastCp && cp.time < lastCp.time) warnings.push({ kind: 'checkpoint_sequence', ...at, message: `checkpoint seq ${cp.seq} is dated before its predecessor` });
        cpSeq = cp.seq;
        cpPrev = checkpointHash(note);
        lastCp = cp;
      }
    }
    if (cur.length < limit && off !== -1) {
      // The file is shorter than the next header says. At a frame boundary with records missing
      // before the next segment, call it what it is (records deleted from the end of this file).
      let nextFirst = -1;
      try {
        nextFirst = decodeHeader(buf as Buffer).header.firstIndex;
      } catch {
        // reported when that segment is reached
      }
      if (off === cur.length && nextFirst > expected) {
        add({ kind: 'deleted', segment: name, offset: cur.length, index: expected, message: `records ${expected}..${nextFirst - 1} were removed from the end of this segment` });
        gapReported = nextFirst;
      } else add({ kind: 'truncated', segment: name, offset: cur.length, index: expected, message: `segment is ${cur.length} bytes but ${limit} bytes of it are part of the log` });
    }
  }
  for (const [size] of known) {
    if (size > expected) add({ kind: 'truncated', index: expected, message: `a known checkpoint covers ${size} records but the log has ${expected}: records were removed from the end` });
  }
  const sealed = lastCp ? lastCp.size : 0;
  if (expected > sealed) warnings.push({ kind: 'unsealed_tail', index: sealed, message: `${expected - sealed} records after the last checkpoint are not covered by a signature (crash before recovery, or truncation)` });
  return report();
}
