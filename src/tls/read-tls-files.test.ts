import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isCofferError } from '../shared/index.js';
import { createLocalCa, issueServerCertificate, readTlsFiles, type CertificateMaterial } from './index.js';

const DAY = 86_400_000;

describe('readTlsFiles', () => {
  let dir: string;
  let a: CertificateMaterial;
  let b: CertificateMaterial;
  const file = (name: string, content: string) => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coffer-tls-read-'));
    const ca = await createLocalCa({ commonName: 'Read CA' });
    a = await issueServerCertificate({ ca, names: ['a.example'], days: 10 });
    b = await issueServerCertificate({ ca, names: ['b.example'], days: 10 });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads a matching certificate and key and reports expiry and names', async () => {
    const t = await readTlsFiles({ certFile: file('a.pem', a.certPem), keyFile: file('a-key.pem', a.keyPem) });
    assert.equal(t.certPem, a.certPem);
    assert.match(t.subjectAltName, /DNS:a\.example/);
    assert.ok(t.notAfter.getTime() > Date.now() + 9 * DAY);
  });

  it('refuses a key that belongs to another certificate', async () => {
    await assert.rejects(readTlsFiles({ certFile: file('a.pem', a.certPem), keyFile: file('b-key.pem', b.keyPem) }), (e) => isCofferError(e, 'tls.key_mismatch'));
  });

  it('refuses an expired certificate', async () => {
    await assert.rejects(
      readTlsFiles({ certFile: file('a.pem', a.certPem), keyFile: file('a-key.pem', a.keyPem), clock: { now: () => Date.now() + 11 * DAY } }),
      (e) => isCofferError(e, 'tls.certificate_expired'),
    );
  });

  it('names a missing or malformed file without quoting its content', async () => {
    await assert.rejects(readTlsFiles({ certFile: join(dir, 'absent.pem'), keyFile: join(dir, 'absent-key.pem') }), (e) =>
      isCofferError(e, 'tls.read_failed') && e.message.includes('absent.pem'));
    await assert.rejects(readTlsFiles({ certFile: file('junk.pem', 'secret-junk'), keyFile: file('a-key.pem', a.keyPem) }), (e) =>
      isCofferError(e, 'tls.invalid_certificate') && !e.message.includes('secret-junk'));
  });
});
