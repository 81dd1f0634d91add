/**
 * The side-by-side load suite. Every system is started once, then each measurement (operation x
 * object size) runs on every system back to back before the next one starts, so that drift on a
 * shared machine hits all systems alike. With rounds > 1 the order alternates and the best round
 * per system is kept (the usual defence against noisy neighbours).
 *
 *   for size in sizes:      PUT on coffer, coffer-http, s3rver, disk  -> objects for the GETs
 *                           GET on coffer, coffer-http, s3rver, nginx (same bytes as files)
 *   at the small size:      HEAD, LIST (1000-key pages of a prepared prefix), DELETE
 *   at the mixed size:      MIXED 45/30/15/10
 *   once:                   4 KiB GET and PUT through @aws-sdk/client-s3 (client overhead)
 *   full run only:          MIXED at 64 clients (server RSS goal)
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { prepareObjects, runLoad } from './runner.js';
import { createSdkClient } from './sdk-client.js';
import { startSystem, type RunningSystem, type SystemName } from './systems.js';
import type { LoadResult, Operation, S3Ops } from './types.js';
import { opensslAesGcm, type CipherCeiling } from './openssl-speed.js';

export const KiB = 1024;
export const MiB = 1024 * KiB;

export interface SuiteOptions {
  quick: boolean;
  systems: SystemName[];
  sizes: number[];
  /** Clients for objects up to 1 MiB. */
  concurrency: number;
  /** Clients for larger objects (the payload per client grows with the size). */
  largeConcurrency: number;
  durationMs: number;
  /** Stop each measurement after this many operations too (default: unbounded). */
  maxOps?: number;
  rounds: number;
  /** Size for HEAD, LIST and DELETE. */
  smallSize: number;
  /** Size for MIXED. */
  mixedSize: number;
  /** Objects under the listed prefix. */
  listObjects: number;
  /** Objects deleted per DELETE measurement (taken from the PUT run's, topped up). */
  deleteObjects: number;
  /** Concurrency of the extra MIXED run for the RSS goal (0: skip). */
  highConcurrency: number;
  /** Compare the raw client with @aws-sdk/client-s3 on Coffer. */
  compareSdk: boolean;
  log: (line: string) => void;
}

export function defaultSuiteOptions(quick: boolean): SuiteOptions {
  return {
    quick,
    systems: ['coffer', 'coffer-http', 's3rver', 'nginx', 'disk'],
    sizes: quick ? [4 * KiB, 256 * KiB] : [4 * KiB, 64 * KiB, 1 * MiB, 16 * MiB, 64 * MiB],
    concurrency: quick ? 8 : 16,
    largeConcurrency: quick ? 4 : 8,
    durationMs: quick ? 300 : 5000,
    rounds: quick ? 1 : 2,
    smallSize: 4 * KiB,
    mixedSize: quick ? 256 * KiB : 1 * MiB,
    listObjects: quick ? 100 : 1000,
    deleteObjects: quick ? 50 : 2000,
    highConcurrency: quick ? 0 : 64,
    compareSdk: true,
    log: (line) => process.stderr.write(line + '\n'),
  };
}

export interface SuiteResult {
  options: Omit<SuiteOptions, 'log'>;
  environment: { node: string; cpus: number; loadAverageStart: number[]; loadAverageEnd: number[]; at: string };
  results: LoadResult[];
  /** 4 KiB GET and PUT against Coffer through the raw client and through @aws-sdk/client-s3, back to back. */
  sdkComparison: LoadResult[];
  cipher: CipherCeiling | null;
  /** Systems dropped after an error (a crash or a failed preparation), with the first error. */
  failures: Array<{ system: string; op: Operation; size: number; error: string }>;
  seconds: number;
}

const BUCKET = 'bench';
const PUT_SYSTEMS: SystemName[] = ['coffer', 'coffer-http', 's3rver', 'disk'];
const GET_SYSTEMS: SystemName[] = ['coffer', 'coffer-http', 's3rver', 'nginx'];
const S3_SYSTEMS: SystemName[] = ['coffer', 'coffer-http', 's3rver'];

interface Live {
  sys: RunningSystem;
  /** One keep-alive client per concurrency level. */
  clients: Map<number, S3Ops & { close(): void }>;
  /** Keys written per size by the PUT runs. */
  created: Map<number, string[]>;
}

function clientOf(live: Live, concurrency: number): S3Ops {
  let c = live.clients.get(concurrency);
  if (!c) {
    c = live.sys.client(concurrency);
    live.clients.set(concurrency, c);
  }
  return c;
}

const oneLine = (text: string | undefined) => (text ?? '').replace(/\s+/g, ' ').slice(0, 200);

function sizeLabel(n: number): string {
  return n >= MiB ? `${n / MiB} MiB` : `${n / KiB} KiB`;
}

