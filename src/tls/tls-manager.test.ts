// The TLS manager against real TLS servers on loopback: SNI selection, reload on file change and
// on demand without dropping open connections, failed reloads, and expiry warnings.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, createServer, type Server, type TLSSocket } from 'node:tls';
import { isCofferError } from '../shared/index.js';
import {
  createLocalCa, createTlsManager, issueServerCertificate, type CertificateMaterial, type TlsEvent, type TlsManager,
} from './index.js';

const DAY = 86_400_000;

/** Writes a PEM file the way certificate tools do: a temp file renamed over the old one. */
function replaceFile(file: string, content: string): void {
  writeFileSync(`${file}.new`, content, { mode: 0o600 });
  renameSync(`${file}.new`, file);
}

function writePair(dir: string, name: string, m: CertificateMaterial) {
  const certFile = join(dir, `${name}.pem`);
  const keyFile = join(dir, `${name}-key.pem`);
  replaceFile(keyFile, m.keyPem);
  replaceFile(certFile, m.certPem);
  return { certFile, keyFile };
}

/** An echo server using the manager's options, attached so reloads reach clients without SNI. */
async function startServer(manager: TlsManager): Promise<{ server: Server; port: number }> {
  const server = createServer(manager.serverOptions(), (s) => {
    s.on('error', () => {});
    s.pipe(s);
  });
  manager.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

async function stopServer(server: Server): Promise<void> {
  await new Promise((resolve) => server.close(resolve));
}

/** Opens a connection and returns it with the fingerprint of the certificate the server sent. */
function open(port: number, ca: string, servername?: string): Promise<{ socket: TLSSocket; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca, ...(servername ? { servername } : {}), timeout: 5000 }, () =>
      resolve({ socket, fingerprint: socket.getPeerCertificate().fingerprint256 }));
    socket.on('timeout', () => socket.destroy(new Error('timeout')));
    socket.once('error', reject);
  });
}

async function fingerprintOf(port: number, ca: string, servername?: string): Promise<string> {
  const c = await open(port, ca, servername);
  c.socket.destroy();
  return c.fingerprint;
}

function echo(socket: TLSSocket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    socket.once('data', (d: Buffer) => resolve(d.toString('utf8')));
    socket.once('error', reject);
    socket.write(text);
  });
}

function certFingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

/** Resolves with the first event matching `pred`, or rejects after `ms`. */
function waitForEvent(events: TlsEvent[], pred: (e: TlsEvent) => boolean, ms = 15_000): Promise<TlsEvent> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const e = events.find(pred);
      if (e) return resolve(e);
      if (Date.now() - started > ms) return reject(new Error('event not seen'));
      setTimeout(tick, 20);
    };
    tick();
  });
}

