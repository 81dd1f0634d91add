import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { describe, it } from 'node:test';
import type { CrcAlgorithm } from './algorithms.js';
import { crcCombine, crcCombineAll } from './crc-combine.js';
import { digestOf } from './hasher.js';
import { isCofferError } from '../../shared/errors.js';

const CRCS: CrcAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME'];

function splitRandomly(data: Buffer, parts: number, allowEmpty: boolean): Buffer[] {
  const cuts = Array.from({ length: parts - 1 }, () => randomInt(0, data.length + 1)).sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of [...cuts, data.length]) {
    out.push(data.subarray(prev, c));
    prev = c;
  }
  return allowEmpty ? out : out.filter((p) => p.length > 0);
}

describe('crcCombine', () => {
  for (const alg of CRCS) {
    it(`gives crc(a+b) from crc(a), crc(b) and len(b) for ${alg} at random split points`, () => {
      for (let trial = 0; trial < 200; trial++) {
        const data = randomBytes(randomInt(0, 3000));
        const cut = randomInt(0, data.length + 1);
        const a = data.subarray(0, cut);
        const b = data.subarray(cut);
        assert.deepEqual(crcCombine(alg, digestOf(alg, a), digestOf(alg, b), b.length), digestOf(alg, data), `${alg} cut ${cut}/${data.length}`);
      }
    });

    it(`gives the whole-object ${alg} from many parts, including zero-length parts`, () => {
      for (let trial = 0; trial < 30; trial++) {
        const data = randomBytes(randomInt(0, 20000));
        const parts = splitRandomly(data, randomInt(1, 40), true);
        const combined = crcCombineAll(alg, parts.map((p) => ({ crc: digestOf(alg, p), size: p.length })));
        assert.deepEqual(combined, digestOf(alg, data));
      }
    });

    it(`leaves a ${alg} unchanged when combined with an empty part on either side`, () => {
      const data = randomBytes(1234);
      const crc = digestOf(alg, data);
      const empty = digestOf(alg, Buffer.alloc(0));
      assert.deepEqual(crcCombine(alg, crc, empty, 0), crc);
      assert.deepEqual(crcCombine(alg, empty, crc, data.length), crc);
    });
  }

  it('matches the published CRC-64/NVME of "test1test2" from the values of "test1" and "test2"', () => {
    const out = crcCombine('CRC64NVME', Buffer.from('7585d198a2d5b287', 'hex'), Buffer.from('f436c0c0f28b290c', 'hex'), 5);
    assert.equal(out.toString('hex'), '215f4b83b86262f3');
  });

  it('handles part lengths beyond 4 GiB (lengths above 32 bits) consistently with repeated combination', () => {
    // crc of 2^32 + 3 zero bytes, built two ways: direct combine with a huge length versus
    // combining the same zero block repeatedly (x^(8(m+n)) = x^(8m) * x^(8n)).
    for (const alg of CRCS) {
      const block = Buffer.alloc(1 << 20);
      const blockCrc = digestOf(alg, block);
      const parts = Array.from({ length: 1 << 12 }, () => ({ crc: blockCrc, size: block.length }));
      const fourGiB = crcCombineAll(alg, parts); // crc of 2^32 zero bytes
      const tail = Buffer.alloc(3);
      const viaParts = crcCombine(alg, fourGiB, digestOf(alg, tail), 3);
      const zero = digestOf(alg, Buffer.alloc(0));
      const head = digestOf(alg, Buffer.alloc(3));
      // crc(3 zeros || 2^32 zeros) must equal crc(2^32 zeros || 3 zeros): both are 2^32+3 zeros.
      const viaHuge = crcCombine(alg, head, fourGiB, 2 ** 32);
      assert.deepEqual(viaHuge, viaParts, alg);
      assert.notDeepEqual(viaParts, zero, alg);
    }
  });

  it('rejects a checksum of the wrong width and a negative or fractional size', () => {
    assert.throws(() => crcCombine('CRC64NVME', Buffer.alloc(4), Buffer.alloc(8), 1), (e) => isCofferError(e, 'checksum.invalid'));
    assert.throws(() => crcCombine('CRC32', Buffer.alloc(4), Buffer.alloc(4), -1), (e) => isCofferError(e, 'checksum.invalid'));
    assert.throws(() => crcCombine('CRC32', Buffer.alloc(4), Buffer.alloc(4), 1.5), (e) => isCofferError(e, 'checksum.invalid'));
  });
});
