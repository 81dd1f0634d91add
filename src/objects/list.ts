/**
 * Listing with S3's prefix/delimiter semantics on top of the store's ordered scans.
 * Common prefixes count toward max-keys; once a prefix is rolled up, the scan jumps past it.
 */
import type { ObjectVersionRecord } from '../storage/metadata/port.js';
import { type ServiceContext, requireBucket } from './context.js';

export interface ListEntry {
  kind: 'object';
  record: ObjectVersionRecord;
}
export interface PrefixEntry {
  kind: 'prefix';
  prefix: string;
}

export interface ListPage<T> {
  entries: Array<T | PrefixEntry>;
  isTruncated: boolean;
  /** The last key or common prefix returned (for continuation / NextMarker). */
  lastMarker: string | null;
}

/** The smallest string that sorts after every string starting with `prefix` (in UTF-8 byte order, modulo U+10FFFF tails). */
function skipPast(prefix: string): string {
  return prefix + '\u{10FFFF}';
}

function rollUp(key: string, prefix: string, delimiter: string | undefined): string | null {
  if (!delimiter) return null;
  const idx = key.indexOf(delimiter, prefix.length);
  return idx < 0 ? null : key.slice(0, idx + delimiter.length);
}

export async function listObjects(
  ctx: ServiceContext,
  args: { bucket: string; prefix?: string; delimiter?: string | undefined; after?: string | undefined; maxKeys: number },
): Promise<ListPage<ListEntry>> {
  await requireBucket(ctx, args.bucket);
  const prefix = args.prefix ?? '';
  const entries: Array<ListEntry | PrefixEntry> = [];
  let after = args.after;
  let lastPrefix: string | null = null;
  // A marker that is itself a common prefix (NextMarker / continuation after a roll-up) means
  // "after everything under that prefix".
  if (after !== undefined && after.startsWith(prefix) && rollUp(after, prefix, args.delimiter) === after) {
    lastPrefix = after;
    after = skipPast(after);
  }
  const batchSize = Math.min(1000, Math.max(args.maxKeys, 1)) + 1;
  for (;;) {
    const batch = await ctx.metadata.listLatest(args.bucket, { prefix, ...(after !== undefined ? { after } : {}), limit: batchSize });
    let jumped = false;
    for (const rec of batch) {
      if (lastPrefix !== null && rec.key.startsWith(lastPrefix)) {
        after = rec.key;
        continue;
      }
      if (entries.length >= args.maxKeys) return { entries, isTruncated: true, lastMarker: markerOf(entries) };
      const cp = rollUp(rec.key, prefix, args.delimiter);
      if (cp !== null) {
        entries.push({ kind: 'prefix', prefix: cp });
        lastPrefix = cp;
        after = skipPast(cp);
        jumped = true;
        break; // re-query from past the prefix
      }
      entries.push({ kind: 'object', record: rec });
      after = rec.key;
    }
    if (!jumped && batch.length < batchSize) return { entries, isTruncated: false, lastMarker: null };
  }
}

function markerOf(entries: Array<ListEntry | PrefixEntry>): string | null {
  const last = entries[entries.length - 1];
  if (!last) return null;
  return last.kind === 'prefix' ? last.prefix : last.record.key;
}

export interface VersionsPage {
  entries: Array<{ kind: 'version'; record: ObjectVersionRecord; isLatest: boolean } | PrefixEntry>;
  isTruncated: boolean;
  nextKeyMarker: string | null;
  nextVersionIdMarker: string | null;
}

export async function listObjectVersions(
  ctx: ServiceContext,
  args: { bucket: string; prefix?: string; delimiter?: string | undefined; keyMarker?: string | undefined; versionIdMarker?: string | undefined; maxKeys: number },
): Promise<VersionsPage> {
  await requireBucket(ctx, args.bucket);
  const prefix = args.prefix ?? '';
  const entries: VersionsPage['entries'] = [];
  const latestSeq = new Map<string, number>();
  let keyMarker = args.keyMarker;
  let versionIdMarker = args.keyMarker !== undefined ? args.versionIdMarker : undefined;
  let lastPrefix: string | null = null;
  if (keyMarker !== undefined && keyMarker.startsWith(prefix) && rollUp(keyMarker, prefix, args.delimiter) === keyMarker) {
    lastPrefix = keyMarker;
    keyMarker = skipPast(keyMarker);
    versionIdMarker = undefined;
  }
  const batchSize = Math.min(1000, Math.max(args.maxKeys, 1)) + 1;
  let lastRec: ObjectVersionRecord | null = null;
  for (;;) {
    const batch = await ctx.metadata.listVersions(args.bucket, {
      prefix,
      ...(keyMarker !== undefined ? { keyMarker } : {}),
      ...(versionIdMarker !== undefined ? { versionIdMarker } : {}),
      limit: batchSize,
    });
    if (batch.length === 0) break;
    let jumped = false;
    for (const rec of batch) {
      if (lastPrefix !== null && rec.key.startsWith(lastPrefix)) {
        lastRec = rec;
        continue;
      }
      if (entries.length >= args.maxKeys) {
        const last = entries[entries.length - 1]!;
        return {
          entries,
          isTruncated: true,
          nextKeyMarker: last.kind === 'prefix' ? last.prefix : last.record.key,
          nextVersionIdMarker: last.kind === 'prefix' ? null : last.record.versionId,
        };
      }
      const cp = rollUp(rec.key, prefix, args.delimiter);
      if (cp !== null) {
        entries.push({ kind: 'prefix', prefix: cp });
        lastPrefix = cp;
        keyMarker = skipPast(cp);
        versionIdMarker = undefined;
        jumped = true;
        break;
      }
      if (!latestSeq.has(rec.key)) {
        const latest = await ctx.metadata.getVersion(args.bucket, rec.key);
        latestSeq.set(rec.key, latest?.seq ?? -1);
      }
      entries.push({ kind: 'version', record: rec, isLatest: latestSeq.get(rec.key) === rec.seq });
      lastRec = rec;
    }
    if (!jumped) {
      if (batch.length < batchSize) break;
      keyMarker = lastRec!.key;
      versionIdMarker = lastRec!.versionId;
    }
  }
  return { entries, isTruncated: false, nextKeyMarker: null, nextVersionIdMarker: null };
}
