import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newVersionId } from './context.js';

describe('version and upload ids', () => {
  it('are 32 URL-safe characters that never start with - or _ (CLIs would read them as options)', () => {
    for (let i = 0; i < 5000; i++) {
      const id = newVersionId();
      assert.match(id, /^[A-Za-z0-9][A-Za-z0-9_-]{31}$/, id);
    }
  });
});
