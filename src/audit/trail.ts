/**
 * The audit trail writer: one sequencer, group commit, signed checkpoints (FORMAT.md).
 *
 *   record(e):  redact -> JSON -> queue; resolves after the batch holding it is fdatasync'ed
 *   pump():     while queued: take a batch; for each event
 *                 body = seal(index, chain, json); leaf = H(0x00||body); chain = leaf; tree.append(leaf)
 *               (+ checkpoint frame when due) -> one write -> one fdatasync -> resolve the batch
 *   open:       read the last segment (torn tail tolerated), rebuild chain + compact range,
 *               start a NEW segment recording the previous one's valid length, sign a checkpoint
 *   failure:    any write/sync error poisons the trail: every later record() rejects
 *               ('audit.unavailable'), so the request fails closed (503) instead of going unaudited
 */
import { randomBytes, sign } from 'node:crypto';
import { keyFingerprint } from './export.js';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { MasterKey } from '../crypto/index.js';
import { CofferError, systemClock, type Clock } from '../shared/index.js';
import { checkpointHash, parseCheckpoint, signCheckpoint } from './checkpoint.js';
import type { AuditEvent } from './event.js';
import { encodeFrame, encodeHeader, FRAME_CHECKPOINT, FRAME_EVENT, MAX_FRAME_BODY, segmentFileName, ZERO_HASH } from './format.js';
import { fsyncDir, writeFileDurable } from './fs-util.js';
import { lookupEvents, runLookup, type LookupEventsInput, type LookupEventsOutput } from './lookup.js';
import { EventIndex, type IndexRow } from './event-index.js';
import { pruneSegments, type PruneResult } from './prune.js';
import { readAuditEvents } from './read-events.js';
import { CompactRange, leafHash } from './merkle.js';
import { SegmentCipher } from './record-cipher.js';
import { redactEvent } from './redact.js';
import { readSegment } from './segment-reader.js';
import { loadOrCreateSigningKey, rotateSigningKey, type SigningKey } from './signing-keys.js';
import { createTrailIdentity, listSegments, readTrailIdentity, segmentsDir } from './trail-files.js';

export interface AuditTrailOptions {
  /** Audit directory (e.g. DATA_DIR/audit); created if missing. */
  dir: string;
  masterKey: MasterKey;
  accountId: string;
  region: string;
  clock?: Clock;
  /** Sign a checkpoint at least this often while records arrive (default 60 000 ms). */
  checkpointIntervalMs?: number;
  /** ...and after this many records (default 10 000). */
  checkpointEvery?: number;
  /** Start a new segment file past this size (default 16 MiB). */
  maxSegmentBytes?: number;
  /** record() waits while more than this many bytes are queued (default 8 MiB). */
  maxQueuedBytes?: number;
  /** Called with each checkpoint note once it is durable, e.g. to store it outside the trail. */
  onCheckpoint?: (note: string) => void;
  /** Keep the LookupEvents index (DIR/lookup.db, event-index.ts); default true. */
  index?: boolean;
  /** Retention: segments whose records are all older than this are pruned (prune.ts) at open and hourly; default: keep forever. */
  retentionMs?: number;
}

export interface RecordOptions {
  /** Exact secret values of this request (secret key, session token, signature...), hidden wherever they appear. */
  secrets?: readonly string[];
}

export interface AuditTrailStats {
  records: number;
  batches: number;
  fsyncs: number;
  segments: number;
  checkpoints: number;
  /** Largest number of event bytes queued at once (bounded by maxQueuedBytes + one event). */
  peakQueuedBytes: number;
}

interface Pending {
  json: Buffer;
  /** The stored (redacted, size-limited) event and its JSON text, for the lookup index. */
  stored: AuditEvent;
  text: string;
  resolve: (r: { index: number; eventID: string }) => void;
  reject: (e: unknown) => void;
  eventID: string;
}

