import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCofferError } from '../../shared/index.js';
import { canonicalContext } from './context.js';

describe('canonicalContext', () => {
  it('encodes the count and length-prefixed pairs sorted by key bytes', () => {
    const got = canonicalContext({ version: '7', bucket: 'b' });
    const want = Buffer.from('00000002' + '00000006' + Buffer.from('bucket').toString('hex') + '00000001' + '62' +
      '00000007' + Buffer.from('version').toString('hex') + '00000001' + '37', 'hex');
    assert.deepEqual(got, want);
  });

  it('encodes the empty context as four zero bytes', () => {
    assert.deepEqual(canonicalContext({}), Buffer.alloc(4));
  });

  it('does not depend on insertion order', () => {
    assert.deepEqual(canonicalContext({ a: '1', b: '2', 'é': '3' }), canonicalContext({ 'é': '3', b: '2', a: '1' }));
  });

  it('sorts by UTF-8 bytes, not UTF-16 code units', () => {
    // U+FF5E (3 UTF-8 bytes ef bd 9e) sorts before U+1F600 (f0 ...) in UTF-8 but after it in UTF-16.
    const enc = canonicalContext({ '\u{1F600}': 'x', '\uFF5E': 'y' });
    assert.deepEqual(enc.subarray(8, 11), Buffer.from('\uFF5E', 'utf8'));
  });

  it('gives different encodings to contexts that concatenate to the same text', () => {
    const pairs: [Record<string, string>, Record<string, string>][] = [
      [{ bucket: 'a', key: 'b/c' }, { bucket: 'a/b', key: 'c' }],
      [{ ab: 'c' }, { a: 'bc' }],
      [{ a: '' }, {}],
    ];
    for (const [x, y] of pairs) assert.notDeepEqual(canonicalContext(x), canonicalContext(y));
  });

  it('rejects non-string values and lone surrogates', () => {
    const bad = [{ a: 1 }, { a: null }, { a: '\uD800' }, { '\uDC00': 'x' }, null, ['a']] as unknown as Record<string, string>[];
    for (const c of bad) assert.throws(() => canonicalContext(c), (e) => isCofferError(e, 'crypto.invalid_context'));
  });
});
