/**
 * Durable audit append rate next to the disk's raw fsync rate, same directory, same run.
 *
 *   node --import tsx bench/audit-append.ts [--seconds 3] [--dir /path/on/the/data/disk]
 *
 * Rows: raw `write 1 KiB + fdatasync` loop (the ceiling for one-at-a-time durable appends);
 * the audit trail with 1 caller (every record waits for its own fsync) and with 16, 64 and 256
 * concurrent callers (group commit: one fsync per batch). Each record is a realistic S3
 * PutObject event (~800 bytes of JSON), redacted, encrypted and hashed into the Merkle tree.
 */
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MasterKey } from '../src/crypto/index.js';
import { buildS3Event, openAuditTrail } from '../src/audit/index.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '3' }, dir: { type: 'string' }, quick: { type: 'boolean' } } });
const seconds = values.quick ? 1 : Number(values.seconds);
const base = await mkdtemp(join(values.dir ?? tmpdir(), 'coffer-bench-audit-'));

function event(i: number) {
  return buildS3Event(
    {
      operation: 'PutObject',
      principal: { type: 'IAMUser', principalId: 'AIDAEXAMPLEUSER', arn: 'arn:aws:iam::123456789012:user/alice', accountId: '123456789012', userName: 'alice' },
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      sourceIp: '192.0.2.10',
      userAgent: 'aws-sdk-js/3.1000.0 ua/2.1 os/linux lang/js md/nodejs#20',
      tls: { version: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' },
      host: 'coffer.example.com',
      bucket: 'bench-bucket',
      key: `objects/${i}.bin`,
      headers: { 'content-type': 'application/octet-stream', 'content-length': '4096' },
      requestId: `REQ${i}`,
      readOnly: false,
      responseElements: { 'x-amz-version-id': 'null' },
      decision: { decision: 'Allow', matched: [{ policyId: 'user/alice/inline', sid: 'RW', effect: 'Allow' }] },
      signatureVersion: 'SigV4',
      authenticationMethod: 'AuthHeader',
      bytesTransferredIn: 4096,
      bytesTransferredOut: 0,
    },
    { accountId: '123456789012', region: 'us-east-1' },
  );
}

async function rawFsync(): Promise<number> {
  const fh = await open(join(base, 'raw'), 'a');
  const buf = Buffer.alloc(1024, 7);
  let n = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    await fh.write(buf);
    await fh.datasync();
    n++;
  }
  await fh.close();
  return n / seconds;
}

async function audit(concurrency: number): Promise<{ rate: number; perFsync: number }> {
  const dir = join(base, `trail-${concurrency}`);
  const trail = await openAuditTrail({ dir, masterKey: MasterKey.generate(), accountId: '123456789012', region: 'us-east-1' });
  let n = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  const s0 = trail.stats();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) await trail.record(event(n++));
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  const s = trail.stats();
  await trail.close();
  return { rate: (s.records - s0.records) / elapsed, perFsync: (s.records - s0.records) / Math.max(1, s.fsyncs - s0.fsyncs) };
}

try {
  const raw = await rawFsync();
  const rows = [`| what | per second | records per fsync |`, `|---|---:|---:|`, `| raw write 1 KiB + fdatasync | ${raw.toFixed(0)} fsyncs | 1 |`];
  for (const c of [1, 16, 64, 256]) {
    const r = await audit(c);
    rows.push(`| audit record, ${c} concurrent caller${c > 1 ? 's' : ''} | ${r.rate.toFixed(0)} records (${(r.rate / raw).toFixed(1)}x raw fsync/s) | ${r.perFsync.toFixed(1)} |`);
  }
  process.stdout.write(`Durable audit appends, ${seconds} s per row, directory ${values.dir ?? tmpdir()}\n\n${rows.join('\n')}\n`);
} finally {
  await rm(base, { recursive: true, force: true });
}
