/**
 * CloudTrail-format export: log files and a signed digest chain delivered to a bucket, so tools
 * that read CloudTrail's S3 layout can read Coffer's trail (reference §1.5-1.6).
 *
 *   every interval (and at shutdown):
 *     records  = stored events with log index >= state.next            (already redacted)
 *     log file = gzip(JSON {"Records":[...]})  at
 *                P/AWSLogs/ACCT/CloudTrail/REGION/YYYY/MM/DD/ACCT_CloudTrail_REGION_YYYYMMDDTHHmmZ_UNIQUE16.json.gz
 *                (none when there are no new records; the digest is delivered anyway, as on AWS)
 *     digest   = JSON {awsAccountId, digestStartTime, digestEndTime, digestS3Bucket, digestS3Object,
 *                digestPublicKeyFingerprint, digestSignatureAlgorithm: "Ed25519", newest/oldestEventTime,
 *                previousDigestS3Bucket/Object, previousDigestHashValue (hex SHA-256 of the previous
 *                uncompressed digest), previousDigestHashAlgorithm, previousDigestSignature,
 *                logFiles[{s3Bucket, s3Object, hashValue (hex SHA-256 of the uncompressed file), ...}],
 *                cofferCheckpoint (the newest signed Merkle checkpoint)}, gzipped, at
 *                P/AWSLogs/ACCT/CloudTrail-Digest/REGION/YYYY/MM/DD/ACCT_CloudTrail-Digest_REGION_coffer_REGION_YYYYMMDDTHHMMSSZ.json.gz
 *     signature = Ed25519(audit signing key,
 *                   digestEndTime "\n" bucket "/" key "\n" hex SHA-256(uncompressed digest) "\n" previous signature | "null")
 *                 stored as object metadata signature (hex) and signature-algorithm, like CloudTrail
 *     state    = DIR/export-state.json {next, previous digest}: written after delivery, so a crash
 *                re-delivers records in a new file (consumers dedupe on eventID, as with CloudTrail)
 * Deviation from AWS: Ed25519 instead of SHA256withRSA, so `aws cloudtrail validate-logs` cannot
 * check the signatures; verifyDigestChain (below) does, with the published vkeys.
 */
import { createHash, randomBytes, verify as verifySig } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { MasterKey } from '../crypto/index.js';
import { CofferError, systemClock, type Clock } from '../shared/index.js';
import { parseVkey } from './checkpoint.js';
import type { AuditEvent } from './event.js';
import { writeFileDurable } from './fs-util.js';
import { readAuditEvents } from './read-events.js';

/** Where exported objects go (the object service of this Coffer, in app/). */
export interface ExportSink {
  put(bucket: string, key: string, body: Buffer, metadata: Record<string, string>): Promise<void>;
}

/** Signs with the trail's checkpoint key (AuditTrail.signExport). */
export type ExportSigner = (data: Buffer) => { signature: Buffer; fingerprint: string; algorithm: 'Ed25519' };

export interface ExportOptions {
  dir: string;
  masterKey: MasterKey;
  accountId: string;
  region: string;
  bucket: string;
  /** Key prefix before AWSLogs/ ('' for none). */
  prefix: string;
  sink: ExportSink;
  sign: ExportSigner;
  /** Records per log file (default MAX_RECORDS_PER_FILE). */
  maxRecordsPerFile?: number;
  /** The newest checkpoint note, bound into each digest. */
  latestCheckpoint?: () => string | null;
  clock?: Clock;
}

interface ExportState {
  next: number;
  previous: { bucket: string; key: string; hash: string; signature: string; endTime: string } | null;
}

export interface ExportRun {
  records: number;
  /** The first log file delivered (null when there were no new records). */
  logFile: string | null;
  /** Every log file delivered by this run. */
  logFiles: string[];
  digest: string;
}

const STATE_FILE = 'export-state.json';
/** Records per log file (CloudTrail also cuts files by size). */
export const MAX_RECORDS_PER_FILE = 10_000;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const isoSec = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const ymd = (d: Date) => `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`;
const stamp = (d: Date, seconds: boolean) =>
  `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${seconds ? pad(d.getUTCSeconds()) : ''}Z`;
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const UNIQUE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function unique16(): string {
  return [...randomBytes(16)].map((b) => UNIQUE_ALPHABET[b % UNIQUE_ALPHABET.length]).join('');
}

async function readState(dir: string): Promise<ExportState> {
  try {
    const s = JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8')) as ExportState;
    if (!Number.isInteger(s.next) || s.next < 0) throw new Error('bad');
    return s;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { next: 0, previous: null };
    throw new CofferError('audit.export_state', { message: 'audit export state file is malformed' });
  }
}

