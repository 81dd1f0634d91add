import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CofferError } from '../../shared/index.js';
import { INTERNAL_ERROR_CODES, S3_ERRORS, errorXml, toS3Error } from './errors.js';

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.contract.ts')) out.push(p);
  }
  return out;
}

describe('S3 error mapping', () => {
  it('maps every domain error code that the S3 request path can raise, or lists it as internal on purpose', () => {
    const root = join(import.meta.dirname, '..', '..');
    const areas = ['objects', 'storage', 'auth', join('http', 's3')];
    const missing = new Set<string>();
    for (const area of areas) {
      for (const file of sources(join(root, area))) {
        const text = readFileSync(file, 'utf8');
        for (const m of text.matchAll(/new CofferError\('([a-z0-9_.]+)'/g)) {
          const code = m[1]!;
          if (!(code in S3_ERRORS) && !INTERNAL_ERROR_CODES.has(code)) missing.add(`${code} (${file.slice(root.length + 1)})`);
        }
      }
    }
    assert.deepEqual([...missing].sort(), []);
  });

  it('turns unmapped errors into InternalError without their message', () => {
    const e = toS3Error(new Error('secret detail /var/lib/x'));
    assert.equal(e.code, 'InternalError');
    assert.equal(e.status, 500);
    assert.doesNotMatch(e.message, /secret detail/);
  });

  it('uses the domain message when one is given and the S3 default otherwise', () => {
    assert.equal(toS3Error(new CofferError('objects.no_such_key')).message, 'The specified key does not exist.');
    assert.equal(toS3Error(new CofferError('objects.invalid_argument', { message: 'bad thing' })).message, 'bad thing');
  });

  it('renders S3 error XML with Code, Message, Resource and RequestId, escaping markup', () => {
    const xml = errorXml({ status: 404, code: 'NoSuchKey', message: 'a<b', internal: false }, '/b/k&<>', 'REQ1');
    assert.match(xml, /<Error><Code>NoSuchKey<\/Code><Message>a&lt;b<\/Message><Resource>\/b\/k&amp;&lt;&gt;<\/Resource><RequestId>REQ1<\/RequestId><\/Error>/);
  });
});
