/**
 * Micro-benchmark of the encryption-at-rest data path (src/crypto/stream).
 *
 *   node --import tsx bench/crypto-stream.ts [--mib 256] [--write 65536]
 *
 * Streams N MiB of plaintext through createEncryptStream and the ciphertext through
 * createDecryptStream (one core, in memory, no disk), and prints MB/s (10^6 bytes/s) next to a
 * raw node:crypto per-chunk loop and `openssl speed -evp aes-256-gcm` (64 KiB blocks) from the
 * same machine and run, so stream overhead can be told apart from cipher speed.
 */
import { spawnSync } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import os from 'node:os';
import { DataKey, DEFAULT_CHUNK_SIZE, ciphertextSize, createDecryptStream, createEncryptStream } from '../src/crypto/index.js';

const { values } = parseArgs({
  options: { mib: { type: 'string', default: '256' }, write: { type: 'string', default: String(DEFAULT_CHUNK_SIZE) } },
});
const total = Number(values.mib) * 1024 * 1024;
const writeSize = Number(values.write);
const pool = randomBytes(4 * 1024 * 1024);

function source(bytes: number, piece: number): Readable {
  return Readable.from(
    (function* () {
      for (let off = 0; off < bytes; off += piece) {
        const at = off % (pool.length - piece);
        yield pool.subarray(at, at + Math.min(piece, bytes - off));
      }
    })(),
    { objectMode: false },
  );
}

function sink(keep?: Buffer[]): Writable & { bytes: number } {
  const w = new Writable({
    write(chunk: Buffer, _e, cb) {
      w.bytes += chunk.length;
      keep?.push(chunk);
      cb();
    },
  }) as Writable & { bytes: number };
  w.bytes = 0;
  return w;
}

/** Wall-clock and CPU (user + system) seconds; CPU time is what `openssl speed` divides by. */
async function timed(fn: () => Promise<void> | void): Promise<{ wall: number; cpu: number }> {
  const t = process.hrtime.bigint();
  const c = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(c);
  return { wall: Number(process.hrtime.bigint() - t) / 1e9, cpu: (used.user + used.system) / 1e6 };
}

const rows: { what: string; wall: number; cpu: number; note: string }[] = [];
const row = (what: string, bytes: number, s: { wall: number; cpu: number }, note: string) =>
  rows.push({ what, wall: bytes / s.wall / 1e6, cpu: bytes / s.cpu / 1e6, note });

// openssl, if present
const ossl = spawnSync('openssl', ['speed', '-mr', '-seconds', '2', '-bytes', String(DEFAULT_CHUNK_SIZE), '-evp', 'aes-256-gcm'], {
  encoding: 'utf8',
  timeout: 60_000,
});
const f = /^\+F:\d+:[^:]+:([\d.]+)/m.exec(ossl.stdout ?? '');
if (f) rows.push({ what: 'openssl speed -evp aes-256-gcm', wall: NaN, cpu: Number(f[1]) / 1e6, note: `${DEFAULT_CHUNK_SIZE}-byte blocks, user CPU time` });
else rows.push({ what: 'openssl speed -evp aes-256-gcm', wall: NaN, cpu: NaN, note: 'openssl CLI not available' });

// raw node:crypto, one cipher object per chunk, no streams
const key = randomBytes(32);
const iv = Buffer.alloc(12);
const rawLoop = (bytes: number) => {
  for (let off = 0, i = 0; off < bytes; off += DEFAULT_CHUNK_SIZE, i++) {
    iv.writeUInt32BE(i, 7);
    const c = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
    const at = off % (pool.length - DEFAULT_CHUNK_SIZE);
    c.update(pool.subarray(at, at + DEFAULT_CHUNK_SIZE));
    c.final();
    c.getAuthTag();
  }
};
rawLoop(32 * 1024 * 1024); // warm-up
const rawSecs = await timed(() => rawLoop(total));
row('node:crypto per-chunk loop (encrypt)', total, rawSecs, '64 KiB chunks, no streams');

const dk = DataKey.generate();
await pipeline(source(64 * 1024 * 1024, writeSize), createEncryptStream(dk), sink()); // warm-up

const encSink = sink();
const encSecs = await timed(() => pipeline(source(total, writeSize), createEncryptStream(dk), encSink));
if (encSink.bytes !== ciphertextSize(total)) throw new Error('unexpected ciphertext size');
row('createEncryptStream', total, encSecs, `${values.mib} MiB, ${writeSize}-byte writes`);

const knownSink = sink();
const knownSecs = await timed(() => pipeline(source(total, writeSize), createEncryptStream(dk, { plaintextSize: total }), knownSink));
if (knownSink.bytes !== ciphertextSize(total)) throw new Error('unexpected ciphertext size');
row('createEncryptStream, size declared', total, knownSecs, `${values.mib} MiB, ${writeSize}-byte writes`);

const blob: Buffer[] = [];
await pipeline(source(total, writeSize), createEncryptStream(dk), sink(blob));
{
  // warm-up on a separate, complete 32 MiB blob (a prefix of `blob` would fail as truncated)
  const warm: Buffer[] = [];
  await pipeline(source(32 * 1024 * 1024, writeSize), createEncryptStream(dk), sink(warm));
  await pipeline(Readable.from(warm, { objectMode: false }), createDecryptStream(dk, { plaintextSize: 32 * 1024 * 1024 }), sink());
}
const decSink = sink();
const decSecs = await timed(() => pipeline(Readable.from(blob, { objectMode: false }), createDecryptStream(dk, { plaintextSize: total }), decSink));
if (decSink.bytes !== total) throw new Error('unexpected plaintext size');
row('createDecryptStream', total, decSecs, `${values.mib} MiB, encryptor's output pieces`);

const w = Math.max(...rows.map((r) => r.what.length));
const fmt = (n: number) => (Number.isNaN(n) ? 'n/a' : n.toFixed(0)).padStart(11);
console.log(`\nCoffer crypto stream benchmark: node ${process.version}, ${process.arch}, ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(1)}; MB = 10^6 bytes`);
console.log(`${'what'.padEnd(w)} | ${'MB/s wall'.padStart(11)} | ${'MB/s CPU'.padStart(11)} | note`);
console.log(`${'-'.repeat(w)}-+-${'-'.repeat(11)}-+-${'-'.repeat(11)}-+-${'-'.repeat(34)}`);
for (const r of rows) console.log(`${r.what.padEnd(w)} | ${fmt(r.wall)} | ${fmt(r.cpu)} | ${r.note}`);
