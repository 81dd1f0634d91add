// Real TLS handshakes on loopback against a server using tlsServerOptions and an issued certificate.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type ConnectionOptions, type Server, type TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { isCofferError } from '../shared/index.js';
import { createLocalCa, issueServerCertificate, tlsServerOptions, type CertificateMaterial, type TlsMinVersion } from './index.js';

interface Running {
  server: Server;
  port: number;
  clientErrors: Error[];
}

async function start(server: CertificateMaterial, host: string, minVersion: TlsMinVersion = 'TLSv1.2'): Promise<Running> {
  const clientErrors: Error[] = [];
  const s = createServer(tlsServerOptions({ certPem: server.certPem, keyPem: server.keyPem, minVersion }), (socket) => socket.end('ok'));
  s.on('tlsClientError', (e) => clientErrors.push(e));
  await new Promise<void>((resolve, reject) => s.once('error', reject).listen(0, host, resolve));
  return { server: s, port: (s.address() as AddressInfo).port, clientErrors };
}

function stop(r: Running): Promise<void> {
  return new Promise((resolve) => r.server.close(() => resolve()));
}

/** Connects, reads the server's greeting, and reports the negotiated protocol and cipher. */
function handshake(options: ConnectionOptions): Promise<{ protocol: string | null; cipher: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket: TLSSocket = connect({ timeout: 5000, ...options });
    let body = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (body += d));
    socket.on('end', () => resolve({ protocol: socket.getProtocol(), cipher: socket.getCipher().standardName, body }));
    socket.on('timeout', () => socket.destroy(new Error('timeout')));
    socket.on('error', reject);
  });
}

/** Waits until the server has reported a failed client handshake. */
async function serverError(r: Running): Promise<Error> {
  for (let i = 0; i < 200 && r.clientErrors.length === 0; i++) await new Promise((res) => setTimeout(res, 10));
  const e = r.clientErrors[0];
  assert.ok(e, 'the server reported the failed handshake');
  return e;
}

async function hasIpv6Loopback(): Promise<boolean> {
  const s = createNetServer();
  try {
    await new Promise<void>((resolve, reject) => s.once('error', reject).listen(0, '::1', resolve));
    return true;
  } catch {
    return false;
  } finally {
    s.close();
  }
}

