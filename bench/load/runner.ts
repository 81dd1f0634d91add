/**
 * The load loop, in the spirit of MinIO's warp: `concurrency` workers issue one operation after
 * another against an S3Ops until the duration or the operation count runs out; every operation's
 * latency is recorded, and the server process tree is sampled for RSS and CPU meanwhile.
 *
 *   prepare: objects for GET/HEAD/LIST/DELETE/MIXED are uploaded first (untimed)
 *   run:     workers x { pick op + key; t0; await op; latency.push(now - t0) }
 *   report:  ops/s, payload MB/s, p50/p90/p99/max latency, peak RSS, CPU cores used
 */
import { sampleResources } from './proc.js';
import type { LatencySummary, LoadResult, Operation, S3Ops } from './types.js';

export interface LoadSpec {
  system: string;
  client: S3Ops;
  op: Operation;
  size: number;
  concurrency: number;
  /** Stop after this long (ms) ... */
  durationMs: number;
  /** ... or after this many operations, whichever comes first. */
  maxOps?: number;
  bucket: string;
  /** Keys of existing objects of `size` (GET, HEAD, DELETE, MIXED) or the listed prefix's size (LIST). */
  pool?: string[];
  /** LIST: prefix and page size. */
  listPrefix?: string;
  listMaxKeys?: number;
  /** Server process to sample (absent: in-process ceiling). */
  serverPid?: number;
  /** Shared payload source, at least `size` bytes. */
  payload: Buffer;
  /** Unique prefix for keys this run creates. */
  runId: string;
  /** Receives the keys of objects this run created (PUT), so later runs can read them. */
  created?: string[];
  /** Receives the keys this run deleted (DELETE, MIXED), so later runs do not ask for them. */
  deleted?: Set<string>;
}

/** MIXED profile weights (warp's defaults): 45% GET, 30% HEAD (stat), 15% PUT, 10% DELETE. */
export const MIX: ReadonlyArray<readonly ['GET' | 'HEAD' | 'PUT' | 'DELETE', number]> = [
  ['GET', 45],
  ['HEAD', 30],
  ['PUT', 15],
  ['DELETE', 10],
];

export function summarize(latenciesMs: number[]): LatencySummary {
  if (latenciesMs.length === 0) return { p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN };
  const s = Float64Array.from(latenciesMs).sort();
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
  let sum = 0;
  for (const v of s) sum += v;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: s[s.length - 1]!, mean: sum / s.length };
}

/** Uploads `count` objects of `size` under `prefix` (untimed), `concurrency` at a time. */
export async function prepareObjects(client: S3Ops, bucket: string, prefix: string, size: number, count: number, concurrency: number, payload: Buffer): Promise<string[]> {
  const keys = Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(6, '0')}`);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < keys.length) {
        const key = keys[next++]!;
        await client.put(bucket, key, payload.subarray(0, size));
      }
    }),
  );
  return keys;
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const { client, bucket, size, op } = spec;
  const body = spec.payload.subarray(0, size);
  const latencies: number[] = [];
  const mix: Record<string, number> = {};
  let errors = 0;
  let firstError: string | undefined;
  let bytes = 0;
  let keysListed = 0;
  let issued = 0;
  let putSeq = 0;
  // The live pool for MIXED/DELETE: DELETE takes a key out before deleting it, so later picks never
  // ask for it; a GET already in flight on that key may still 404 (counted as an error, as warp does).
  const pool = [...(spec.pool ?? [])];
  let cursor = 0;
  const maxOps = spec.maxOps ?? (op === 'DELETE' ? pool.length : Infinity);
  const started = performance.now();
  const deadline = started + spec.durationMs;
  const sampler = spec.serverPid !== undefined ? sampleResources(spec.serverPid) : null;

  const pick = (): string | undefined => (pool.length === 0 ? undefined : pool[cursor++ % pool.length]);
  const choose = (): 'GET' | 'HEAD' | 'PUT' | 'DELETE' => {
    let r = Math.random() * 100;
    for (const [name, w] of MIX) if ((r -= w) < 0) return name;
    return 'GET';
  };

  async function one(kind: Operation): Promise<void> {
    switch (kind) {
      case 'PUT': {
        const key = `${spec.runId}/${putSeq++}`;
        await client.put(bucket, key, body);
        bytes += size;
        if (op === 'MIXED') pool.push(key);
        else spec.created?.push(key);
        return;
      }
      case 'GET': {
        const key = pick();
        if (key === undefined) return one('PUT');
        const n = await client.get(bucket, key);
        if (n !== size) throw new Error(`GET returned ${n} of ${size} bytes`);
        bytes += n;
        return;
      }
      case 'HEAD': {
        const key = pick();
        if (key === undefined) return one('PUT');
        return client.head(bucket, key);
      }
      case 'DELETE': {
        if (pool.length === 0) return one('PUT');
        const i = op === 'DELETE' ? pool.length - 1 : Math.floor(Math.random() * pool.length);
        const key = pool[i]!;
        pool[i] = pool[pool.length - 1]!;
        pool.pop();
        spec.deleted?.add(key);
        return client.del(bucket, key);
      }
      case 'LIST': {
        // Not `keysListed += await ...`: that reads the total before the await and loses other workers' counts.
        const n = await client.list(bucket, spec.listPrefix ?? '', spec.listMaxKeys ?? 1000);
        keysListed += n;
        return;
      }
      case 'MIXED':
        return one(choose());
    }
  }

  await Promise.all(
    Array.from({ length: spec.concurrency }, async () => {
      while (issued < maxOps && performance.now() < deadline) {
        issued++;
        const kind = op === 'MIXED' ? choose() : op;
        const t0 = performance.now();
        try {
          await one(kind);
          latencies.push(performance.now() - t0);
          if (op === 'MIXED') mix[kind] = (mix[kind] ?? 0) + 1;
        } catch (err) {
          errors++;
          firstError ??= err instanceof Error ? err.message : String(err);
          // A server that refuses everything should not spin the loop: back off a little.
          if (errors > 1000 && errors > latencies.length) break;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const usage = sampler?.stop();
  const result: LoadResult = {
    system: spec.system,
    op,
    size,
    concurrency: spec.concurrency,
    ops: latencies.length,
    errors,
    seconds,
    opsPerSec: latencies.length / seconds,
    mbPerSec: bytes / 1e6 / seconds,
    latency: summarize(latencies),
  };
  if (usage) result.server = { peakRssMiB: usage.peakRssBytes / 2 ** 20, cpuCores: usage.cores, cpuMsPerOp: latencies.length ? (usage.cpuSeconds * 1000) / latencies.length : NaN };
  if (op === 'LIST') result.keysPerSec = keysListed / seconds;
  if (op === 'MIXED') result.mix = mix;
  if (firstError !== undefined) result.firstError = firstError;
  return result;
}
