import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CofferError } from '../../shared/index.js';
import { KMS_ERRORS, toKmsError } from './errors.js';

/** Codes that only the master-key source raises at startup, never on the KMS API. */
const NOT_ON_THE_API = new Set(['kms.external_error', 'kms.external_unreachable']);

describe('KMS error mapping', () => {
  it('maps every kms.* domain code raised by the KMS and its API to an AWS KMS exception', () => {
    const root = join(import.meta.dirname, '..', '..');
    const missing: string[] = [];
    for (const dir of ['kms', 'http/kms']) {
      for (const f of readdirSync(join(root, dir))) {
        if (!f.endsWith('.ts') || f.endsWith('.test.ts')) continue;
        for (const m of readFileSync(join(root, dir, f), 'utf8').matchAll(/CofferError\('(kms\.[a-z_]+)'/g)) {
          if (!(m[1]! in KMS_ERRORS) && !NOT_ON_THE_API.has(m[1]!)) missing.push(`${m[1]} (${dir}/${f})`);
        }
      }
    }
    assert.deepEqual(missing, []);
  });

  it('answers KMSInternalException with a generic message for anything unmapped, never the internal message', () => {
    const e = toKmsError(new CofferError('storage.closed', { message: 'secret internals' }));
    assert.equal(e.type, 'KMSInternalException');
    assert.equal(e.status, 500);
    assert.ok(!e.message.includes('secret internals'));
    assert.deepEqual(toKmsError(new CofferError('kms.disabled', { message: 'k is disabled.' })), { status: 400, type: 'DisabledException', message: 'k is disabled.' });
  });
});
