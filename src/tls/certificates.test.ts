import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isCofferError } from '../shared/index.js';
import { createLocalCa, issueServerCertificate, type CertificateMaterial } from './index.js';

const DAY = 86_400_000;

describe('createLocalCa and issueServerCertificate', { timeout: 60_000 }, () => {
  let dir: string;
  let ca: CertificateMaterial;
  let server: CertificateMaterial;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coffer-tls-cert-'));
    ca = await createLocalCa({ commonName: 'Coffer Test CA' });
    server = await issueServerCertificate({ ca, names: ['s3.localhost', '*.s3.localhost', '10.1.2.3', '[fd00::1]'], days: 90 });
    writeFileSync(join(dir, 'ca.pem'), ca.certPem);
    writeFileSync(join(dir, 'server.pem'), server.certPem);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a CA with an ECDSA P-256 key, CA:TRUE, keyCertSign/cRLSign and a subject key identifier', () => {
    const text = execFileSync('openssl', ['x509', '-in', join(dir, 'ca.pem'), '-noout', '-text'], { encoding: 'utf8' });
    assert.match(text, /Subject: CN = Coffer Test CA/);
    assert.match(text, /NIST CURVE: P-256/);
    assert.match(text, /Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    assert.match(text, /Key Usage: critical\s+Certificate Sign, CRL Sign/);
    assert.match(text, /Subject Key Identifier/);
    const cert = new X509Certificate(ca.certPem);
    const years = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / (365.25 * DAY);
    assert.ok(years > 9.9 && years < 10.1, `CA validity is about 10 years, got ${years}`);
    assert.ok(cert.checkPrivateKey(createPrivateKey(ca.keyPem)));
  });

  it('issues a server certificate that openssl verifies against the CA for serverAuth', () => {
    const out = execFileSync('openssl', ['verify', '-purpose', 'sslserver', '-CAfile', join(dir, 'ca.pem'), join(dir, 'server.pem')], { encoding: 'utf8' });
    assert.match(out, /server\.pem: OK/);
    for (const args of [['-verify_hostname', 'localhost'], ['-verify_hostname', 'bucket.s3.localhost'], ['-verify_ip', '::1'], ['-verify_ip', '10.1.2.3']]) {
      execFileSync('openssl', ['verify', '-CAfile', join(dir, 'ca.pem'), ...args, join(dir, 'server.pem')], { encoding: 'utf8' });
    }
    assert.throws(() => execFileSync('openssl', ['verify', '-CAfile', join(dir, 'ca.pem'), '-verify_hostname', 'example.com', join(dir, 'server.pem')], { stdio: 'pipe' }));
  });

  it('puts loopback and configured names in the SANs, with serverAuth, AKI and the requested validity', () => {
    const text = execFileSync('openssl', ['x509', '-in', join(dir, 'server.pem'), '-noout', '-text'], { encoding: 'utf8' });
    for (const san of ['DNS:localhost', 'DNS:s3.localhost', 'DNS:*.s3.localhost', 'IP Address:127.0.0.1', 'IP Address:0:0:0:0:0:0:0:1', 'IP Address:10.1.2.3', 'IP Address:FD00:0:0:0:0:0:0:1']) {
      assert.ok(text.includes(san), `SAN ${san} present`);
    }
    assert.match(text, /Subject: CN = s3\.localhost\n/);
    assert.match(text, /Extended Key Usage:\s+TLS Web Server Authentication/);
    assert.match(text, /Basic Constraints: critical\s+CA:FALSE/);
    assert.match(text, /Key Usage: critical\s+Digital Signature/);
    assert.match(text, /Authority Key Identifier/);
    assert.match(text, /NIST CURVE: P-256/);
    const cert = new X509Certificate(server.certPem);
    const caSki = /Subject Key Identifier:\s+([0-9A-F:]+)/.exec(execFileSync('openssl', ['x509', '-in', join(dir, 'ca.pem'), '-noout', '-text'], { encoding: 'utf8' }))?.[1];
    assert.ok(caSki && text.includes(caSki), 'AKI equals the CA subject key identifier');
    const days = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / DAY;
    assert.ok(Math.abs(days - 90) < 0.01, `validity 90 days, got ${days}`);
  });

  it('refuses a validity longer than 397 days', async () => {
    await assert.rejects(issueServerCertificate({ ca, names: [], days: 398 }), (e) => isCofferError(e, 'tls.invalid_validity'));
  });

  it('refuses a name that is neither a DNS name nor an IP address', async () => {
    await assert.rejects(issueServerCertificate({ ca, names: ['bad name!'] }), (e) => isCofferError(e, 'tls.invalid_name'));
  });

  it('refuses to sign with a CA key that does not belong to the CA certificate', async () => {
    const other = await createLocalCa({ commonName: 'Other' });
    await assert.rejects(
      issueServerCertificate({ ca: { certPem: ca.certPem, keyPem: other.keyPem }, names: [] }),
      (e) => isCofferError(e, 'tls.invalid_ca'),
    );
  });

  it('refuses to use a server certificate as a CA', async () => {
    await assert.rejects(issueServerCertificate({ ca: server, names: [] }), (e) => isCofferError(e, 'tls.invalid_ca'));
  });
});
