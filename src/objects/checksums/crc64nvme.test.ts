import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { describe, it } from 'node:test';
import { Crc64Nvme } from '@aws-sdk/crc64-nvme';
import { INPUT_SIZE } from './crc64nvme-wasm.js';
import { crc64nvme, crc64nvmeBackend, crc64nvmeDigest, crc64nvmeInit, crc64nvmeUpdate, crc64nvmeUpdateJs } from './crc64nvme.js';

function viaJs(data: Uint8Array): string {
  const s = crc64nvmeInit();
  crc64nvmeUpdateJs(s, data);
  return crc64nvmeDigest(s).toString('hex');
}

describe('crc64nvme', () => {
  it('uses the WebAssembly path on this Node (it is available on every supported Node)', () => {
    assert.equal(crc64nvmeBackend, 'wasm');
  });

  it('gives the same result on the WebAssembly and JavaScript paths for lengths around the switch-over and window edges', () => {
    const lengths = [0, 1, 7, 8, 9, 511, 512, 513, 4096, 65535, INPUT_SIZE - 1, INPUT_SIZE, INPUT_SIZE + 1, 2 * INPUT_SIZE + 13];
    for (const len of lengths) {
      const data = randomBytes(len);
      assert.equal(crc64nvme(data).toString('hex'), viaJs(data), `length ${len}`);
    }
  });

  it('continues correctly when updates alternate between small (JavaScript) and large (WebAssembly) pieces', () => {
    const data = randomBytes(300_000);
    const s = crc64nvmeInit();
    for (let i = 0; i < data.length; ) {
      const n = randomInt(0, 3) === 0 ? randomInt(0, 100) : randomInt(500, 70_000);
      crc64nvmeUpdate(s, data.subarray(i, i + n));
      i += n;
    }
    assert.equal(crc64nvmeDigest(s).toString('hex'), viaJs(data));
  });

  it('agrees with the AWS SDK implementation on inputs long enough for the WebAssembly path', async () => {
    for (const len of [512, 10_000, INPUT_SIZE + 5]) {
      const data = randomBytes(len);
      const theirs = new Crc64Nvme();
      theirs.update(data);
      assert.equal(crc64nvme(data).toString('hex'), Buffer.from(await theirs.digest()).toString('hex'), `length ${len}`);
    }
  });
});
