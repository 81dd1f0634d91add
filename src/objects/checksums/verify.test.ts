import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCofferError } from '../../shared/errors.js';
import { digestsEqual, verifyDigest, verifyDigests } from './verify.js';

describe('verifyDigest', () => {
  it('accepts equal digests', () => {
    verifyDigest('CRC32', Buffer.from('01020304', 'hex'), Buffer.from('01020304', 'hex'));
  });

  it('throws BadDigest naming the algorithm but not the values when digests differ', () => {
    assert.throws(
      () => verifyDigest('SHA256', Buffer.alloc(32, 1), Buffer.alloc(32, 2)),
      (e) => isCofferError(e, 'checksum.bad_digest') && (e as Error).message === 'The SHA256 you specified did not match the calculated checksum.',
    );
    assert.throws(
      () => verifyDigest('MD5', Buffer.alloc(16, 1), Buffer.alloc(16, 2)),
      (e) => isCofferError(e, 'checksum.bad_digest') && /Content-MD5/.test((e as Error).message),
    );
  });

  it('treats digests of different lengths as unequal instead of throwing a RangeError', () => {
    assert.equal(digestsEqual(Buffer.alloc(4), Buffer.alloc(8)), false);
    assert.throws(() => verifyDigest('CRC32', Buffer.alloc(4), Buffer.alloc(8)), (e) => isCofferError(e, 'checksum.bad_digest'));
  });
});

describe('verifyDigests', () => {
  it('checks every expected digest and reports one that was not computed', () => {
    verifyDigests({ CRC32: Buffer.alloc(4) }, { CRC32: Buffer.alloc(4), MD5: Buffer.alloc(16) });
    assert.throws(() => verifyDigests({ SHA1: Buffer.alloc(20) }, { CRC32: Buffer.alloc(4) }), (e) => isCofferError(e, 'checksum.not_computed'));
    assert.throws(
      () => verifyDigests({ CRC32: Buffer.alloc(4), MD5: Buffer.alloc(16, 9) }, { CRC32: Buffer.alloc(4), MD5: Buffer.alloc(16) }),
      (e) => isCofferError(e, 'checksum.bad_digest'),
    );
  });
});
