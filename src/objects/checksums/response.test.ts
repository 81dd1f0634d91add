import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checksumResponseHeaders } from './response.js';

describe('checksumResponseHeaders', () => {
  it('returns the stored value under the algorithm header, with the checksum type', () => {
    assert.deepEqual(checksumResponseHeaders({ algorithm: 'CRC32', value: 'pd+GUQ==-2', type: 'COMPOSITE' }), {
      'x-amz-checksum-crc32': 'pd+GUQ==-2',
      'x-amz-checksum-type': 'COMPOSITE',
    });
  });

  it('returns nothing for a partial (range) read or when no checksum is stored', () => {
    assert.deepEqual(checksumResponseHeaders({ algorithm: 'CRC64NVME', value: 'AAAAAAAAAAA=', type: 'FULL_OBJECT' }, { partial: true }), {});
    assert.deepEqual(checksumResponseHeaders(undefined), {});
  });
});
