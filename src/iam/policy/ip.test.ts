import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cidrMatcher, parseIp } from './ip.js';

describe('CIDR matching', () => {
  const cases: [cidr: string, outside: string, inside: string][] = [
    ['192.0.2.0/24', '192.0.3.0', '192.0.2.255'],
    ['10.0.0.0/8', '11.0.0.1', '10.255.0.1'],
    ['0.0.0.0/0', '::1', '8.8.8.8'],
    ['203.0.113.7', '203.0.113.8', '203.0.113.7'],
    ['192.0.2.0/24', '::ffff:192.0.3.1', '::ffff:192.0.2.1'],
    ['2001:db8::/32', '2001:db9::', '2001:db8:ffff::1'],
    ['2001:db8:a::/49', '2001:db8:a:8000::', '2001:db8:a:7fff::1'],
    ['::1', '::2', '0:0:0:0:0:0:0:1'],
    ['::/0', '127.0.0.1', 'fe80::1'],
  ];
  for (const [cidr, outside, inside] of cases) {
    it(`does not match ${outside} but matches ${inside} for ${cidr}`, () => {
      const m = cidrMatcher(cidr);
      assert.ok(m);
      assert.equal(m(outside), false);
      assert.equal(m(inside), true);
    });
  }

  it('rejects text that is not an address or a block', () => {
    for (const s of ['300.0.0.1', '10.0.0.0/33', '2001:db8::/129', 'example.com', '1.2.3.4/', '']) assert.equal(cidrMatcher(s), null, s);
    assert.equal(parseIp('1:2:3'), null);
  });
});
