import assert from 'node:assert/strict';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bucket } from '../contract/fixtures.js';
import { openSqliteMetadataStore } from './open-sqlite-metadata-store.js';

const CHILD = fileURLToPath(new URL('./multi-connection.child.ts', import.meta.url));
const PROCESSES = 4;
const KEYS = 25;

type Child = ChildProcessByStdio<Writable, Readable, Readable>;

/** Resolves with the child's stdout once it contains `pattern`; rejects if it exits first. */
function waitFor(child: Child, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const onData = (s: string) => {
      out += s;
      if (pattern.test(out)) {
        cleanup();
        resolve(out);
      }
    };
    const onErr = (s: string) => (err += s);
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`child exited (${code}) before ${pattern}: ${err.slice(0, 2000)}`));
    };
    const cleanup = () => {
      child.stdout.off('data', onData);
      child.stderr.off('data', onErr);
      child.off('exit', onExit);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onErr);
    child.once('exit', onExit);
  });
}

describe('SQLite metadata store with several processes', () => {
  it('lets exactly one process win each create-if-absent race on a shared database file', { timeout: 120_000 }, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'coffer-sqlite-mp-'));
    const key = randomBytes(32);
    const path = join(dir, 'metadata.db');
    const children: Child[] = [];
    try {
      const store = await openSqliteMetadataStore({ path, encryptionKey: key });
      await store.createBucket(bucket('b', { versioning: 'Enabled' }));
      await store.close();

      for (let i = 0; i < PROCESSES; i++) {
        const c = spawn(process.execPath, ['--import', 'tsx', CHILD, path, key.toString('hex'), String(i), String(KEYS)], {
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        c.stdout.setEncoding('utf8');
        c.stderr.setEncoding('utf8');
        children.push(c);
      }
      // Release every process at once, after all have opened their connection.
      await Promise.all(children.map((c) => waitFor(c, /ready\n/)));
      const results = children.map((c) => waitFor(c, /won \d+\n/));
      for (const c of children) c.stdin.write('go\n');
      const counts = (await Promise.all(results)).map((out) => Number(/won (\d+)/.exec(out)![1]));

      t.diagnostic(`wins per process: ${counts.join(', ')}`);
      assert.equal(counts.reduce((a, b) => a + b, 0), KEYS);
      const reader = await openSqliteMetadataStore({ path, encryptionKey: key });
      const all = await reader.listVersions('b', { limit: 1000 });
      await reader.close();
      assert.equal(all.length, KEYS);
      assert.equal(new Set(all.map((v) => v.key)).size, KEYS);
    } finally {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
