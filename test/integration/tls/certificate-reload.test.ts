// A certificate swapped on disk is served without a restart, seen by Debian's openssl s_client,
// with and without SNI; the listener's policy (here the FIPS endpoint's) survives the swap; and a
// SIGHUP handler calling reload() picks up a pair replaced while watching is off.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLocalCa, createTlsManager, issueServerCertificate, type CertificateMaterial, type TlsEvent, type TlsManager } from '../../../src/tls/index.js';
import { sClient } from './openssl-fixtures.js';

function install(dir: string, m: CertificateMaterial) {
  const certFile = join(dir, 'server.pem');
  const keyFile = join(dir, 'server-key.pem');
  writeFileSync(`${keyFile}.tmp`, m.keyPem, { mode: 0o600 });
  writeFileSync(`${certFile}.tmp`, m.certPem);
  renameSync(`${keyFile}.tmp`, keyFile);
  renameSync(`${certFile}.tmp`, certFile);
  return { certFile, keyFile };
}

/** SHA-256 fingerprint of the certificate s_client received. */
async function servedFingerprint(port: number, sni: boolean): Promise<string> {
  const r = await sClient(port, sni ? [] : ['-noservername'], undefined, false);
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(r.output)?.[0];
  assert.ok(pem, `s_client printed a certificate:\n${r.output.slice(0, 500)}`);
  return new X509Certificate(pem).fingerprint256;
}

async function until(pred: () => boolean, ms = 15_000): Promise<void> {
  const start = Date.now();
  while (!pred()) {
    if (Date.now() - start > ms) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('certificate reload seen by openssl s_client', { timeout: 90_000 }, () => {
  let dir: string;
  let a: CertificateMaterial;
  let b: CertificateMaterial;
  const fp = (m: CertificateMaterial) => new X509Certificate(m.certPem).fingerprint256;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coffer-tls-reload-'));
    const ca = await createLocalCa({ commonName: 'Coffer Reload CA' });
    [a, b] = await Promise.all([1, 2].map(() => issueServerCertificate({ ca, names: ['s3-fips.example.test'], days: 60 }))) as [CertificateMaterial, CertificateMaterial];
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function serve(manager: TlsManager) {
    const server = createServer(manager.serverOptions('fips'), (_req, res) => res.end('ok'));
    manager.attach(server, 'fips');
    server.on('tlsClientError', (_e, s) => s.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      port: (server.address() as AddressInfo).port,
      close: async () => {
        await manager.close();
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      },
    };
  }

  it('serves a pair replaced on disk to clients with and without SNI, keeping the FIPS policy', async () => {
    const sub = mkdtempSync(join(dir, 'watch-'));
    const files = install(sub, a);
    const events: TlsEvent[] = [];
    const manager = await createTlsManager({ ...files, debounceMs: 50, pollIntervalMs: 200, onEvent: (e) => events.push(e) });
    const s = await serve(manager);
    try {
      assert.equal(await servedFingerprint(s.port, false), fp(a));
      install(sub, b);
      await until(() => events.some((e) => e.type === 'loaded' && e.changed));
      assert.equal(await servedFingerprint(s.port, false), fp(b), 'without SNI');
      assert.equal(await servedFingerprint(s.port, true), fp(b), 'with SNI');

      // The swapped default context still carries the FIPS policy.
      for (const args of [['-tls1_1', '-cipher', 'DEFAULT:@SECLEVEL=0'], ['-tls1_3', '-ciphersuites', 'TLS_CHACHA20_POLY1305_SHA256'], ['-tls1_3', '-groups', 'X25519']]) {
        assert.equal((await sClient(s.port, ['-noservername', ...args])).connected, false, args.join(' '));
        assert.equal((await sClient(s.port, args)).connected, false, `${args.join(' ')} with SNI`);
      }
      const ok = await sClient(s.port, ['-noservername', '-tls1_2']);
      assert.equal(ok.cipher, 'ECDHE-ECDSA-AES128-GCM-SHA256');
    } finally {
      await s.close();
    }
  });

  it('reloads when the process receives SIGHUP and a handler calls reload()', async () => {
    const sub = mkdtempSync(join(dir, 'sighup-'));
    const files = install(sub, a);
    const manager = await createTlsManager({ ...files, watch: false });
    const s = await serve(manager);
    const results: unknown[] = [];
    const onHup = () => void manager.reload().then((r) => results.push(r));
    process.on('SIGHUP', onHup);
    try {
      install(sub, b);
      assert.equal(await servedFingerprint(s.port, false), fp(a), 'not before the signal');
      process.kill(process.pid, 'SIGHUP');
      await until(() => results.length > 0);
      assert.deepEqual(results[0], { ok: true, changed: true });
      assert.equal(await servedFingerprint(s.port, false), fp(b));
    } finally {
      process.off('SIGHUP', onHup);
      await s.close();
    }
  });
});
