import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSize, parseSuiteOptions } from './options.js';

describe('parseSuiteOptions', () => {
  it('reads sizes with units, systems, concurrency, duration and rounds', () => {
    const o = parseSuiteOptions(['--sizes', '4KiB,1MiB,64M', '--systems', 'coffer,s3rver', '--concurrency', '32', '--duration', '2.5', '--rounds', '3', '--no-sdk']);
    assert.deepEqual(o.sizes, [4096, 1048576, 64 * 1048576]);
    assert.deepEqual(o.systems, ['coffer', 's3rver']);
    assert.equal(o.concurrency, 32);
    assert.equal(o.durationMs, 2500);
    assert.equal(o.rounds, 3);
    assert.equal(o.compareSdk, false);
  });

  it('makes the quick plan smaller than the full one', () => {
    const q = parseSuiteOptions(['--quick']);
    const f = parseSuiteOptions([]);
    assert.ok(q.durationMs < f.durationMs && q.sizes.length < f.sizes.length);
    assert.equal(Math.max(...f.sizes), 64 * 1048576);
  });

  it('ignores options meant for the rest of the driver', () => {
    assert.equal(parseSuiteOptions(['--only', 'load', '--quick']).quick, true);
  });

  it('refuses an unknown system and a non-positive concurrency', () => {
    assert.throws(() => parseSuiteOptions(['--systems', 'minio']), /unknown system minio/);
    assert.throws(() => parseSuiteOptions(['--concurrency', '0']), /positive integer/);
  });

  it('refuses sizes it cannot read', () => {
    assert.equal(parseSize('512'), 512);
    assert.throws(() => parseSize('lots'), /bad size/);
  });
});