describe('TLS handshakes with the issued certificate and tlsServerOptions', { timeout: 60_000 }, () => {
  let ca: CertificateMaterial;
  let cert: CertificateMaterial;
  let v4: Running;

  before(async () => {
    ca = await createLocalCa({ commonName: 'Coffer Handshake CA' });
    cert = await issueServerCertificate({ ca, names: [], days: 30 });
    v4 = await start(cert, '127.0.0.1');
  });
  after(() => stop(v4));

  it('negotiates TLS 1.3 with a client that trusts the CA and asks for localhost', async () => {
    const r = await handshake({ host: '127.0.0.1', port: v4.port, ca: ca.certPem, servername: 'localhost' });
    assert.equal(r.protocol, 'TLSv1.3');
    assert.equal(r.body, 'ok');
  });

  it('verifies the 127.0.0.1 IP SAN when connecting by address', async () => {
    const r = await handshake({ host: '127.0.0.1', port: v4.port, ca: ca.certPem });
    assert.equal(r.body, 'ok');
  });

  it('verifies the ::1 IP SAN when the machine has an IPv6 loopback', async (t) => {
    if (!(await hasIpv6Loopback())) return t.skip('no IPv6 loopback');
    const v6 = await start(cert, '::1');
    try {
      const r = await handshake({ host: '::1', port: v6.port, ca: ca.certPem });
      assert.equal(r.body, 'ok');
    } finally {
      await stop(v6);
    }
  });

  it('rejects the certificate for a name it does not carry', async () => {
    await assert.rejects(handshake({ host: '127.0.0.1', port: v4.port, ca: ca.certPem, servername: 'example.com' }), /ERR_TLS_CERT_ALTNAME_INVALID|does not match/);
  });

  it('rejects the certificate when the client does not trust the CA', async () => {
    const other = await createLocalCa({ commonName: 'Untrusted' });
    await assert.rejects(handshake({ host: '127.0.0.1', port: v4.port, ca: other.certPem, servername: 'localhost' }));
  });

  it('accepts a TLS 1.2 client and picks an ECDHE AEAD suite', async () => {
    const r = await handshake({ host: '127.0.0.1', port: v4.port, ca: ca.certPem, servername: 'localhost', maxVersion: 'TLSv1.2' });
    assert.equal(r.protocol, 'TLSv1.2');
    assert.match(r.cipher, /^TLS_ECDHE_ECDSA_WITH_(AES_128_GCM|AES_256_GCM|CHACHA20_POLY1305)/);
  });

  it('refuses a client limited to TLS 1.1', async () => {
    v4.clientErrors.length = 0;
    await assert.rejects(handshake({
      host: '127.0.0.1', port: v4.port, ca: ca.certPem, servername: 'localhost',
      minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0',
    }));
    assert.match(String((await serverError(v4)).message), /unsupported protocol/i);
  });

  it('refuses a TLS 1.2 client that offers only a CBC cipher', async () => {
    v4.clientErrors.length = 0;
    await assert.rejects(handshake({
      host: '127.0.0.1', port: v4.port, ca: ca.certPem, servername: 'localhost', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA256',
    }));
    assert.match(String((await serverError(v4)).message), /no shared cipher/i);
  });

  it('refuses TLS 1.2 entirely when the floor is TLS 1.3', async () => {
    const only13 = await start(cert, '127.0.0.1', 'TLSv1.3');
    try {
      await assert.rejects(handshake({ host: '127.0.0.1', port: only13.port, ca: ca.certPem, servername: 'localhost', maxVersion: 'TLSv1.2' }));
      const r = await handshake({ host: '127.0.0.1', port: only13.port, ca: ca.certPem, servername: 'localhost' });
      assert.equal(r.protocol, 'TLSv1.3');
    } finally {
      await stop(only13);
    }
  });

  it('offers only X25519, P-256 and P-384 for key exchange', async () => {
    const r = await handshake({ host: '127.0.0.1', port: v4.port, ca: ca.certPem, servername: 'localhost', ecdhCurve: 'X25519' });
    assert.equal(r.body, 'ok');
    await assert.rejects(handshake({ host: '127.0.0.1', port: v4.port, ca: ca.certPem, servername: 'localhost', ecdhCurve: 'P-521' }), /handshake failure/);
  });

  it('refuses a client-initiated TLS 1.2 renegotiation', async () => {
    // A server that keeps the connection open, so only the renegotiation attempt can end it.
    const quiet = createServer(tlsServerOptions({ certPem: cert.certPem, keyPem: cert.keyPem }), (s) => {
      s.on('error', () => {});
      s.resume();
    });
    await new Promise<void>((resolve) => quiet.listen(0, '127.0.0.1', resolve));
    let socket: TLSSocket | undefined;
    try {
      const outcome = await new Promise<string>((resolve) => {
        socket = connect({ host: '127.0.0.1', port: (quiet.address() as AddressInfo).port, ca: ca.certPem, servername: 'localhost', maxVersion: 'TLSv1.2' }, () => {
          socket?.renegotiate({}, (err) => resolve(err ? `callback error: ${err.message}` : 'renegotiated'));
          socket?.write('x'); // drives the renegotiation handshake
        });
        socket.resume();
        socket.on('error', (e) => resolve(`error: ${e.message}`));
        socket.on('close', () => resolve('closed'));
      });
      assert.match(outcome, /no renegotiation|closed|error/);
    } finally {
      socket?.destroy();
      await new Promise((resolve) => quiet.close(resolve));
    }
  });

  it('refuses a floor below TLS 1.2 in tlsServerOptions', () => {
    assert.throws(
      () => tlsServerOptions({ certPem: cert.certPem, keyPem: cert.keyPem, minVersion: 'TLSv1.1' as TlsMinVersion }),
      (e) => isCofferError(e, 'tls.invalid_min_version'),
    );
  });

  it('serves HTTPS that curl accepts with --cacert', async (t) => {
    const curl = await new Promise<boolean>((resolve) => execFile('curl', ['--version'], (err) => resolve(!err)));
    if (!curl) return t.skip('curl not installed');
    const dir = mkdtempSync(join(tmpdir(), 'coffer-tls-curl-'));
    const https = createHttpsServer(tlsServerOptions({ certPem: cert.certPem, keyPem: cert.keyPem }), (_req, res) => res.end('hello'));
    try {
      writeFileSync(join(dir, 'ca.pem'), ca.certPem);
      await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
      const port = (https.address() as AddressInfo).port;
      const run = (args: string[]) => new Promise<string>((resolve, reject) =>
        execFile('curl', ['-sS', '--max-time', '10', '--cacert', join(dir, 'ca.pem'), ...args], (err, stdout, stderr) =>
          (err ? reject(new Error(stderr)) : resolve(stdout))));
      assert.equal(await run(['--resolve', `localhost:${port}:127.0.0.1`, `https://localhost:${port}/`]), 'hello');
      assert.equal(await run([`https://127.0.0.1:${port}/`]), 'hello');
      await assert.rejects(run(['--tls-max', '1.1', '--resolve', `localhost:${port}:127.0.0.1`, `https://localhost:${port}/`]));
    } finally {
      https.closeAllConnections();
      await new Promise((resolve) => https.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