export async function runSuite(opts: SuiteOptions): Promise<SuiteResult> {
  const started = performance.now();
  const loadAverageStart = os.loadavg();
  const payload = randomBytes(Math.max(...opts.sizes, opts.mixedSize, opts.smallSize));
  const live = new Map<SystemName, Live>();
  const results: LoadResult[] = [];
  const sdkComparison: LoadResult[] = [];
  const failed = new Set<SystemName>();
  const failures: SuiteResult['failures'] = [];
  let cipher: CipherCeiling | null = null;
  // The systems run as children in this process group: Ctrl-C (SIGINT to the group) stops them
  // too. A SIGTERM or SIGKILL to this process alone leaves them running (see bench/README.md).
  try {
    // Started together (start-up is not measured and mostly waits on child processes); a system
    // that fails to start fails the run once every started one is registered for stopping.
    opts.log(`  starting ${opts.systems.join(', ')}`);
    const started = await Promise.allSettled(opts.systems.map((name) => startSystem(name)));
    for (const s of started) if (s.status === 'fulfilled') live.set(s.value.name, { sys: s.value, clients: new Map(), created: new Map() });
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    for (const l of live.values()) if (l.sys.name !== 'nginx') await clientOf(l, opts.concurrency).createBucket(BUCKET);
    const on = (names: SystemName[]) => names.filter((n) => live.has(n)).map((n) => live.get(n)!);
    const conc = (size: number) => (size > MiB ? opts.largeConcurrency : opts.concurrency);

    /** Runs one measurement on each system, `rounds` times in alternating order; keeps each system's best. */
    const measure = async (op: Operation, size: number, systems: Live[], prep: (l: Live, round: number) => Promise<Partial<Parameters<typeof runLoad>[0]>>, concurrency = conc(size)) => {
      const best = new Map<SystemName, LoadResult>();
      for (let round = 0; round < opts.rounds; round++) {
        const order = round % 2 === 0 ? systems : [...systems].reverse();
        for (const l of order) {
          if (failed.has(l.sys.name)) continue;
          let r: LoadResult;
          try {
            const extra = await prep(l, round);
            // Objects a MIXED or DELETE run removes leave the pools later runs draw from.
            const deleted = new Set<string>();
            r = await runLoad({
              system: l.sys.name,
              client: clientOf(l, concurrency),
              op,
              size,
              concurrency,
              durationMs: opts.durationMs,
              ...(opts.maxOps !== undefined ? { maxOps: opts.maxOps } : {}),
              bucket: BUCKET,
              payload,
              runId: `${op.toLowerCase()}-${size}-r${round}`,
              ...(l.sys.pid !== undefined ? { serverPid: l.sys.pid } : {}),
              ...extra,
              deleted,
            });
            if (deleted.size > 0) for (const [sz, keys] of l.created) l.created.set(sz, keys.filter((k) => !deleted.has(k)));
          } catch (err) {
            // One system failing (crash, refused preparation) must not cost the others' results.
            failed.add(l.sys.name);
            opts.log(`  ${op} ${sizeLabel(size)} on ${l.sys.name} failed, dropping it from the run: ${oneLine(err instanceof Error ? err.message : String(err))}`);
            // A crashed server says why on its stderr: keep the end of it with the run's log.
            const tail = l.sys.diagnostics?.();
            if (tail) opts.log(`  last server output of ${l.sys.name}:\n${tail}`);
            failures.push({ system: l.sys.name, op, size, error: err instanceof Error ? err.message : String(err) });
            continue;
          }
          opts.log(`  ${op.padEnd(6)} ${sizeLabel(size).padStart(7)} ${l.sys.name.padEnd(11)} ${r.opsPerSec.toFixed(1).padStart(9)} ops/s ${r.mbPerSec.toFixed(1).padStart(8)} MB/s p99 ${r.latency.p99.toFixed(1)} ms${r.errors ? ` errors ${r.errors}: ${oneLine(r.firstError)}` : ''}`);
          const prev = best.get(l.sys.name);
          if (!prev || r.opsPerSec > prev.opsPerSec) best.set(l.sys.name, r);
        }
      }
      results.push(...best.values());
    };

    let topUps = 0;
    /** Enough existing objects of `size` for a read run: reuse the PUT run's, top up if short. */
    const readPool = async (l: Live, size: number, want: number): Promise<string[]> => {
      const have = l.created.get(size) ?? [];
      if (have.length >= want) return have.slice(0, want);
      const more = await prepareObjects(clientOf(l, conc(size)), BUCKET, `pool-${size}-${topUps++}/`, size, want - have.length, conc(size), payload);
      const all = [...have, ...more];
      l.created.set(size, all);
      return all;
    };

    for (const size of opts.sizes) {
      await measure('PUT', size, on(PUT_SYSTEMS), async (l) => {
        const created = l.created.get(size) ?? [];
        l.created.set(size, created);
        return { created };
      });
      // Every client reads a different object, twice over; at most 128 MiB of pool per system and
      // size (objects are read from the page cache either way; preparing more only costs time).
      const want = Math.max(2, Math.min(conc(size) * 2, Math.floor((128 * MiB) / size)));
      const nginxKeys = new Map<number, string[]>();
      await measure('GET', size, on(GET_SYSTEMS), async (l) => {
        if (l.sys.name !== 'nginx') return { pool: await readPool(l, size, want) };
        let keys = nginxKeys.get(size);
        if (!keys) {
          keys = Array.from({ length: want }, (_, i) => `pool-${size}/${i}`);
          await mkdir(join(l.sys.nginx!.root, BUCKET, `pool-${size}`), { recursive: true });
          for (const k of keys) await writeFile(join(l.sys.nginx!.root, BUCKET, k), payload.subarray(0, size));
          nginxKeys.set(size, keys);
        }
        return { pool: keys };
      });
    }

    const s3 = on(S3_SYSTEMS);
    const small = opts.smallSize;
    const headPool = opts.concurrency * 4;
    await measure('HEAD', small, s3, async (l) => ({ pool: await readPool(l, small, headPool) }));
    const listed = new Set<SystemName>();
    await measure('LIST', small, s3, async (l) => {
      if (!listed.has(l.sys.name)) {
        await prepareObjects(clientOf(l, opts.concurrency), BUCKET, 'list/', small, opts.listObjects, opts.concurrency, payload);
        listed.add(l.sys.name);
      }
      return { listPrefix: 'list/', listMaxKeys: 1000 };
    });
    await measure('MIXED', opts.mixedSize, s3, async (l) => ({ pool: await readPool(l, opts.mixedSize, Math.max(opts.concurrency * 4, 32)) }));
    if (opts.highConcurrency > 0) {
      await measure('MIXED', 64 * KiB, s3, async (l) => ({ pool: await readPool(l, 64 * KiB, opts.highConcurrency * 2) }), opts.highConcurrency);
    }
    // DELETE last: it consumes small objects the PUT run left beyond the read pools, topped up
    // with fresh ones when the PUT run was short; each round deletes a different batch.
    await measure('DELETE', small, s3, async (l, round) => {
      const created = l.created.get(small) ?? [];
      const spare = created.length > headPool ? created.splice(headPool, opts.deleteObjects) : [];
      const more = spare.length < opts.deleteObjects
        ? await prepareObjects(clientOf(l, opts.concurrency), BUCKET, `del-r${round}/`, small, opts.deleteObjects - spare.length, opts.concurrency, payload)
        : [];
      return { pool: [...spare, ...more] };
    });

    const coffer = live.get('coffer');
    if (opts.compareSdk && coffer?.sys.target && !failed.has('coffer')) {
      // Raw and SDK clients back to back on the same server and objects, rounds alternating.
      const sdk = createSdkClient(coffer.sys.target, { concurrency: opts.concurrency });
      const raw = clientOf(coffer, opts.concurrency);
      try {
        const pool = await readPool(coffer, small, opts.concurrency * 2);
        for (const op of ['GET', 'PUT'] as const) {
          const best = new Map<string, LoadResult>();
          for (let round = 0; round < opts.rounds; round++) {
            const pair = [['coffer (raw client)', raw], ['coffer (SDK client)', sdk]] as const;
            for (const [system, client] of round % 2 === 0 ? pair : [...pair].reverse()) {
              const r = await runLoad({ system, client, op, size: small, concurrency: opts.concurrency, durationMs: opts.durationMs, bucket: BUCKET, payload, runId: `sdk-${op}-${round}-${system.length}`, serverPid: coffer.sys.pid!, pool });
              opts.log(`  ${op.padEnd(6)} ${sizeLabel(small).padStart(7)} ${system.padEnd(20)} ${r.opsPerSec.toFixed(1).padStart(9)} ops/s`);
              const prev = best.get(system);
              if (!prev || r.opsPerSec > prev.opsPerSec) best.set(system, r);
            }
          }
          sdkComparison.push(...best.values());
        }
      } finally {
        sdk.close();
      }
    }
    cipher = opensslAesGcm({ seconds: opts.quick ? 1 : 3 });
  } finally {
    for (const l of live.values()) {
      for (const c of l.clients.values()) c.close();
      await l.sys.stop().catch((err: unknown) => opts.log(`  stopping ${l.sys.name} failed: ${String(err)}`));
    }
  }
  const { log: _log, ...options } = opts;
  return {
    options,
    environment: { node: process.version, cpus: os.availableParallelism(), loadAverageStart, loadAverageEnd: os.loadavg(), at: new Date().toISOString() },
    results,
    sdkComparison,
    cipher,
    failures,
    seconds: (performance.now() - started) / 1000,
  };
}
