import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { leafHash } from './merkle.js';
import { consistencyProof, inclusionProof, rootOf, verifyConsistency, verifyInclusion } from './merkle-proofs.js';

const CT = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => leafHash(Buffer.from(h, 'hex')));
const hex8 = (bs: Buffer[]) => bs.map((b) => b.toString('hex').slice(0, 8));

describe('merkle proofs', () => {
  it('produces the published CT inclusion and consistency proofs', () => {
    assert.deepEqual(hex8(inclusionProof(CT, 0)), ['96a296d2', '5f083f0a', '6b47aaf2']);
    assert.deepEqual(hex8(inclusionProof(CT, 5)), ['bc1a0643', 'ca854ea1', 'd37ee418']);
    assert.deepEqual(hex8(consistencyProof(CT, 4)), ['6b47aaf2']);
    assert.deepEqual(hex8(consistencyProof(CT.slice(0, 7), 3)), ['0298d122', '07506a85', 'fac54203', '837dbb15']);
  });

  it('verifies every inclusion and consistency proof up to 40 leaves and rejects altered ones', () => {
    const leaves = Array.from({ length: 40 }, (_, i) => leafHash(Buffer.from([i])));
    for (let n = 1; n <= 40; n++) {
      const tree = leaves.slice(0, n);
      const root = rootOf(tree);
      for (let m = 0; m < n; m++) {
        const p = inclusionProof(tree, m);
        assert.ok(verifyInclusion(tree[m] as Buffer, m, n, p, root), `inclusion ${m}/${n}`);
        assert.equal(verifyInclusion(leaves[(m + 1) % 40] as Buffer, m, n, p, root), false, `wrong leaf ${m}/${n}`);
        if (p.length > 0) assert.equal(verifyInclusion(tree[m] as Buffer, m, n, p.slice(1), root), false, `short proof ${m}/${n}`);
      }
      for (let m = 1; m <= n; m++) {
        const p = consistencyProof(tree, m);
        const oldRoot = rootOf(tree.slice(0, m));
        assert.ok(verifyConsistency(m, n, oldRoot, root, p), `consistency ${m}->${n}`);
        if (m < n) assert.equal(verifyConsistency(m, n, rootOf(leaves.slice(1, m + 1)), root, p), false, `forked old tree ${m}->${n}`);
      }
    }
  });
});
