import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GENERIC_CANONICALIZATION, canonicalHeaderValue, canonicalQuery, canonicalUri, normalizePath, parseQuery } from './canonical-request.js';
import { canonicalEncode, percentDecode, uriEncode, uriEncodeBytes } from './encoding.js';

describe('AWS URI encoding', () => {
  it('keeps only A-Z a-z 0-9 - _ . ~ (and / in paths) and upper-cases escapes', () => {
    assert.equal(uriEncode("AZaz09-_.~ !\"#$%&'()*+,/:;<=>?@[\\]^`{|}", false), 'AZaz09-_.~%20%21%22%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3C%3D%3E%3F%40%5B%5C%5D%5E%60%7B%7C%7D');
    assert.equal(uriEncode('/a b/c', true), '/a%20b/c');
    assert.equal(uriEncode('ü€', false), '%C3%BC%E2%82%AC');
    assert.equal(uriEncodeBytes(Buffer.from([0x00, 0xff, 0x2f]), false), '%00%FF%2F');
  });

  it('percent-decodes to bytes, leaving "+" and invalid escapes literal', () => {
    assert.deepEqual([...percentDecode('a%2fb+%zz%4')], [...Buffer.from('a/b+%zz%4')]);
    assert.deepEqual([...percentDecode('%e2%82%ac')], [0xe2, 0x82, 0xac]);
    assert.deepEqual([...percentDecode('%C3')], [0xc3]);
  });

  it('re-encodes lower-case and needless escapes canonically', () => {
    assert.equal(canonicalEncode('%7e%41%2a~*', false), '~A%2A~%2A');
    assert.equal(canonicalEncode('100%', false), '100%25');
    assert.equal(canonicalEncode('a%2Fb/c', true), 'a/b/c');
  });
});

describe('generic-service path canonicalisation', () => {
  it('removes dot segments and empty segments, keeping a trailing slash', () => {
    assert.equal(normalizePath('//example//'), '/example/');
    assert.equal(normalizePath('/example/..'), '/');
    assert.equal(normalizePath('/a/./b/../c/'), '/a/c/');
    assert.equal(normalizePath('/../..'), '/');
  });

  it('encodes the sent path again, so existing escapes are double-encoded', () => {
    assert.equal(canonicalUri('/a%20b/../c', GENERIC_CANONICALIZATION), '/c');
    assert.equal(canonicalUri('/a%20b', GENERIC_CANONICALIZATION), '/a%2520b');
  });
});

describe('canonical query and header values', () => {
  it('sorts by encoded name, then encoded value, and gives bare names an empty value', () => {
    assert.equal(canonicalQuery(parseQuery('b=2&a=2&a=10&a=1&c&%E1%88%B4=x&B=0')), '%E1%88%B4=x&B=0&a=1&a=10&a=2&b=2&c=');
  });

  it('skips empty query segments and can exclude a parameter by name', () => {
    assert.equal(canonicalQuery(parseQuery('&a=1&&X-Amz-Signature=ff&'), 'X-Amz-Signature'), 'a=1');
  });

  it('trims values, collapses inner spaces and tabs and joins repeated values with commas', () => {
    assert.equal(canonicalHeaderValue(['  a \t  b  ', 'c', ' "x  y" ']), 'a b,c,"x y"');
    // A latin1 byte 0xA0 (part of a UTF-8 sequence) is not whitespace.
    assert.equal(canonicalHeaderValue(['\u00c3\u00a0 ']), '\u00c3\u00a0');
  });
});
