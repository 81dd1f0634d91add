import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { isCofferError } from '../../shared/errors.js';
import { compileLinearRegex, unsupportedRegexFeature } from './linear-regex.js';

/**
 * Runs patterns against hostile subjects in a worker and resolves with the match counts, or rejects
 * when the worker has not answered within `limitMs` (a backtracking engine would take longer than
 * the age of the universe on these inputs, so the bound is generous and no timing is asserted).
 */
function runInWorker(cases: Array<{ pattern: string; subject: string }>, limitMs: number): Promise<number[]> {
  const moduleUrl = new URL('./linear-regex.ts', import.meta.url).href;
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    (async () => {
      const { tsImport } = await import('tsx/esm/api');
      const { compileLinearRegex } = await tsImport(workerData.moduleUrl, workerData.moduleUrl);
      const counts = workerData.cases.map((c) => compileLinearRegex(c.pattern).findAll(c.subject).length);
      parentPort.postMessage(counts);
    })().catch((e) => parentPort.postMessage({ error: String(e && e.stack || e) }));
  `;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: { moduleUrl, cases } });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`pattern evaluation did not finish within ${limitMs} ms`));
    }, limitMs);
    worker.once('message', (m: number[] | { error: string }) => {
      clearTimeout(timer);
      void worker.terminate();
      if (Array.isArray(m)) resolve(m); else reject(new Error(m.error));
    });
    worker.once('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

describe('compileLinearRegex', () => {
  it('finishes catastrophic-backtracking patterns on 100,000-character subjects within a bounded time', async () => {
    const evil = 'a'.repeat(100_000) + '!';
    const counts = await runInWorker([
      { pattern: '(a+)+$', subject: evil },
      { pattern: '(a|aa)+$', subject: evil },
      { pattern: '(a|a?)+b', subject: evil },
      { pattern: '(.*a){12}$', subject: evil },
      { pattern: '^(([a-z])+.)+[A-Z]([a-z])+$', subject: evil },
    ], 60_000);
    // None of them can match (the subject ends with '!' and has no capital or 'b'), except
    // `(.*a){12}$`, which cannot match before the final '!' either.
    assert.deepEqual(counts, [0, 0, 0, 0, 0]);
  });

  it('returns UTF-16 offsets of matches in text with multi-byte characters', () => {
    const re = compileLinearRegex('(?i)emp-\\d{4}');
    const text = 'é😀 EMP-1234, ünïcödé emp-9999.';
    const found = re.findAll(text).map((m) => text.slice(m.start, m.end));
    assert.deepEqual(found, ['EMP-1234', 'emp-9999']);
  });

  it('skips empty matches instead of looping or reporting them', () => {
    const re = compileLinearRegex('x*');
    const text = 'ab😀xx c x';
    assert.deepEqual(re.findAll(text).map((m) => text.slice(m.start, m.end)), ['xx', 'x']);
  });

  it('tells a whole match from a partial one', () => {
    const re = compileLinearRegex('test-\\d+');
    assert.equal(re.matchesWhole('test-42'), true);
    assert.equal(re.matchesWhole('my test-42'), false);
    assert.equal(re.matchesWhole('test-42x'), false);
  });

  it('anchors alternations as a whole when matching whole texts', () => {
    const re = compileLinearRegex('a|b');
    assert.equal(re.matchesWhole('ab'), false);
    assert.equal(re.matchesWhole('b'), true);
  });

  for (const [pattern, feature] of [
    ['(a)\\1', 'back-reference'],
    ['(?<n>a)\\k<n>', 'named back-reference'],
    ['foo(?=bar)', 'look-ahead'],
    ['foo(?!bar)', 'look-ahead'],
    ['(?<=foo)bar', 'look-behind'],
    ['(?<!foo)bar', 'look-behind'],
    ['(?>a+)b', 'atomic group'],
    ['a++b', 'possessive quantifier'],
    ['(?R)', 'recursion'],
  ] as const) {
    it(`rejects at definition time a pattern the engine cannot run (${feature}): ${pattern}`, () => {
      assert.throws(() => compileLinearRegex(pattern), (e: unknown) => {
        assert.ok(isCofferError(e, 'discovery.invalid_regex'));
        assert.match(e.message, new RegExp(feature));
        return true;
      });
    });
  }

  it('accepts the same characters when they are escaped or inside a character class', () => {
    assert.equal(unsupportedRegexFeature('[(?=]\\(\\?=x\\\\1'), null);
    assert.equal(unsupportedRegexFeature('[]\\1]a'), null);
    assert.doesNotThrow(() => compileLinearRegex('[(?=)]+\\(?x'));
  });

  it('rejects a malformed pattern with the reason from RE2', () => {
    assert.throws(() => compileLinearRegex('(abc'), (e: unknown) => isCofferError(e, 'discovery.invalid_regex') && /missing \)/.test(e.message));
  });

  it('rejects patterns longer than 512 characters and empty patterns', () => {
    assert.throws(() => compileLinearRegex('a'.repeat(513)), (e: unknown) => isCofferError(e, 'discovery.invalid_regex') && /512/.test(e.message));
    assert.doesNotThrow(() => compileLinearRegex('a'.repeat(512)));
    assert.throws(() => compileLinearRegex(''), (e: unknown) => isCofferError(e, 'discovery.invalid_regex'));
  });
});