export interface AuditTrail {
  /** The trail's identity, the origin line of its checkpoints. */
  readonly origin: string;
  /** Appends one event; resolves once it is durable, rejects 'audit.unavailable' when it cannot be. */
  record(event: AuditEvent, opts?: RecordOptions): Promise<{ index: number; eventID: string }>;
  /** Signs a checkpoint now (after everything queued) and returns its note. */
  checkpoint(): Promise<string>;
  /** The newest durable checkpoint note, if any. */
  latestCheckpoint(): string | null;
  /** Public key (C2SP vkey) that signs new checkpoints. */
  publicKey(): string;
  /** Creates a new signing key; later checkpoints use it. Returns its vkey. */
  rotateSigningKey(): Promise<string>;
  stats(): AuditTrailStats;
  /** CloudTrail LookupEvents over this trail (newest first); see lookup.ts. */
  lookupEvents(input?: LookupEventsInput): Promise<LookupEventsOutput>;
  /** Signs CloudTrail-format export digests with the checkpoint key (export.ts). */
  signExport(data: Buffer): { signature: Buffer; fingerprint: string; algorithm: 'Ed25519' };
  /** Removes the oldest segments whose records are all older than `before` (signed manifest; see prune.ts). */
  prune(before: Date): Promise<PruneResult>;
  /** Flushes, signs a final checkpoint and closes the segment. Later record() calls reject. */
  close(): Promise<void>;
}

export async function openAuditTrail(o: AuditTrailOptions): Promise<AuditTrail> {
  const w = new TrailWriter(o);
  await w.init();
  return w;
}

class TrailWriter implements AuditTrail {
  origin = '';
  private readonly clock: Clock;
  private readonly recordKey: Buffer;
  private key!: SigningKey;
  private fh: FileHandle | null = null;
  private cipher!: SegmentCipher;
  private segNo = 0;
  private segBytes = 0;
  private count = 0;
  private chain: Buffer = ZERO_HASH;
  private range = new CompactRange();
  private cpSeq = -1;
  private cpPrev: Buffer | null = null;
  private cpSize = -1;
  private cpNote: string | null = null;
  private cpWanted = false;
  private cpWaiters: { resolve: (n: string) => void; reject: (e: unknown) => void }[] = [];
  private queue: Pending[] = [];
  private queuedBytes = 0;
  private spaceWaiters: (() => void)[] = [];
  private pumping: Promise<void> | null = null;
  private failure: unknown = null;
  private closed = false;
  private closing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private index: EventIndex | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private pruning: Promise<PruneResult> | null = null;
  private readonly s: AuditTrailStats = { records: 0, batches: 0, fsyncs: 0, segments: 0, checkpoints: 0, peakQueuedBytes: 0 };

  constructor(private readonly o: AuditTrailOptions) {
    this.clock = o.clock ?? systemClock;
    this.recordKey = SegmentCipher.recordKey(o.masterKey);
  }

