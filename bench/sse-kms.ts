/**
 * SSE-KMS cost: small-object PUT and GET throughput through a real Coffer server (TLS, audit on)
 * with SSE-S3, SSE-KMS and SSE-KMS with S3 Bucket Keys, side by side; and, in process, the time
 * to seal and open one object's data key in each mode (where the KMS calls are; Bucket Keys
 * replace a KMS GenerateDataKey/Decrypt per object with a cached key and an AES-GCM wrap).
 *
 *   node --import tsx bench/sse-kms.ts [--quick]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { MasterKey, createEnvelope } from '../src/crypto/index.js';
import { KmsStore, createKms, createKmsDataKeys } from '../src/kms/index.js';
import { createSegmentKeys, type WritePlan } from '../src/objects/segment-keys.js';
import { startBenchCoffer } from './coffer-process.js';

const quick = process.argv.includes('--quick');
const OBJECTS = quick ? 48 : 600;
const SIZE = 4096;
const CONCURRENCY = 16;
/** Modes run interleaved, round after round, and each reports its median round (fair under load). */
const ROUNDS = quick ? 1 : 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function pool(n: number, fn: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) await fn(next++);
    }),
  );
  return n / ((performance.now() - started) / 1000);
}

async function endToEnd(): Promise<Array<{ mode: string; put: number; get: number }>> {
  const coffer = await startBenchCoffer();
  try {
    const s3 = coffer.client();
    const kms = new KMSClient({
      endpoint: coffer.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: coffer.accessKeyId, secretAccessKey: coffer.secretAccessKey },
      requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: coffer.ca }) }),
    });
    const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const body = randomBytes(SIZE);
    const modes: Array<[string, Partial<PutObjectCommandInput>]> = [
      ['SSE-S3', {}],
      ['SSE-KMS', { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyId }],
      ['SSE-KMS + Bucket Key', { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyId, BucketKeyEnabled: true }],
    ];
    const bucketOf = (mode: string) => `bench-${mode.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
    // Warm up connections and the server's code paths once per mode before measuring.
    for (const [mode, sse] of modes) {
      await s3.send(new CreateBucketCommand({ Bucket: bucketOf(mode) }));
      await pool(quick ? CONCURRENCY : CONCURRENCY * 2, (i) => s3.send(new PutObjectCommand({ Bucket: bucketOf(mode), Key: `warm/${i}`, Body: body, ...sse })).then(() => undefined));
    }
    const puts = new Map<string, number[]>();
    const gets = new Map<string, number[]>();
    const perRound = Math.ceil(OBJECTS / ROUNDS);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [mode, sse] of modes) {
        const bucket = bucketOf(mode);
        const put = await pool(perRound, (i) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: `o/${round}/${i}`, Body: body, ...sse })).then(() => undefined));
        const get = await pool(perRound, async (i) => {
          const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `o/${round}/${i}` }));
          await r.Body!.transformToByteArray();
        });
        puts.set(mode, [...(puts.get(mode) ?? []), put]);
        gets.set(mode, [...(gets.get(mode) ?? []), get]);
      }
    }
    kms.destroy();
    return modes.map(([mode]) => ({ mode, put: median(puts.get(mode)!), get: median(gets.get(mode)!) }));
  } finally {
    await coffer.dispose();
  }
}

async function keyPaths(): Promise<Array<{ mode: string; sealUs: number; openUs: number }>> {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-bench-sse-'));
  try {
    const masterKey = MasterKey.generate();
    const store = KmsStore.open({ path: join(dir, 'kms.db'), masterKey });
    const kms = createKms({ store, masterKey, clock: { now: () => Date.now() }, region: 'us-east-1', accountId: '123456789012' });
    const port = createKmsDataKeys({ kms, authorize: () => undefined });
    const keys = createSegmentKeys({ envelope: createEnvelope({ masterKey }), kms: port, clock: { now: () => Date.now() } });
    const { Arn } = kms.createKey();
    const n = quick ? 100 : 10_000;
    const plans: Array<[string, WritePlan]> = [
      ['SSE-S3', { mode: 'AES256' }],
      ['SSE-KMS', { mode: 'aws:kms', keyArn: Arn, context: null, bucketKey: false, bucket: 'b', key: 'k', caller: null }],
      ['SSE-KMS + Bucket Key', { mode: 'aws:kms', keyArn: Arn, context: null, bucketKey: true, bucket: 'b', key: 'k', caller: null }],
    ];
    const seal = new Map<string, number[]>();
    const openT = new Map<string, number[]>();
    for (let round = 0; round < ROUNDS; round++) for (const [mode, plan] of plans) {
      const sse = plan.mode === 'aws:kms' ? { mode: 'aws:kms' as const, keyArn: Arn, context: null, bucketKey: plan.bucketKey } : { mode: 'AES256' as const };
      const segs = [];
      let t = performance.now();
      for (let i = 0; i < n; i++) {
        const p = await keys.create(plan, { bucket: 'b', key: `k${i}`, version: 'null' });
        p.dataKey.destroy();
        segs.push({ blobId: 'x', size: 1, sealedKey: p.sealedKey, keyContext: p.keyContext, etag: '""', checksum: null });
      }
      const sealUs = ((performance.now() - t) * 1000) / n;
      t = performance.now();
      for (const s of segs) (await keys.open(s, sse, { caller: null })).destroy();
      const openUs = ((performance.now() - t) * 1000) / n;
      seal.set(mode, [...(seal.get(mode) ?? []), sealUs]);
      openT.set(mode, [...(openT.get(mode) ?? []), openUs]);
    }
    kms.close();
    store.close();
    return plans.map(([mode]) => ({ mode, sealUs: median(seal.get(mode)!), openUs: median(openT.get(mode)!) }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const e2e = await endToEnd();
const paths = await keyPaths();
const base = e2e[0]!;
const lines = [
  `SSE cost, ${OBJECTS} objects of ${SIZE} B per mode, ${CONCURRENCY} concurrent requests, TLS + audit on, one server; modes interleaved over ${ROUNDS} rounds, median round:`,
  '',
  '| mode | PUT obj/s | vs SSE-S3 | GET obj/s | vs SSE-S3 | seal key µs | open key µs |',
  '|---|---:|---:|---:|---:|---:|---:|',
  ...e2e.map((r, i) => {
    const p = paths[i]!;
    const pct = (x: number, b: number) => `${(((x - b) / b) * 100).toFixed(1)}%`;
    return `| ${r.mode} | ${r.put.toFixed(0)} | ${pct(r.put, base.put)} | ${r.get.toFixed(0)} | ${pct(r.get, base.get)} | ${p.sealUs.toFixed(1)} | ${p.openUs.toFixed(1)} |`;
  }),
  '',
  'seal/open key: in-process time per object to create and to open its data key (the KMS call, or the cached Bucket Key wrap).',
];
process.stdout.write(lines.join('\n') + '\n');
