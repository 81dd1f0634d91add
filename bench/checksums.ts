/**
 * Throughput of each checksum on the data path, in MB/s (1 MB = 10^6 bytes), single thread.
 * Feeds a 256 MiB random buffer in 64 KiB chunks (a typical stream chunk size) and reports the
 * best of a few rounds, measured in process CPU time (user + system) so that other load on a
 * shared machine does not distort the numbers as much as wall-clock time would. Run: node --import tsx bench/checksums.ts [MiB]
 * Also measures the ChecksumTap with the PutObject default set (one CRC + MD5) and the AWS SDK's
 * pure-JS CRC64NVME for comparison.
 */
import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Crc64Nvme } from '@aws-sdk/crc64-nvme';
import { CHECKSUM_ALGORITHMS, checksumBackends, createChecksumTap, createHasher, crcCombineAll, type HashAlgorithm } from '../src/objects/checksums/index.js';

import { crc64nvmeInit, crc64nvmeUpdateJs } from '../src/objects/checksums/crc64nvme.js';

const MIB = Number(process.argv[2] ?? 256);
const CHUNK = 64 * 1024;
const ROUNDS = 3;
const data = randomBytes(MIB * 1024 * 1024);
const chunks: Buffer[] = [];
for (let i = 0; i < data.length; i += CHUNK) chunks.push(data.subarray(i, i + CHUNK));

const cpuSeconds = (since: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};

function best(fn: () => void): number {
  let bestSec = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t = process.cpuUsage();
    fn();
    bestSec = Math.min(bestSec, cpuSeconds(t));
  }
  return data.length / 1e6 / bestSec;
}

async function bestAsync(fn: () => Promise<void>): Promise<number> {
  let bestSec = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t = process.cpuUsage();
    await fn();
    bestSec = Math.min(bestSec, cpuSeconds(t));
  }
  return data.length / 1e6 / bestSec;
}

const row = (name: string, mbps: number) => console.log(`${name.padEnd(34)} ${mbps.toFixed(0).padStart(7)} MB/s`);

console.log(`node ${process.version}, ${MIB} MiB in ${CHUNK / 1024} KiB chunks, best of ${ROUNDS}, CPU time`);
console.log(`backends: ${JSON.stringify(checksumBackends)}`);
for (const alg of [...CHECKSUM_ALGORITHMS, 'MD5'] as HashAlgorithm[]) {
  row(alg, best(() => {
    const h = createHasher(alg);
    for (const c of chunks) h.update(c);
    h.digest();
  }));
}
row('CRC64NVME (our JS path)', best(() => {
  const s = crc64nvmeInit();
  for (const c of chunks) crc64nvmeUpdateJs(s, c);
}));
row('CRC64NVME (@aws-sdk/crc64-nvme)', best(() => {
  const h = new Crc64Nvme();
  for (const c of chunks) h.update(c);
}));

const devNull = () => new Writable({ write(_c, _e, cb) { cb(); } });
for (const algs of [['CRC32'], ['CRC64NVME']] as const) {
  row(`tap ${algs.join('+')} + MD5`, await bestAsync(async () => {
    await pipeline(Readable.from(chunks), createChecksumTap({ algorithms: algs, md5: true }), devNull());
  }));
}

// CompleteMultipartUpload cost: FULL_OBJECT combine of 10,000 parts (the S3 maximum).
for (const alg of ['CRC32', 'CRC64NVME'] as const) {
  const crc = createHasher(alg).update(chunks[0]!).digest();
  const parts = Array.from({ length: 10_000 }, () => ({ crc, size: 8 * 1024 * 1024 }));
  const t = process.cpuUsage();
  crcCombineAll(alg, parts);
  console.log(`${`combine 10,000 ${alg} parts`.padEnd(34)} ${(cpuSeconds(t) * 1000).toFixed(1).padStart(7)} ms CPU`);
}
