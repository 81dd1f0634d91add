import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCofferError } from '../shared/index.js';
import { createLocalCa, inspectCertificate, issueServerCertificate, nameMatch } from './index.js';

describe('nameMatch', () => {
  const cert = { dns: ['s3.example.test', '*.s3.example.test', 'localhost'], ips: ['127.0.0.1', '::1'] };

  it('scores an exact name above a wildcard match', () => {
    assert.equal(nameMatch(cert, 's3.example.test'), 2);
    assert.equal(nameMatch(cert, 'photos.s3.example.test'), 1);
  });

  it('lets a wildcard cover exactly one leftmost label', () => {
    assert.equal(nameMatch(cert, 'a.b.s3.example.test'), 0);
    assert.equal(nameMatch(cert, 'example.test'), 0);
  });

  it('ignores case, a trailing dot and IPv6 brackets, and matches IPs only against IP entries', () => {
    assert.equal(nameMatch(cert, 'S3.Example.TEST.'), 2);
    assert.equal(nameMatch(cert, '[0:0:0:0:0:0:0:1]'), 2);
    assert.equal(nameMatch(cert, '10.0.0.1'), 0);
    assert.equal(nameMatch(cert, ''), 0);
  });
});

describe('inspectCertificate', () => {
  it('reads the names, validity and fingerprint of an issued certificate and checks its key', async () => {
    const ca = await createLocalCa({ commonName: 'Info CA' });
    const a = await issueServerCertificate({ ca, names: ['*.s3.example.test', '10.1.2.3'], days: 10 });
    const b = await issueServerCertificate({ ca, names: [], days: 10 });
    const info = inspectCertificate(a.certPem, a.keyPem);
    assert.deepEqual(info.dns, ['*.s3.example.test', 'localhost']);
    assert.deepEqual(info.ips, ['10.1.2.3', '127.0.0.1', '::1']);
    assert.ok(info.notAfter.getTime() - info.notBefore.getTime() <= 11 * 86_400_000);
    assert.match(info.fingerprint256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.throws(() => inspectCertificate(a.certPem, b.keyPem, '/etc/x.pem'), (e) => isCofferError(e, 'tls.key_mismatch') && /\/etc\/x\.pem/.test(e.message));
    assert.throws(() => inspectCertificate('not a certificate'), (e) => isCofferError(e, 'tls.invalid_certificate'));
  });
});
