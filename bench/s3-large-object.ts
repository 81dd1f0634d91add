/**
 * Large-object benchmark: streams one object (5 GiB, the size; --quick: 32 MiB) up and down
 * through a real Coffer server over TLS, and reports throughput with the server's peak RSS
 * (VmHWM) next to the object size, and next to a raw local-disk write+fsync of the same bytes
 * in the same run (the physical ceiling for a durable PUT on this machine).
 */
import { createHash } from 'node:crypto';
import { open, readFile, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { startBenchCoffer } from './coffer-process.js';

const MiB = 1024 * 1024;

function source(size: number): Readable {
  const block = createHash('sha512').update('coffer').digest();
  const chunk = Buffer.alloc(MiB);
  for (let i = 0; i < MiB; i += block.length) block.copy(chunk, i);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) return void this.push(null);
      const n = Math.min(MiB, size - sent);
      sent += n;
      this.push(n === MiB ? Buffer.from(chunk) : chunk.subarray(0, n));
    },
  });
}

async function peakRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : NaN;
}

/** MiB/s of one sequential write + fsync (at most 1 GiB: the rate, not the size, is the ceiling). */
async function rawDiskWrite(objectSize: number): Promise<number> {
  const size = Math.min(objectSize, 1024 * MiB);
  const dir = await mkdtemp(join(tmpdir(), 'coffer-bench-disk-'));
  const file = join(dir, 'raw');
  const started = performance.now();
  const fh = await open(file, 'w');
  for await (const chunk of source(size)) await fh.write(chunk as Buffer);
  await fh.sync();
  await fh.close();
  const secs = (performance.now() - started) / 1000;
  await rm(dir, { recursive: true, force: true });
  return size / MiB / secs;
}

export interface LargeObjectResult {
  sizeMiB: number;
  putMiBs: number;
  getMiBs: number;
  diskWriteFsyncMiBs: number;
  serverPeakRssMiB: number;
  serverIdleRssMiB: number;
}

export async function benchLargeObject(opts: { quick: boolean }): Promise<LargeObjectResult> {
  const size = (opts.quick ? 32 : 5120) * MiB;
  const coffer = await startBenchCoffer();
  try {
    const pid = coffer.process.pid!;
    const idle = await peakRss(pid);
    const s3 = coffer.client();
    await s3.send(new CreateBucketCommand({ Bucket: 'bench' }));
    let t = performance.now();
    await new Upload({ client: s3, params: { Bucket: 'bench', Key: 'large', Body: source(size) }, partSize: 64 * MiB, queueSize: 2 }).done();
    const putSecs = (performance.now() - t) / 1000;
    t = performance.now();
    const got = await s3.send(new GetObjectCommand({ Bucket: 'bench', Key: 'large' }));
    let n = 0;
    for await (const c of got.Body as Readable) n += (c as Buffer).length;
    const getSecs = (performance.now() - t) / 1000;
    if (n !== size) throw new Error(`downloaded ${n} of ${size} bytes`);
    const peak = await peakRss(pid);
    const disk = await rawDiskWrite(size);
    return {
      sizeMiB: size / MiB,
      putMiBs: size / MiB / putSecs,
      getMiBs: size / MiB / getSecs,
      diskWriteFsyncMiBs: disk,
      serverPeakRssMiB: peak / MiB,
      serverIdleRssMiB: idle / MiB,
    };
  } finally {
    await coffer.dispose();
  }
}

export function largeObjectTable(r: LargeObjectResult): string {
  const f = (x: number) => x.toFixed(1);
  return [
    `### Large object (${r.sizeMiB} MiB) through Coffer over TLS, encrypted at rest`,
    '',
    '| measure | Coffer | reference | ratio |',
    '|---|---|---|---|',
    `| PUT MiB/s (lib-storage, 64 MiB parts) | ${f(r.putMiBs)} | raw disk write+fsync ${f(r.diskWriteFsyncMiBs)} | ${(r.putMiBs / r.diskWriteFsyncMiBs).toFixed(2)} |`,
    `| GET MiB/s | ${f(r.getMiBs)} | | |`,
    `| server peak RSS MiB | ${f(r.serverPeakRssMiB)} | object size ${r.sizeMiB} | ${(r.serverPeakRssMiB / r.sizeMiB).toFixed(3)} |`,
    `| server RSS at start MiB | ${f(r.serverIdleRssMiB)} | | |`,
    '',
  ].join('\n');
}
