/**
 * Discovery on write, end to end: how long from a PUT's reply until its finding is listed, and
 * what classifying every write at the full CPU budget costs request throughput.
 *
 *   node --import tsx bench/discovery-latency.ts [--quick] [--objects N] [--seconds S] [--rounds R]
 *
 * Latency: N objects of ~4 KiB realistic text with a card number and an SSN are written one at a
 * time; after each reply, ListFindings (criterion: the object's key) is polled every 10 ms until
 * the finding appears. Measured on an idle server and while it serves 16 concurrent 4 KiB GETs. Reference: Amazon Macie's automated discovery evaluates
 * buckets daily and one-time jobs take minutes to start; the floor here is one object's scan
 * plus the 10 ms polling step.
 *
 * Throughput cost: two servers side by side (discovery.onWrite=false, and onWrite with
 * discovery.cpuPercent=100), 4 KiB PUTs of sensitive text at 32 concurrent, rounds alternate the
 * order, median round; the backlog left at the end of the load and the time to drain it are given,
 * because scanning is asynchronous (the queue absorbs bursts, the CPU budget bounds the cost).
 */
import https from 'node:https';
import { parseArgs } from 'node:util';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ListFindingsCommand, Macie2Client } from '@aws-sdk/client-macie2';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startBenchCoffer as startCoffer, type BenchCoffer as Coffer } from './coffer-process.js';
import { createRawClient } from './load/raw-client.js';
import { prepareObjects, runLoad } from './load/runner.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, objects: { type: 'string' }, seconds: { type: 'string' }, rounds: { type: 'string' } } });
const quick = values.quick === true;
const N = Number(values.objects ?? (quick ? 6 : 30));
const seconds = Number(values.seconds ?? (quick ? 1 : 5));
const rounds = Number(values.rounds ?? (quick ? 1 : 3));
const SIZE = 4096;

/** ~4 KiB of prose with one card number and one SSN, as a leaked export would hold. */
function sensitiveText(size: number): Buffer {
  const prose = 'Quarterly review notes for the support team: tickets closed, escalations and follow-ups for next week. ';
  let s = '';
  while (s.length < size - 80) s += prose;
  return Buffer.from(`${s.slice(0, size - 80)}\ncard 4111 1111 1111 1111 exp 12/29\nSSN 536-90-4399\n`.padEnd(size, ' '));
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? NaN;
const median = (xs: number[]) => pct(xs, 50);

function clients(c: Coffer) {
  const requestHandler = new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: c.ca, keepAlive: true }) });
  const credentials = { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
  return { s3: c.client(), macie: new Macie2Client({ endpoint: c.endpoint, region: 'us-east-1', credentials, requestHandler }) };
}

async function latencies(c: Coffer, bucket: string, prefix: string, body: Buffer): Promise<number[]> {
  const { s3, macie } = clients(c);
  const out: number[] = [];
  try {
    for (let i = 0; i < N; i++) {
      const key = `${prefix}-${i}.txt`;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      const t0 = performance.now();
      const deadline = t0 + 60_000;
      for (;;) {
        const r = await macie.send(new ListFindingsCommand({ findingCriteria: { criterion: { 'resourcesAffected.s3Object.key': { eq: [key] } } } }));
        if ((r.findingIds ?? []).length > 0) break;
        if (performance.now() > deadline) throw new Error(`no finding for ${key} within 60 s`);
        await new Promise((r2) => setTimeout(r2, 10));
      }
      out.push(performance.now() - t0);
    }
  } finally {
    s3.destroy();
    macie.destroy();
  }
  return out;
}

