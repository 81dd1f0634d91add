/**
 * The PUT ceiling as an S3Ops: each put writes the body to a new file in a temp directory and
 * fsyncs it before resolving (what a durable PUT must at least do), at the same concurrency as
 * the servers get. Reads, heads, deletes and lists go to the same files.
 */
import { mkdir, mkdtemp, open, readdir, readFile, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { S3Ops } from './types.js';

export interface DiskTarget extends S3Ops {
  dir: string;
  dispose(): Promise<void>;
}

export async function createDiskTarget(): Promise<DiskTarget> {
  const dir = await mkdtemp(join(tmpdir(), 'coffer-bench-disk-'));
  const file = (bucket: string, key: string) => join(dir, bucket, key);
  return {
    dir,
    async createBucket(bucket) {
      await mkdir(join(dir, bucket), { recursive: true });
    },
    async put(bucket, key, body) {
      const path = file(bucket, key);
      await mkdir(dirname(path), { recursive: true });
      const fh = await open(path, 'w');
      try {
        await fh.write(body);
        await fh.sync();
      } finally {
        await fh.close();
      }
    },
    async get(bucket, key) {
      return (await readFile(file(bucket, key))).length;
    },
    async head(bucket, key) {
      await stat(file(bucket, key));
    },
    async del(bucket, key) {
      await unlink(file(bucket, key)).catch(() => undefined);
    },
    async list(bucket, prefix, maxKeys) {
      const names = await readdir(dirname(file(bucket, prefix + 'x')));
      return Math.min(names.length, maxKeys);
    },
    async dispose() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}
