import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { cpuSeconds, processTree, rssBytes, sampleResources } from './proc.js';

describe('proc sampling', () => {
  it('reads this process: RSS is positive and CPU time grows while it computes', () => {
    assert.ok(rssBytes(process.pid) > 1024 * 1024);
    const before = cpuSeconds(process.pid);
    const end = Date.now() + 150;
    let x = 0;
    while (Date.now() < end) x += Math.sqrt(x + 1);
    assert.ok(x > 0);
    assert.ok(cpuSeconds(process.pid) > before);
  });

  it('finds child processes in the tree and reports NaN for a process that is gone', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 100));
      assert.ok(processTree(process.pid).includes(child.pid!));
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    assert.ok(Number.isNaN(rssBytes(child.pid!)));
  });

  it('a sampler reports a peak RSS at least the current RSS and a CPU share', async () => {
    const s = sampleResources(process.pid, 10);
    const end = Date.now() + 100;
    while (Date.now() < end);
    const u = s.stop();
    assert.ok(u.peakRssBytes >= rssBytes(process.pid) * 0.5);
    assert.ok(u.cpuSeconds > 0 && u.cores > 0);
  });
});
