import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { isCofferError, type Clock } from '../shared/index.js';
import { createLocalCa, ensureTlsMaterial, issueServerCertificate } from './index.js';

const DAY = 86_400_000;
const fixedClock = (ms: number): Clock => ({ now: () => ms });
const mode = (file: string) => statSync(file).mode & 0o777;

describe('ensureTlsMaterial', { timeout: 60_000 }, () => {
  let dir: string;
  const t0 = Date.now();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'coffer-tls-ensure-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the CA and server files with private keys readable by the owner only', async () => {
    const m = await ensureTlsMaterial({ dir, names: ['s3.localhost'], clock: fixedClock(t0) });
    assert.equal(m.caCreated, true);
    assert.equal(m.serverAction, 'created');
    assert.equal(m.caCertFile, join(dir, 'tls', 'ca.pem'));
    assert.equal(m.caKeyFile, join(dir, 'tls', 'ca-key.pem'));
    assert.equal(m.certFile, join(dir, 'tls', 'server.pem'));
    assert.equal(m.keyFile, join(dir, 'tls', 'server-key.pem'));
    assert.equal(mode(m.caKeyFile), 0o600);
    assert.equal(mode(m.keyFile), 0o600);
    assert.equal(mode(m.tlsDir), 0o700);
    assert.equal(readFileSync(m.certFile, 'utf8'), m.certPem);
    const cert = new X509Certificate(m.certPem);
    assert.ok(cert.checkIssued(new X509Certificate(readFileSync(m.caCertFile, 'utf8'))));
    assert.match(cert.subjectAltName ?? '', /DNS:s3\.localhost/);
  });

  it('keeps valid material untouched on the next start, whatever the order or case of the names', async () => {
    const first = await ensureTlsMaterial({ dir, names: ['s3.localhost', '10.0.0.1'], clock: fixedClock(t0) });
    const again = await ensureTlsMaterial({ dir, names: ['10.0.0.1', 'S3.LOCALHOST', 'localhost'], clock: fixedClock(t0 + DAY) });
    assert.equal(again.caCreated, false);
    assert.equal(again.serverAction, 'kept');
    assert.equal(again.certPem, first.certPem);
    assert.equal(again.caCertPem, first.caCertPem);
  });

  it('renews the server certificate when it expires within 30 days, keeping the CA', async () => {
    const first = await ensureTlsMaterial({ dir, names: [], clock: fixedClock(t0), validityDays: 90 });
    const still = await ensureTlsMaterial({ dir, names: [], clock: fixedClock(t0 + 59 * DAY), validityDays: 90 });
    assert.equal(still.serverAction, 'kept');
    const later = t0 + 61 * DAY;
    const renewed = await ensureTlsMaterial({ dir, names: [], clock: fixedClock(later), validityDays: 90 });
    assert.equal(renewed.serverAction, 'renewed');
    assert.equal(renewed.caCertPem, first.caCertPem);
    assert.ok(renewed.notAfter.getTime() > later + 80 * DAY);
  });

  it('re-issues the server certificate when the configured names change', async () => {
    await ensureTlsMaterial({ dir, names: ['a.example'], clock: fixedClock(t0) });
    const m = await ensureTlsMaterial({ dir, names: ['a.example', 'b.example'], clock: fixedClock(t0) });
    assert.equal(m.serverAction, 'names-changed');
    assert.match(new X509Certificate(m.certPem).subjectAltName ?? '', /DNS:b\.example/);
    const removed = await ensureTlsMaterial({ dir, names: ['b.example'], clock: fixedClock(t0) });
    assert.equal(removed.serverAction, 'names-changed');
    assert.doesNotMatch(new X509Certificate(removed.certPem).subjectAltName ?? '', /a\.example/);
  });

  it('replaces a server certificate whose key is missing, unreadable or not issued by the CA', async () => {
    const m = await ensureTlsMaterial({ dir, names: [], clock: fixedClock(t0) });
    unlinkSync(m.keyFile);
    assert.equal((await ensureTlsMaterial({ dir, names: [], clock: fixedClock(t0) })).serverAction, 'replaced');

    writeFileSync(m.certFile, 'not a certificate');
    assert.equal((await ensureTlsMaterial({ dir, names: [], clock: fixedClock(t0) })).serverAction, 'replaced');

    const foreignCa = await createLocalCa({ commonName: 'Foreign' });
    const foreign = await issueServerCertificate({ ca: foreignCa, names: [] });
    writeFileSync(m.certFile, foreign.certPem);
    writeFileSync(m.keyFile, foreign.keyPem);
    const fixed = await ensureTlsMaterial({ dir, names: [], clock: fixedClock(t0) });
    assert.equal(fixed.serverAction, 'replaced');
    assert.ok(new X509Certificate(fixed.certPem).checkIssued(new X509Certificate(fixed.caCertPem)));
  });

  it('refuses to start when the CA key is gone but the CA certificate remains', async () => {
    const m = await ensureTlsMaterial({ dir, names: [], clock: fixedClock(t0) });
    unlinkSync(m.caKeyFile);
    await assert.rejects(ensureTlsMaterial({ dir, names: [], clock: fixedClock(t0) }), (e) => isCofferError(e, 'tls.ca_key_missing'));
    assert.ok(existsSync(m.caCertFile), 'the CA certificate is left in place');
  });

  it('creates a new CA when only the CA key exists (a crash between the two writes)', async () => {
    const m = await ensureTlsMaterial({ dir, names: [], clock: fixedClock(t0) });
    unlinkSync(m.caCertFile);
    const again = await ensureTlsMaterial({ dir, names: [], clock: fixedClock(t0) });
    assert.equal(again.caCreated, true);
    assert.equal(again.serverAction, 'replaced');
    assert.notEqual(again.caCertPem, m.caCertPem);
  });

  it('refuses to start with an expired CA', async () => {
    await ensureTlsMaterial({ dir, names: [], clock: fixedClock(t0) });
    await assert.rejects(ensureTlsMaterial({ dir, names: [], clock: fixedClock(t0 + 11 * 366 * DAY) }), (e) => isCofferError(e, 'tls.ca_expired'));
  });

  it('tightens key files that became readable by others and removes temp files left by a crash', async () => {
    const m = await ensureTlsMaterial({ dir, names: [], clock: fixedClock(t0) });
    chmodSync(m.caKeyFile, 0o644);
    chmodSync(m.keyFile, 0o640);
    writeFileSync(join(m.tlsDir, '.deadbeef.tmp'), 'partial');
    await ensureTlsMaterial({ dir, names: [], clock: fixedClock(t0) });
    assert.equal(mode(m.caKeyFile), 0o600);
    assert.equal(mode(m.keyFile), 0o600);
    assert.equal(existsSync(join(m.tlsDir, '.deadbeef.tmp')), false);
  });
});
