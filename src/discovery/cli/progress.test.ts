import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createProgress, formatBytes } from './progress.js';

/** A stand-in for process.stderr that records what is written. */
function stream(isTTY: boolean, columns = 120): NodeJS.WriteStream & { out: string } {
  const s = { isTTY, columns, out: '', write(chunk: string) { s.out += chunk; return true; } };
  return s as unknown as NodeJS.WriteStream & { out: string };
}

describe('createProgress', () => {
  it('draws nothing at all when the stream is not a terminal', () => {
    const s = stream(false);
    const p = createProgress(s);
    p.expect(100, 1);
    p.object('a.txt');
    p.bytes(100);
    p.objectDone();
    p.stop();
    assert.equal(s.out, '');
  });

  it('shows bytes, objects, rate and a bar when the totals are known, then clears the line', () => {
    const s = stream(true);
    let t = 0;
    const p = createProgress(s, () => t);
    p.expect(4 * 1024 * 1024, 2);
    t = 1000;
    p.object('data/big.csv');
    t = 2000;
    p.bytes(2 * 1024 * 1024);
    t = 2200;
    p.objectDone();
    const last = s.out.split('\r').filter((l) => l.trim() !== '').pop()!;
    assert.match(last, /\[#{10}\.{10}\]  50%/);
    assert.match(last, /2\.0 MiB\/4\.0 MiB/);
    assert.match(last, /1\/2 objects/);
    assert.match(last, /930\.9 KiB\/s/); // 2 MiB in 2.2 s
    assert.match(last, /data\/big\.csv/);
    p.stop();
    assert.ok(s.out.endsWith('\r'), 'the line is cleared at the end');
    assert.equal(s.out.split('\r').pop(), '');
  });

  it('shows a spinner without a bar when the totals are unknown (S3 listings)', () => {
    const s = stream(true);
    let t = 0;
    const p = createProgress(s, () => t);
    t = 500;
    p.object('s3://b/k');
    assert.doesNotMatch(s.out, /\[/);
    assert.match(s.out, /0 B  0 objects/);
  });

  it('redraws at most every 100 ms', () => {
    const s = stream(true);
    let t = 0;
    const p = createProgress(s, () => t);
    t = 200;
    for (let i = 0; i < 1000; i++) p.bytes(1);
    assert.equal(s.out.split('\r').length - 1, 1);
  });

  it('truncates long object names from the left to fit the terminal', () => {
    const s = stream(true, 60);
    let t = 0;
    const p = createProgress(s, () => t);
    t = 200;
    p.object(`folder/${'x'.repeat(200)}/end.txt`);
    const line = s.out.split('\r').pop()!;
    assert.ok(line.length <= 59, `line of ${line.length} chars`);
    assert.match(line, /…x*\/end\.txt$/);
  });
});

describe('formatBytes', () => {
  it('uses binary units with one decimal', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(64 * 1024 * 1024), '64.0 MiB');
  });
});