/** The string CloudTrail signs for a digest (with Coffer's key and algorithm). */
export function digestSigningString(endTime: string, bucket: string, key: string, digestHashHex: string, previousSignature: string | null): string {
  return `${endTime}\n${bucket}/${key}\n${digestHashHex}\n${previousSignature ?? 'null'}`;
}

/** Fingerprint of a checkpoint key as digests name it: hex of the first 16 bytes of SHA-256(vkey). */
export function keyFingerprint(vkey: string): string {
  return sha256(vkey.trim()).slice(0, 32);
}

/** Delivers one log file (if there are new records) and one digest; returns what was written. */
export async function exportOnce(o: ExportOptions): Promise<ExportRun> {
  const clock = o.clock ?? systemClock;
  const state = await readState(o.dir);
  const p = state.previous;
  // Digest names carry the end time to the second: never reuse the previous one's.
  const nowMs = Math.floor(clock.now() / 1000) * 1000;
  const now = new Date(p && Date.parse(p.endTime) >= nowMs ? Date.parse(p.endTime) + 1000 : nowMs);
  const base = `${o.prefix ? `${o.prefix}/` : ''}AWSLogs/${o.accountId}`;
  const logFiles: { s3Bucket: string; s3Object: string; hashValue: string; hashAlgorithm: string; newestEventTime: string; oldestEventTime: string }[] = [];
  let records: AuditEvent[] = [];
  let total = 0;
  // Like CloudTrail, a file is cut by size: at most MAX_RECORDS_PER_FILE records each, so a
  // backlog (export just enabled on a long trail) never has to fit in memory at once.
  const deliver = async () => {
    if (records.length === 0) return;
    const times = records.map((r) => r.eventTime).sort();
    const key = `${base}/CloudTrail/${o.region}/${ymd(now)}/${o.accountId}_CloudTrail_${o.region}_${stamp(now, false)}_${unique16()}.json.gz`;
    const json = Buffer.from(JSON.stringify({ Records: records }), 'utf8');
    await o.sink.put(o.bucket, key, gzipSync(json), {});
    logFiles.push({ s3Bucket: o.bucket, s3Object: key, hashValue: sha256(json), hashAlgorithm: 'SHA-256', newestEventTime: times[times.length - 1] as string, oldestEventTime: times[0] as string });
    total += records.length;
    records = [];
  };
  let next = state.next;
  for await (const { index, event } of readAuditEvents(o.dir, o.masterKey, { fromIndex: state.next })) {
    records.push(event);
    next = index + 1;
    if (records.length >= (o.maxRecordsPerFile ?? MAX_RECORDS_PER_FILE)) await deliver();
  }
  await deliver();
  const logKey = logFiles[0]?.s3Object ?? null;
  const newest = logFiles.map((f) => f.newestEventTime).sort().at(-1) ?? null;
  const oldest = logFiles.map((f) => f.oldestEventTime).sort()[0] ?? null;
  const endTime = isoSec(now);
  const digestKey = `${base}/CloudTrail-Digest/${o.region}/${ymd(now)}/${o.accountId}_CloudTrail-Digest_${o.region}_coffer_${o.region}_${stamp(now, true)}.json.gz`;
  const probe = o.sign(Buffer.alloc(0));
  const digest = {
    awsAccountId: o.accountId,
    digestStartTime: p?.endTime ?? endTime,
    digestEndTime: endTime,
    digestS3Bucket: o.bucket,
    digestS3Object: digestKey,
    digestPublicKeyFingerprint: probe.fingerprint,
    digestSignatureAlgorithm: probe.algorithm,
    newestEventTime: newest,
    oldestEventTime: oldest,
    previousDigestS3Bucket: p?.bucket ?? null,
    previousDigestS3Object: p?.key ?? null,
    previousDigestHashValue: p?.hash ?? null,
    previousDigestHashAlgorithm: p ? 'SHA-256' : null,
    previousDigestSignature: p?.signature ?? null,
    logFiles,
    cofferCheckpoint: o.latestCheckpoint?.() ?? null,
  };
  const body = Buffer.from(JSON.stringify(digest), 'utf8');
  const hash = sha256(body);
  const signed = o.sign(Buffer.from(digestSigningString(endTime, o.bucket, digestKey, hash, p?.signature ?? null), 'utf8'));
  const signature = signed.signature.toString('hex');
  await o.sink.put(o.bucket, digestKey, gzipSync(body), { signature, 'signature-algorithm': signed.algorithm });
  const newState: ExportState = { next, previous: { bucket: o.bucket, key: digestKey, hash, signature, endTime } };
  await writeFileDurable(join(o.dir, STATE_FILE), JSON.stringify(newState) + '\n', { replace: true });
  return { records: total, logFile: logKey, logFiles: logFiles.map((f) => f.s3Object), digest: digestKey };
}

