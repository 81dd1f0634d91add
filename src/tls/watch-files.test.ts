import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { watchFiles } from './watch-files.js';

function waitFor(pred: () => boolean, ms = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const tick = () => (pred() ? resolve() : Date.now() - start > ms ? reject(new Error('not reached')) : setTimeout(tick, 20));
    tick();
  });
}

describe('watchFiles', () => {
  it('notices a change by polling alone when fs.watch is off, and ignores other files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coffer-watch-'));
    const file = join(dir, 'a.pem');
    writeFileSync(file, 'one');
    let calls = 0;
    const w = watchFiles([file], () => void calls++, { useFsWatch: false, pollIntervalMs: 50, debounceMs: 10 });
    try {
      await w.snapshot();
      writeFileSync(join(dir, 'other.pem'), 'x');
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(calls, 0, 'an unrelated file does not count');
      writeFileSync(file, 'two, longer');
      await waitFor(() => calls > 0);
    } finally {
      w.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('notices a file replaced by rename through fs.watch, with polling off', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coffer-watch-'));
    const file = join(dir, 'a.pem');
    writeFileSync(file, 'one');
    let calls = 0;
    const w = watchFiles([file], () => void calls++, { pollIntervalMs: 0, debounceMs: 10 });
    try {
      await w.snapshot();
      writeFileSync(join(dir, 'tmp'), 'two');
      const { renameSync } = await import('node:fs');
      renameSync(join(dir, 'tmp'), file);
      await waitFor(() => calls > 0);
    } finally {
      w.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
