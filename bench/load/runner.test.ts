import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MIX, prepareObjects, runLoad, summarize } from './runner.js';
import type { S3Ops } from './types.js';

/** A tiny in-memory object store standing in for a server (the runner is what is under test). */
function memoryStore(opts: { failGets?: boolean } = {}): S3Ops & { objects: Map<string, number>; calls: Record<string, number> } {
  const objects = new Map<string, number>();
  const calls: Record<string, number> = {};
  const count = (op: string) => (calls[op] = (calls[op] ?? 0) + 1);
  const tick = () => new Promise<void>((r) => setImmediate(r));
  return {
    objects,
    calls,
    async createBucket() {},
    async put(bucket, key, body) {
      count('put');
      await tick();
      objects.set(`${bucket}/${key}`, body.length);
    },
    async get(bucket, key) {
      count('get');
      await tick();
      if (opts.failGets) throw new Error('boom');
      const n = objects.get(`${bucket}/${key}`);
      if (n === undefined) throw new Error(`404 ${key}`);
      return n;
    },
    async head(bucket, key) {
      count('head');
      await tick();
      if (!objects.has(`${bucket}/${key}`)) throw new Error(`404 ${key}`);
    },
    async del(bucket, key) {
      count('del');
      await tick();
      objects.delete(`${bucket}/${key}`);
    },
    async list(bucket, prefix, maxKeys) {
      count('list');
      await tick();
      return Math.min(maxKeys, [...objects.keys()].filter((k) => k.startsWith(`${bucket}/${prefix}`)).length);
    },
  };
}

const payload = Buffer.alloc(64 * 1024, 7);
const base = { system: 'mem', bucket: 'b', payload, concurrency: 4, durationMs: 10_000 };

describe('summarize', () => {
  it('reports nearest-rank percentiles, the maximum and the mean', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i); // 1..100, unsorted
    const s = summarize(xs);
    assert.equal(s.p50, 50);
    assert.equal(s.p90, 90);
    assert.equal(s.p99, 99);
    assert.equal(s.max, 100);
    assert.equal(s.mean, 50.5);
  });

  it('returns NaN for an empty run instead of throwing', () => {
    assert.ok(Number.isNaN(summarize([]).p50));
  });
});

describe('runLoad', () => {
  it('stops after maxOps PUTs, counts the payload bytes and hands back the created keys', async () => {
    const store = memoryStore();
    const created: string[] = [];
    const r = await runLoad({ ...base, client: store, op: 'PUT', size: 4096, maxOps: 50, runId: 'p', created });
    assert.equal(r.ops, 50);
    assert.equal(r.errors, 0);
    assert.equal(created.length, 50);
    assert.equal(store.objects.size, 50);
    assert.ok(r.mbPerSec > 0 && r.opsPerSec > 0);
    assert.ok(r.latency.p50 <= r.latency.p99);
  });

  it('DELETE consumes its pool once and then stops', async () => {
    const store = memoryStore();
    const pool = await prepareObjects(store, 'b', 'd/', 10, 30, 4, payload);
    const r = await runLoad({ ...base, client: store, op: 'DELETE', size: 10, pool, runId: 'd' });
    assert.equal(r.ops, 30);
    assert.equal(store.objects.size, 0);
  });

  it('counts failed operations as errors with the first message, not as latency samples', async () => {
    const store = memoryStore({ failGets: true });
    const pool = await prepareObjects(store, 'b', 'g/', 10, 4, 4, payload);
    const r = await runLoad({ ...base, client: store, op: 'GET', size: 10, pool, maxOps: 20, runId: 'g' });
    assert.equal(r.ops, 0);
    assert.equal(r.errors, 20);
    assert.equal(r.firstError, 'boom');
  });

  it('rejects a GET that returns fewer bytes than the object size', async () => {
    const store = memoryStore();
    const pool = await prepareObjects(store, 'b', 's/', 10, 4, 4, payload);
    const r = await runLoad({ ...base, client: store, op: 'GET', size: 20, pool, maxOps: 8, runId: 's' });
    assert.equal(r.errors, 8);
    assert.match(r.firstError ?? '', /returned 10 of 20 bytes/);
  });

  it('MIXED issues every operation kind in roughly the 45/30/15/10 proportions', async () => {
    const store = memoryStore();
    const pool = await prepareObjects(store, 'b', 'm/', 10, 400, 8, payload);
    const r = await runLoad({ ...base, client: store, op: 'MIXED', size: 10, pool, maxOps: 4000, concurrency: 8, runId: 'm' });
    assert.equal(r.ops + r.errors, 4000);
    for (const [kind, weight] of MIX) {
      const share = ((r.mix?.[kind] ?? 0) / r.ops) * 100;
      assert.ok(Math.abs(share - weight) < 5, `${kind}: ${share.toFixed(1)}% for a weight of ${weight}%`);
    }
  });

  it('MIXED reports the keys it deleted, and they are gone from the store', async () => {
    const store = memoryStore();
    const pool = await prepareObjects(store, 'b', 'x/', 10, 200, 8, payload);
    const deleted = new Set<string>();
    await runLoad({ ...base, client: store, op: 'MIXED', size: 10, pool, maxOps: 500, concurrency: 8, runId: 'x', deleted });
    assert.ok(deleted.size > 0);
    for (const k of deleted) assert.equal(store.objects.has(`b/${k}`), false, k);
    assert.equal(pool.filter((k) => !deleted.has(k)).every((k) => store.objects.has(`b/${k}`)), true);
  });

  it('LIST reports keys per second from the listed page sizes', async () => {
    const store = memoryStore();
    await prepareObjects(store, 'b', 'l/', 10, 25, 4, payload);
    const r = await runLoad({ ...base, client: store, op: 'LIST', size: 10, listPrefix: 'l/', listMaxKeys: 1000, maxOps: 10, runId: 'l' });
    assert.equal(r.ops, 10);
    assert.ok(Math.abs((r.keysPerSec ?? 0) / r.opsPerSec - 25) < 1e-6, `${r.keysPerSec} keys/s at ${r.opsPerSec} ops/s`);
  });
});
