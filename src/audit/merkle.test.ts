import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompactRange, leafHash, nodeHash } from './merkle.js';

// The standard Certificate Transparency 8-leaf data set and its roots for sizes 0..8.
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0] as Buffer;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

describe('merkle', () => {
  it('matches the RFC 6962 roots of the CT test vectors for every size from 0 to 8', () => {
    const range = new CompactRange();
    assert.equal(range.root().toString('hex'), ROOTS[0]);
    LEAVES.forEach((hex, i) => {
      range.append(leafHash(Buffer.from(hex, 'hex')));
      assert.equal(range.root().toString('hex'), ROOTS[i + 1], `size ${i + 1}`);
    });
  });

  it('agrees with the recursive definition for sizes up to 70 and survives a round trip through its frontier', () => {
    const leaves: Buffer[] = [];
    const range = new CompactRange();
    for (let n = 1; n <= 70; n++) {
      const leaf = leafHash(Buffer.from([n, n >> 8]));
      leaves.push(leaf);
      range.append(leaf);
      assert.deepEqual(range.root(), mth(leaves), `size ${n}`);
      const copy = new CompactRange(range.size, range.frontier());
      assert.deepEqual(copy.root(), range.root());
    }
  });

  it('rejects a frontier whose length does not match the size', () => {
    assert.throws(() => new CompactRange(3, [leafHash(Buffer.alloc(1))]), RangeError);
  });
});
