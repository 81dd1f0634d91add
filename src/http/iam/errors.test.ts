import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CofferError } from '../../shared/index.js';
import { MAPPED_CODES, toIamError } from './errors.js';

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

describe('IAM error mapping', () => {
  it('maps unknown errors to ServiceFailure without details and known codes to IAM codes', () => {
    assert.deepEqual(toIamError(new Error('secret detail')), { status: 500, code: 'ServiceFailure', type: 'Receiver', message: 'The request processing has failed because of an unknown error.', internal: true });
    assert.equal(toIamError(new CofferError('iam.no_such_entity', { message: 'm' })).code, 'NoSuchEntity');
    assert.equal(toIamError(new CofferError('iam.malformed_policy', { message: 'm' })).status, 400);
  });

  it('has a mapping for every iam.* code the IAM store, policy engine and API throw', () => {
    const thrown = new Set<string>();
    for (const dir of ['src/iam/store', 'src/iam/policy', 'src/http/iam']) {
      for (const f of sources(dir)) for (const m of readFileSync(f, 'utf8').matchAll(/CofferError\('(iam\.[a-z_]+)'/g)) thrown.add(m[1] as string);
    }
    assert.ok(thrown.size > 5, 'found the codes');
    // An account mismatch happens when the store opens, never during a request.
    thrown.delete('iam.account_mismatch');
    for (const code of thrown) assert.ok(MAPPED_CODES.includes(code), `no IAM error for ${code}`);
  });
});