describe('createTlsManager', { timeout: 60_000 }, () => {
  let dir: string;
  let ca: CertificateMaterial;
  let first: CertificateMaterial;
  let second: CertificateMaterial;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coffer-tls-manager-'));
    ca = await createLocalCa({ commonName: 'Coffer Manager Test CA' });
    first = await issueServerCertificate({ ca, names: ['s3.example.test'], days: 90 });
    second = await issueServerCertificate({ ca, names: ['s3.example.test'], days: 90 });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serves a certificate replaced on disk to new connections while an open connection keeps working', async () => {
    const sub = mkdtempSync(join(dir, 'watch-'));
    const files = writePair(sub, 'server', first);
    const events: TlsEvent[] = [];
    const manager = await createTlsManager({ ...files, debounceMs: 50, pollIntervalMs: 200, onEvent: (e) => events.push(e) });
    const { server, port } = await startServer(manager);
    try {
      const old = await open(port, ca.certPem, 'localhost');
      assert.equal(old.fingerprint, certFingerprint(first.certPem));

      writePair(sub, 'server', second);
      await waitForEvent(events, (e) => e.type === 'loaded' && e.changed);

      assert.equal(await fingerprintOf(port, ca.certPem, 's3.example.test'), certFingerprint(second.certPem), 'SNI clients get the new certificate');
      assert.equal(await fingerprintOf(port, ca.certPem), certFingerprint(second.certPem), 'clients without SNI get the new certificate');
      assert.equal(await echo(old.socket, 'still here'), 'still here', 'the open connection was not dropped');
      assert.equal(old.socket.getPeerCertificate().fingerprint256, certFingerprint(first.certPem));
      old.socket.destroy();
    } finally {
      await manager.close();
      await stopServer(server);
    }
  });

  it('reloads on demand (SIGHUP) and not before, when watching is off', async () => {
    const sub = mkdtempSync(join(dir, 'manual-'));
    const files = writePair(sub, 'server', first);
    const manager = await createTlsManager({ ...files, watch: false });
    const { server, port } = await startServer(manager);
    try {
      const old = await open(port, ca.certPem);
      writePair(sub, 'server', second);
      assert.equal(await fingerprintOf(port, ca.certPem), certFingerprint(first.certPem), 'nothing changes before reload()');

      assert.deepEqual(await manager.reload(), { ok: true, changed: true });
      assert.equal(await fingerprintOf(port, ca.certPem), certFingerprint(second.certPem));
      assert.equal(await fingerprintOf(port, ca.certPem, 'localhost'), certFingerprint(second.certPem));
      assert.equal(await echo(old.socket, 'ping'), 'ping');
      old.socket.destroy();

      assert.deepEqual(await manager.reload(), { ok: true, changed: false }, 'an unchanged pair is not swapped');
    } finally {
      await manager.close();
      await stopServer(server);
    }
  });

  it('keeps serving the previous certificate when the new key does not match, and reports it', async () => {
    const sub = mkdtempSync(join(dir, 'mismatch-'));
    const files = writePair(sub, 'server', first);
    const warnings: string[] = [];
    const logger = { info() {}, error() {}, warn: (_o: object, msg: string) => void warnings.push(msg) };
    const manager = await createTlsManager({ ...files, watch: false, logger });
    const { server, port } = await startServer(manager);
    try {
      replaceFile(files.certFile, second.certPem); // the key file still holds the first key
      const r = await manager.reload();
      assert.equal(r.ok, false);
      assert.ok(!r.ok && isCofferError(r.error, 'tls.key_mismatch'));
      assert.equal(await fingerprintOf(port, ca.certPem), certFingerprint(first.certPem));
      assert.match(manager.status().warnings.join('\n'), /last TLS reload failed \(tls\.key_mismatch\)/);
      assert.ok(warnings.some((w) => /TLS reload failed/.test(w)));

      replaceFile(files.keyFile, second.keyPem);
      assert.deepEqual(await manager.reload(), { ok: true, changed: true });
      assert.equal(manager.status().lastError, null);
      assert.deepEqual(manager.status().warnings, []);
    } finally {
      await manager.close();
      await stopServer(server);
    }
  });

  it('picks the certificate whose names match the SNI name, exact before wildcard, and the primary otherwise', async () => {
    const sub = mkdtempSync(join(dir, 'sni-'));
    const primary = writePair(sub, 'primary', first);
    const fipsCert = await issueServerCertificate({ ca, names: ['s3-fips.example.test'], days: 90 });
    const wildcard = await issueServerCertificate({ ca, names: ['*.s3.example.test'], days: 90 });
    const exactBucket = await issueServerCertificate({ ca, names: ['special.s3.example.test'], days: 90 });
    const manager = await createTlsManager({
      ...primary, watch: false,
      additionalCertificates: [writePair(sub, 'fips', fipsCert), writePair(sub, 'wild', wildcard), writePair(sub, 'special', exactBucket)],
    });
    const { server, port } = await startServer(manager);
    try {
      assert.equal(await fingerprintOf(port, ca.certPem, 's3-fips.example.test'), certFingerprint(fipsCert.certPem));
      assert.equal(await fingerprintOf(port, ca.certPem, 'photos.s3.example.test'), certFingerprint(wildcard.certPem));
      assert.equal(await fingerprintOf(port, ca.certPem, 'special.s3.example.test'), certFingerprint(exactBucket.certPem));
      assert.equal(await fingerprintOf(port, ca.certPem, 's3.example.test'), certFingerprint(first.certPem));
      assert.equal(await fingerprintOf(port, ca.certPem, 'localhost'), certFingerprint(first.certPem), 'ties go to the primary');
      assert.equal(await fingerprintOf(port, ca.certPem), certFingerprint(first.certPem), 'no SNI: the primary');
      // A name no certificate carries gets the primary, which the client then rejects.
      await assert.rejects(open(port, ca.certPem, 'a.b.s3.example.test'), /ERR_TLS_CERT_ALTNAME_INVALID|does not match/);
      assert.equal(manager.status().certificates.length, 4);
    } finally {
      await manager.close();
      await stopServer(server);
    }
  });

  it('warns before expiry, judged by the injected clock', async () => {
    const sub = mkdtempSync(join(dir, 'expiry-'));
    const files = writePair(sub, 'server', first);
    const notAfter = new X509Certificate(first.certPem).validTo;
    const at = (daysBefore: number) => ({ now: () => new Date(notAfter).getTime() - daysBefore * DAY });

    const quiet: TlsEvent[] = [];
    const far = await createTlsManager({ ...files, watch: false, clock: at(60), onEvent: (e) => quiet.push(e) });
    assert.deepEqual(far.status().warnings, []);
    assert.equal(far.status().certificates[0]?.expiringSoon, false);
    assert.ok(!quiet.some((e) => e.type === 'expiring'));
    await far.close();

    const events: TlsEvent[] = [];
    const logged: object[] = [];
    const logger = { info() {}, error() {}, warn: (o: object) => void logged.push(o) };
    const near = await createTlsManager({ ...files, watch: false, clock: at(10), logger, onEvent: (e) => events.push(e) });
    try {
      const s = near.status();
      assert.equal(s.certificates[0]?.daysLeft, 10);
      assert.equal(s.certificates[0]?.expiringSoon, true);
      assert.equal(s.certificates[0]?.expired, false);
      assert.match(s.warnings[0] ?? '', /expires on .* \(in 10 days\)/);
      const e = events.find((x) => x.type === 'expiring');
      assert.ok(e && e.type === 'expiring' && e.daysLeft === 10 && e.certFile === files.certFile);
      assert.ok(logged.some((o) => (o as { daysLeft?: number }).daysLeft === 10));
    } finally {
      await near.close();
    }
  });

  it('creates and serves generated material for the configured names, including a wildcard', async () => {
    const dataDir = mkdtempSync(join(dir, 'generated-'));
    const manager = await createTlsManager({ dataDir, names: ['s3.example.test', '*.s3.example.test'], watch: false });
    const { server, port } = await startServer(manager);
    try {
      const caPem = readFileSync(join(dataDir, 'tls', 'ca.pem'), 'utf8');
      const c = await open(port, caPem, 'bucket.s3.example.test');
      c.socket.destroy();
      const s = manager.status();
      assert.equal(s.mode, 'generated');
      assert.ok(s.certificates[0]?.dns.includes('*.s3.example.test'));
      assert.equal(s.certificates[0]?.certFile, join(dataDir, 'tls', 'server.pem'));
      assert.deepEqual(await manager.reload(), { ok: true, changed: false });
    } finally {
      await manager.close();
      await stopServer(server);
    }
  });

  it('refuses ambiguous or incomplete certificate options', async () => {
    await assert.rejects(createTlsManager({ dataDir: dir, certFile: 'a', keyFile: 'b' }), (e) => isCofferError(e, 'tls.invalid_options'));
    await assert.rejects(createTlsManager({ certFile: 'a' }), (e) => isCofferError(e, 'tls.invalid_options'));
    await assert.rejects(createTlsManager({}), (e) => isCofferError(e, 'tls.invalid_options'));
  });

  it('fails to start when the certificate file cannot be read, naming the file', async () => {
    await assert.rejects(createTlsManager({ certFile: join(dir, 'absent.pem'), keyFile: join(dir, 'absent-key.pem'), watch: false }),
      (e) => isCofferError(e, 'tls.read_failed') && /absent\.pem/.test(e.message));
  });
});