  async init(): Promise<void> {
    await mkdir(segmentsDir(this.o.dir), { recursive: true, mode: 0o700 });
    const { segments, unexpected } = await listSegments(this.o.dir);
    let id = await readTrailIdentity(this.o.dir);
    if (!id) {
      if (segments.length > 0 || unexpected.length > 0) throw new CofferError('audit.bad_trail_file', { message: 'audit directory has segments but no TRAIL file' });
      id = await createTrailIdentity(this.o.dir, this.o.accountId, this.o.region);
    }
    this.origin = id.origin;
    this.key = await loadOrCreateSigningKey(this.o.dir, this.o.masterKey, this.origin);
    let prevValidLength = 0;
    const last = segments[segments.length - 1];
    if (last) {
      const seg = await readSegment(join(segmentsDir(this.o.dir), last.name));
      const h = seg.header;
      if (h.segmentNumber !== last.segmentNumber) throw corrupt('segment name does not match its header');
      this.segNo = h.segmentNumber + 1;
      this.count = h.firstIndex;
      this.chain = h.prevChain;
      this.range = new CompactRange(h.firstIndex, h.frontier);
      let note: string | null = null;
      for (const f of seg.frames) {
        if (f.type === FRAME_EVENT) {
          if (Number(f.body.readBigUInt64BE(0)) !== this.count) throw corrupt('event index out of sequence in the last segment');
          const leaf = leafHash(f.body);
          this.range.append(leaf);
          this.chain = leaf;
          this.count += 1;
        } else note = f.body.toString('utf8');
      }
      // The last checkpoint may sit in an earlier segment (rotation writes one before switching).
      for (let i = segments.length - 2; note === null && i >= 0; i--) {
        const earlier = await readSegment(join(segmentsDir(this.o.dir), (segments[i] as { name: string }).name));
        const cps = earlier.frames.filter((f) => f.type === FRAME_CHECKPOINT);
        const lastCp = cps[cps.length - 1];
        if (lastCp) note = lastCp.body.toString('utf8');
      }
      if (note !== null) {
        const cp = parseCheckpoint(note);
        if (!cp) throw corrupt('last checkpoint is malformed');
        this.cpSeq = cp.seq;
        this.cpPrev = checkpointHash(note);
        this.cpSize = cp.size;
        this.cpNote = note;
      }
      prevValidLength = seg.validLength;
    }
    await this.startSegment(prevValidLength);
    if (this.o.index !== false) {
      try {
        await this.openIndex();
      } catch {
        // The index is derived data (e.g. no room for it): lookups scan the segments instead.
        this.index?.close();
        this.index = null;
      }
    }
    if (this.count > 0 && this.cpSize !== this.count) await this.checkpoint();
    const every = this.o.checkpointIntervalMs ?? 60_000;
    this.timer = setInterval(() => {
      if (this.count !== this.cpSize && !this.closed) this.checkpoint().catch(() => undefined);
    }, every);
    this.timer.unref();
    const keep = this.o.retentionMs;
    if (keep !== undefined && keep > 0) {
      const run = () => {
        if (!this.closing) this.prune(new Date(this.clock.now() - keep)).catch(() => undefined);
      };
      run();
      this.pruneTimer = setInterval(run, Math.min(keep, 3_600_000));
      this.pruneTimer.unref();
    }
  }

  signExport(data: Buffer): { signature: Buffer; fingerprint: string; algorithm: 'Ed25519' } {
    return { signature: sign(null, data, this.key.privateKey), fingerprint: keyFingerprint(this.key.vkey), algorithm: 'Ed25519' };
  }

  prune(before: Date): Promise<PruneResult> {
    if (this.closing) return Promise.reject(unavailable(null));
    // One prune at a time; the segments it removes are never the one being written.
    this.pruning ??= (async () => {
      try {
        const r = await pruneSegments(this.o.dir, { origin: this.origin, key: this.key, before, now: new Date(this.clock.now()) });
        if (r.segmentsRemoved > 0) this.index?.pruneBefore(r.firstIndex);
        return r;
      } finally {
        this.pruning = null;
      }
    })();
    return this.pruning;
  }

  /** Opens the lookup index and catches it up with the log (rebuilding it when it is ahead). */
  private async openIndex(): Promise<void> {
    const index = EventIndex.open(join(this.o.dir, 'lookup.db'), this.o.masterKey, this.origin);
    this.index = index;
    if (index.upto > this.count) index.reset(0);
    if (index.upto >= this.count) return;
    let rows: IndexRow[] = [];
    try {
      for await (const { index: i, event } of readAuditEvents(this.o.dir, this.o.masterKey, { fromIndex: index.upto })) {
        rows.push({ index: i, event, json: JSON.stringify(event) });
        if (rows.length >= 1000) {
          index.add(rows);
          index.flush();
          rows = [];
        }
      }
    } catch {
      // A record that fails authentication stops the catch-up; coffer audit verify reports it,
      // and lookups answer from what could be indexed instead of the server refusing to start.
    }
    index.add(rows);
    index.flush();
  }

  private async startSegment(prevValidLength: number): Promise<void> {
    const salt = randomBytes(16);
    const header = encodeHeader({ segmentNumber: this.segNo, firstIndex: this.count, salt, prevChain: this.chain, prevValidLength, frontier: this.range.frontier() });
    const path = join(segmentsDir(this.o.dir), segmentFileName(this.segNo));
    await writeFileDurable(path, header);
    if (this.fh) await this.fh.close();
    this.fh = await open(path, 'a');
    this.cipher = new SegmentCipher(salt, this.recordKey);
    this.segBytes = header.length;
    this.segNo += 1;
    this.s.segments += 1;
  }

