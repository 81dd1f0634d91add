import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import type { Readable } from 'node:stream';
import type { MetadataStore, ObjectVersionRecord, PartRecord } from '../metadata/port.js';
import { openLocalDiskBlobStore } from '../blobs/local-disk/open-local-disk-blob-store.js';
import { openSqliteMetadataStore } from '../metadata/sqlite/open-sqlite-metadata-store.js';

const CHILD = fileURLToPath(new URL('./crash-writer.child.ts', import.meta.url));
const ITERATIONS = 4;

/** Runs the writer until it has finished `minOps` iterations, then SIGKILLs it a moment later. */
function runAndKill(dir: string, keyHex: string, minOps: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, keyHex], { stdio: ['ignore', 'pipe', 'pipe'] });
    let ops = 0;
    let stderr = '';
    let killing = false;
    const watchdog = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      ops += s.split('\n').length - 1;
      if (ops >= minOps && !killing) {
        killing = true;
        setTimeout(() => child.kill('SIGKILL'), randomInt(0, 25));
      }
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(watchdog);
      if (signal === 'SIGKILL' && killing) resolve(ops);
      else reject(new Error(`writer exited early (code ${code}, signal ${signal}): ${stderr.slice(0, 2000)}`));
    });
  });
}

async function md5(stream: Readable): Promise<{ etag: string; size: number }> {
  const h = createHash('md5');
  let size = 0;
  for await (const c of stream) {
    h.update(c as Buffer);
    size += (c as Buffer).length;
  }
  return { etag: `"${h.digest('hex')}"`, size };
}

async function allVersions(store: MetadataStore): Promise<ObjectVersionRecord[]> {
  const out: ObjectVersionRecord[] = [];
  let marker: { keyMarker: string; versionIdMarker: string } | undefined;
  for (;;) {
    const page = await store.listVersions('crash', { limit: 50, ...(marker ?? {}) });
    out.push(...page);
    if (page.length < 50) return out;
    const last = page[page.length - 1]!;
    marker = { keyMarker: last.key, versionIdMarker: last.versionId };
  }
}

async function allParts(store: MetadataStore): Promise<PartRecord[]> {
  const out: PartRecord[] = [];
  for (const u of await store.listUploads('crash', { limit: 10_000 })) out.push(...(await store.listParts(u.uploadId, { limit: 10_000 })));
  return out;
}

function countFiles(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? countFiles(join(dir, e.name)) : 1;
  return n;
}

describe('storage crash safety', () => {
  it('keeps every version and part backed by a complete blob after SIGKILL at random moments, with no leftovers after cleanup', { timeout: 300_000 }, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'coffer-crash-'));
    const key = randomBytes(32);
    try {
      let checkedVersions = 0;
      for (let round = 0; round < ITERATIONS; round++) {
        await runAndKill(dir, key.toString('hex'), randomInt(5, 30));

        const metadata = await openSqliteMetadataStore({ path: join(dir, 'metadata.db'), encryptionKey: key });
        const blobs = await openLocalDiskBlobStore({ dir: join(dir, 'blobs') });
        try {
          const temps = await blobs.cleanupTemp();
          const referenced = await metadata.referencedBlobIds();
          const orphans = await blobs.collectOrphans(referenced, 0);

          const versions = await allVersions(metadata);
          const parts = await allParts(metadata);
          assert.ok(versions.length > 0, 'the writer made progress');
          for (const v of versions) {
            for (const s of v.segments) {
              assert.deepEqual(await md5(blobs.read(s.blobId)), { etag: s.etag, size: s.size }, `blob of ${v.key}#${v.versionId}`);
            }
          }
          for (const p of parts) {
            assert.deepEqual(await md5(blobs.read(p.segment.blobId)), { etag: p.segment.etag, size: p.segment.size });
          }
          checkedVersions += versions.length;
          t.diagnostic(`round ${round}: ${versions.length} versions, ${parts.length} parts, removed ${temps} temp files and ${orphans} orphans`);
          assert.deepEqual(readdirSync(join(dir, 'blobs', 'tmp')), [], 'no temp files remain');
          assert.equal(countFiles(join(dir, 'blobs', 'blobs')), referenced.size, 'no unreferenced blobs remain');
        } finally {
          await metadata.close();
          await blobs.close();
        }
      }
      assert.ok(checkedVersions > 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