async function main(): Promise<void> {
  const body = sensitiveText(SIZE);
  const lines: string[] = [];

  // 1. Latency, idle and under load.
  const c = await startCoffer({ env: { COFFER_DISCOVERY_CPU_PERCENT: '100', COFFER_LOG_LEVEL: 'error' } });
  try {
    await c.client().send(new CreateBucketCommand({ Bucket: 'latency' }));
    const idle = await latencies(c, 'latency', 'idle', body);
    const raw = createRawClient({ endpoint: c.endpoint, ca: c.ca, credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey }, region: 'us-east-1' }, { concurrency: 16 });
    // Background read load in 500 ms slices until the measurement is done (runLoad has no stop
    // signal). Reads, because a sustained write rate above the classification rate only grows the
    // queue (FIFO): that case is the backlog measured below.
    const pool = await prepareObjects(raw, 'latency', 'pool-', SIZE, 64, 16, body);
    await c.client().send(new PutObjectCommand({ Bucket: 'latency', Key: 'settle.txt', Body: 'x' }));
    let loading = true;
    const rates: number[] = [];
    const background = (async () => {
      for (let slice = 0; loading && slice < 2000; slice++) {
        const r = await runLoad({ system: 'coffer', client: raw, op: 'GET', size: SIZE, concurrency: 16, durationMs: 500, bucket: 'latency', payload: body, runId: `bg${slice}`, serverPid: c.process.pid!, pool });
        rates.push(r.opsPerSec);
      }
    })();
    let loaded: number[] = [];
    try {
      await new Promise((r) => setTimeout(r, 2000));
      loaded = await latencies(c, 'latency', 'loaded', body);
    } finally {
      loading = false;
      await background.catch(() => undefined);
      raw.close();
    }
    const loadOps = median(rates);
    lines.push(
      `PUT -> finding listed (ListFindings polled every 10 ms), ${N} objects of ${SIZE} B text with a card number and an SSN, discovery.cpuPercent=100:`,
      '',
      '| condition | median ms | p90 ms | max ms |',
      '|---|---:|---:|---:|',
      `| idle server | ${median(idle).toFixed(0)} | ${pct(idle, 90).toFixed(0)} | ${Math.max(...idle).toFixed(0)} |`,
      `| while serving 16 concurrent 4 KiB GETs${loadOps ? ` (${loadOps.toFixed(0)} GET/s)` : ''} | ${median(loaded).toFixed(0)} | ${pct(loaded, 90).toFixed(0)} | ${Math.max(...loaded).toFixed(0)} |`,
      '| reference: Amazon Macie automated discovery | daily | | |',
      '',
    );
  } finally {
    await c.dispose();
  }

  // 2. Throughput cost at the full CPU budget (and at the default one).
  const variants = [
    { name: 'discovery on write off', env: { COFFER_DISCOVERY_ON_WRITE: 'false' } },
    { name: 'discovery on write, cpuPercent=100', env: { COFFER_DISCOVERY_CPU_PERCENT: '100' } },
    { name: 'discovery on write, cpuPercent=50 (default)', env: {} },
  ];
  const servers = await Promise.all(variants.map((v) => startCoffer({ env: { ...v.env, COFFER_LOG_LEVEL: 'error' } })));
  const ops: number[][] = variants.map(() => []);
  const cpu: number[][] = variants.map(() => []);
  const drain: { backlog: number; ms: number }[] = [];
  try {
    const raws = servers.map((s) => createRawClient({ endpoint: s.endpoint, ca: s.ca, credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey }, region: 'us-east-1' }, { concurrency: 32 }));
    for (const r of raws) await r.createBucket('bench');
    const { macie } = clients(servers[1]!);
    const findingCount = async (): Promise<number> => {
      let n = 0;
      let nextToken: string | undefined;
      do {
        const r = await macie.send(new ListFindingsCommand({ maxResults: 50, ...(nextToken ? { nextToken } : {}) }));
        n += (r.findingIds ?? []).length;
        nextToken = r.nextToken;
      } while (nextToken);
      return n;
    };
    let written = 0;
    try {
      for (let round = 0; round < rounds; round++) {
        const order = variants.map((_, k) => (k + round) % variants.length);
        for (const i of order) {
          const res = await runLoad({ system: variants[i]!.name, client: raws[i]!, op: 'PUT', size: SIZE, concurrency: 32, durationMs: seconds * 1000, bucket: 'bench', payload: body, runId: `r${round}`, serverPid: servers[i]!.process.pid! });
          ops[i]!.push(res.opsPerSec);
          cpu[i]!.push(res.server?.cpuMsPerOp ?? NaN);
          if (i === 1) {
            written += res.ops;
            const t0 = performance.now();
            const backlog = written - (await findingCount());
            while ((await findingCount()) < written && performance.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 100));
            drain.push({ backlog, ms: performance.now() - t0 });
          }
        }
      }
    } finally {
      macie.destroy();
      for (const r of raws) r.close();
    }
  } finally {
    await Promise.all(servers.map((s) => s.dispose()));
  }
  const off = median(ops[0]!);
  lines.push(
    `Throughput of ${SIZE} B PUTs of sensitive text (every object is a finding), 32 concurrent, ${seconds} s x ${rounds} round(s), median round:`,
    '',
    '| server | PUT/s | server CPU ms/op | cost |',
    '|---|---:|---:|---:|',
    `| ${variants[0]!.name} | ${off.toFixed(0)} | ${median(cpu[0]!).toFixed(2)} | |`,
    ...variants.slice(1).map((v, k) => `| ${v.name} | ${median(ops[k + 1]!).toFixed(0)} | ${median(cpu[k + 1]!).toFixed(2)} | ${((1 - median(ops[k + 1]!) / off) * 100).toFixed(1)}% |`),
    '',
    `Backlog left when the load stopped (objects not yet classified), and time until every one was a finding: ${drain.map((d) => `${d.backlog} objects, ${(d.ms / 1000).toFixed(1)} s`).join('; ')}; classification alone drains ${median(drain.map((d) => (d.backlog / d.ms) * 1000)).toFixed(0)} objects/s.`,
    '',
  );
  process.stdout.write(lines.join('\n') + '\n');
}

await main();