  record(event: AuditEvent, opts: RecordOptions = {}): Promise<{ index: number; eventID: string }> {
    if (this.failure !== null || this.closing) return Promise.reject(unavailable(this.failure));
    const { json, stored, text } = serialise(redactEvent(event, opts.secrets));
    if (json.length + 64 > MAX_FRAME_BODY) return Promise.reject(new CofferError('audit.event_too_large', { message: 'audit event exceeds the frame size limit' }));
    return new Promise((resolve, reject) => {
      const enqueue = () => {
        if (this.failure !== null || this.closed) return reject(unavailable(this.failure));
        this.queue.push({ json, stored, text, resolve, reject, eventID: event.eventID });
        this.queuedBytes += json.length;
        this.s.peakQueuedBytes = Math.max(this.s.peakQueuedBytes, this.queuedBytes);
        this.kick();
      };
      if (this.queuedBytes > (this.o.maxQueuedBytes ?? 8 * 1024 * 1024)) this.spaceWaiters.push(enqueue);
      else enqueue();
    });
  }

  checkpoint(): Promise<string> {
    if (this.failure !== null || this.closed) return Promise.reject(unavailable(this.failure));
    return new Promise((resolve, reject) => {
      this.cpWaiters.push({ resolve, reject });
      this.cpWanted = true;
      this.kick();
    });
  }

  latestCheckpoint(): string | null {
    return this.cpNote;
  }

  publicKey(): string {
    return this.key.vkey;
  }

  async rotateSigningKey(): Promise<string> {
    this.key = await rotateSigningKey(this.o.dir, this.o.masterKey, this.origin);
    return this.key.vkey;
  }

  stats(): AuditTrailStats {
    return { ...this.s };
  }

  lookupEvents(input: LookupEventsInput = {}): Promise<LookupEventsOutput> {
    const index = this.index;
    if (!index || index.failed || this.closed) return lookupEvents(this.o.dir, this.o.masterKey, input);
    return runLookup(this.o.masterKey, input, async (q) => index.query(q));
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await this.pruning?.catch(() => undefined);
    // Records accepted before close (queued, or waiting for queue space) are written, then sealed.
    while (this.failure === null && (this.count !== this.cpSize || this.queue.length > 0 || this.spaceWaiters.length > 0 || this.pumping)) {
      await this.checkpoint().catch(() => undefined);
    }
    this.closed = true;
    while (this.pumping) await this.pumping;
    for (const w of this.spaceWaiters.splice(0)) w();
    await this.fh?.close();
    this.fh = null;
    const index = this.index;
    this.index = null;
    index?.close();
  }

  private kick(): void {
    if (this.pumping) return;
    this.pumping = this.pump().finally(() => {
      this.pumping = null;
      if ((this.queue.length > 0 || this.cpWanted) && this.failure === null) this.kick();
    });
  }