export interface CloudTrailExporter {
  /** Exports now (runs are serialised); rejects when delivery fails (nothing is marked exported). */
  runOnce(): Promise<ExportRun>;
  /** Stops the timer and delivers a final log file and digest, as CloudTrail does when logging stops. */
  stop(): Promise<void>;
}

/** Runs exportOnce every `intervalMs` (timer unref'd); failures go to `onError` and are retried next time. */
export function startCloudTrailExporter(o: ExportOptions & { intervalMs: number; onError?: (e: unknown) => void }): CloudTrailExporter {
  let chain: Promise<unknown> = Promise.resolve();
  const runOnce = () => {
    const run = chain.then(() => exportOnce(o));
    chain = run.catch(() => undefined);
    return run;
  };
  const timer = setInterval(() => void runOnce().catch((e: unknown) => o.onError?.(e)), o.intervalMs);
  timer.unref();
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await runOnce().catch((e: unknown) => o.onError?.(e));
    },
  };
}

/** One delivered object as a verifier fetched it. */
export interface FetchedObject {
  body: Buffer;
  metadata: Record<string, string>;
}

export interface DigestChainReport {
  ok: boolean;
  digests: number;
  logFiles: number;
  records: number;
  problems: string[];
}

/**
 * Verifies digests newest to oldest as `aws cloudtrail validate-logs` does: location, signature
 * (over the signing string, by the key with the digest's fingerprint), the previous digest's hash
 * and signature link, and every referenced log file's SHA-256. `objects` maps key -> object.
 */
export function verifyDigestChain(bucket: string, objects: ReadonlyMap<string, FetchedObject>, vkeys: readonly string[]): DigestChainReport {
  const keys = new Map(vkeys.map((v) => [keyFingerprint(v), parseVkey(v)] as const));
  const problems: string[] = [];
  const digestKeys = [...objects.keys()].filter((k) => k.includes('/CloudTrail-Digest/')).sort((a, b) => (a.slice(-24, -8) < b.slice(-24, -8) ? -1 : 1));
  let records = 0;
  let logFiles = 0;
  let expectedPrev: { key: string; hash: string; signature: string } | null = null;
  for (const key of [...digestKeys].reverse()) {
    const obj = objects.get(key) as FetchedObject;
    let d: Record<string, unknown>;
    let raw: Buffer;
    try {
      raw = gunzipSync(obj.body);
      d = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      problems.push(`${key}: invalid format`);
      continue;
    }
    if (d.digestS3Bucket !== bucket || d.digestS3Object !== key) problems.push(`${key}: has been moved from its original location`);
    const vk = keys.get(String(d.digestPublicKeyFingerprint));
    const sig = obj.metadata.signature ?? '';
    const data = digestSigningString(String(d.digestEndTime), bucket, key, sha256(raw), (d.previousDigestSignature as string | null) ?? null);
    if (!vk) problems.push(`${key}: public key not found for fingerprint ${String(d.digestPublicKeyFingerprint)}`);
    else if (!/^[0-9a-f]+$/.test(sig) || !verifySig(null, Buffer.from(data, 'utf8'), vk.publicKey, Buffer.from(sig, 'hex'))) problems.push(`${key}: signature verification failed`);
    if (expectedPrev && expectedPrev.key !== key && !objects.has(expectedPrev.key)) problems.push(`${expectedPrev.key}: not found`);
    else if (expectedPrev && (expectedPrev.key !== key || expectedPrev.hash !== sha256(raw) || expectedPrev.signature !== sig)) problems.push(`${key}: does not match the next digest's previous-digest link`);
    for (const lf of (d.logFiles as { s3Object: string; hashValue: string }[] | undefined) ?? []) {
      logFiles += 1;
      const f = objects.get(lf.s3Object);
      if (!f) {
        problems.push(`${lf.s3Object}: not found`);
        continue;
      }
      try {
        const content = gunzipSync(f.body);
        if (sha256(content) !== lf.hashValue) problems.push(`${lf.s3Object}: hash value doesn't match`);
        else records += ((JSON.parse(content.toString('utf8')) as { Records: unknown[] }).Records ?? []).length;
      } catch {
        problems.push(`${lf.s3Object}: invalid format`);
      }
    }
    expectedPrev = d.previousDigestS3Object ? { key: String(d.previousDigestS3Object), hash: String(d.previousDigestHashValue), signature: String(d.previousDigestSignature) } : null;
    if (!expectedPrev && key !== digestKeys[0]) problems.push(`${key}: starts a new chain although older digests exist (gap)`);
  }
  if (expectedPrev) problems.push(`${expectedPrev.key}: not found`);
  return { ok: problems.length === 0, digests: digestKeys.length, logFiles, records, problems };
}