  private async pump(): Promise<void> {
    const every = this.o.checkpointEvery ?? 10_000;
    const maxSeg = this.o.maxSegmentBytes ?? 16 * 1024 * 1024;
    while (this.failure === null && (this.queue.length > 0 || this.cpWanted)) {
      const batch: Pending[] = [];
      let bytes = 0;
      while (this.queue.length > 0 && bytes < 4 * 1024 * 1024) {
        const p = this.queue.shift() as Pending;
        batch.push(p);
        bytes += p.json.length;
      }
      const frames: Buffer[] = [];
      const results: { index: number; eventID: string }[] = [];
      let size = 0;
      for (const p of batch) {
        const body = this.cipher.seal(this.count, this.chain, p.json);
        const leaf = leafHash(body);
        this.range.append(leaf);
        this.chain = leaf;
        results.push({ index: this.count, eventID: p.eventID });
        this.count += 1;
        const f = encodeFrame(FRAME_EVENT, body);
        frames.push(f);
        size += f.length;
      }
      const rotate = this.segBytes + size >= maxSeg;
      let note: string | null = null;
      const waiters = this.cpWanted ? this.cpWaiters.splice(0) : [];
      if (this.cpWanted || rotate || this.count - Math.max(this.cpSize, 0) >= every) {
        this.cpWanted = false;
        note = signCheckpoint(
          { origin: this.origin, size: this.count, root: this.range.root(), seq: this.cpSeq + 1, prev: this.cpPrev, time: new Date(this.clock.now()), chain: this.chain },
          this.key,
        );
        const f = encodeFrame(FRAME_CHECKPOINT, Buffer.from(note, 'utf8'));
        frames.push(f);
        size += f.length;
      }
      try {
        const fh = this.fh;
        if (!fh) throw new Error('segment is closed');
        const buf = frames.length === 1 ? (frames[0] as Buffer) : Buffer.concat(frames, size);
        let off = 0;
        while (off < buf.length) off += (await fh.write(buf, off, buf.length - off)).bytesWritten;
        await fh.datasync();
        this.s.fsyncs += 1;
        this.s.batches += 1;
        this.segBytes += size;
      } catch (e) {
        this.fail(e, batch, waiters);
        return;
      }
      this.queuedBytes -= bytes;
      this.s.records += batch.length;
      batch.forEach((p, i) => p.resolve(results[i] as { index: number; eventID: string }));
      if (this.index) {
        try {
          this.index.add(batch.map((p, i) => ({ index: (results[i] as { index: number }).index, event: p.stored, json: p.text })));
        } catch {
          // The index is derived data: a failure never affects the log; the next open catches it up.
        }
      }
      if (note !== null) {
        this.cpSeq += 1;
        this.cpPrev = checkpointHash(note);
        this.cpSize = this.count;
        this.cpNote = note;
        this.s.checkpoints += 1;
        for (const w of waiters) w.resolve(note);
        try {
          this.o.onCheckpoint?.(note);
        } catch {
          // An observer's failure must not affect the trail.
        }
      }
      while (this.spaceWaiters.length > 0 && this.queuedBytes <= (this.o.maxQueuedBytes ?? 8 * 1024 * 1024)) (this.spaceWaiters.shift() as () => void)();
      if (rotate) {
        try {
          await this.startSegment(this.segBytes);
          await fsyncDir(segmentsDir(this.o.dir));
        } catch (e) {
          this.fail(e, [], []);
          return;
        }
      }
    }
  }

  private fail(e: unknown, batch: Pending[], waiters: { reject: (e: unknown) => void }[]): void {
    this.failure = e ?? new Error('unknown');
    const err = unavailable(this.failure);
    for (const p of [...batch, ...this.queue.splice(0)]) p.reject(err);
    for (const w of [...waiters, ...this.cpWaiters.splice(0)]) w.reject(err);
    for (const w of this.spaceWaiters.splice(0)) w();
    this.queuedBytes = 0;
  }
}

/** Like CloudTrail (requestParameters/responseElements <= 100 KB), oversized parts are truncated rather than refused. */
const MAX_PART = 100 * 1024;

function serialise(e: AuditEvent): { json: Buffer; stored: AuditEvent; text: string } {
  const text = JSON.stringify(e);
  const json = Buffer.from(text, 'utf8');
  if (json.length <= MAX_PART) return { json, stored: e, text };
  const cut = (v: Record<string, unknown> | null | undefined) => (v && JSON.stringify(v).length > MAX_PART ? { truncated: true } : v);
  const small: AuditEvent = {
    ...e,
    requestParameters: cut(e.requestParameters) ?? null,
    responseElements: cut(e.responseElements) ?? null,
    ...(e.additionalEventData ? { additionalEventData: cut(e.additionalEventData) as Record<string, unknown> } : {}),
    ...(e.userAgent ? { userAgent: e.userAgent.slice(0, 1024) } : {}),
    ...(e.errorMessage ? { errorMessage: e.errorMessage.slice(0, 1024) } : {}),
  };
  const smallText = JSON.stringify(small);
  return { json: Buffer.from(smallText, 'utf8'), stored: small, text: smallText };
}

function unavailable(cause: unknown): CofferError {
  return new CofferError('audit.unavailable', { message: 'the audit trail cannot be written; the request was not performed', ...(cause ? { cause } : {}) });
}

function corrupt(why: string): CofferError {
  return new CofferError('audit.corrupt', { message: `audit trail cannot be opened: ${why}; run coffer audit verify` });
}
