// Debian's `openssl s_client` against real HTTPS servers built from the TLS manager's options:
// which protocol versions, TLS 1.2 cipher suites, TLS 1.3 suites and key-exchange groups the
// standard listener and the FIPS endpoint accept, with an ECDSA and an RSA certificate.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  acceptedOutOf, allTls12Ciphers, ecdsaFiles, groupOf, rsaFiles, sClient, startPolicyServer, type PemFiles, type PolicyServer,
} from './openssl-fixtures.js';

const TLS13_SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_CCM_SHA256', 'TLS_AES_128_CCM_8_SHA256'];
const GROUPS = ['X25519', 'X448', 'P-256', 'P-384', 'P-521', 'ffdhe2048', 'ffdhe3072'];

/** Waits until the server has reported a failed handshake, then returns the messages so far. */
async function serverErrors(s: PolicyServer): Promise<string> {
  for (let i = 0; i < 200 && s.clientErrors.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  return s.clientErrors.map((e) => e.message).join('\n');
}

const accepted12 = (s: PolicyServer, ciphers: readonly string[]) =>
  acceptedOutOf(ciphers, async (list) => (await sClient(s.port, ['-tls1_2', '-cipher', `${list.join(':')}:@SECLEVEL=0`])).cipher);

const accepted13 = (s: PolicyServer) =>
  acceptedOutOf(TLS13_SUITES, async (list) => (await sClient(s.port, ['-tls1_3', '-ciphersuites', list.join(':')])).cipher);

/** Groups accepted; use an RSA certificate for TLS 1.2, where an ECDSA P-256 certificate needs P-256 offered. */
const acceptedGroups = (s: PolicyServer, version: '-tls1_2' | '-tls1_3') =>
  acceptedOutOf(GROUPS, async (list) => groupOf((await sClient(s.port, [version, '-groups', list.join(':')])).tempKey));

describe('TLS policy seen by openssl s_client', { timeout: 180_000 }, () => {
  let dir: string;
  let ecdsa: PemFiles;
  let rsa: PemFiles;
  let ciphers: string[];
  const servers: PolicyServer[] = [];
  let standard: PolicyServer;
  let standardRsa: PolicyServer;
  let fips: PolicyServer;
  let fipsRsa: PolicyServer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coffer-tls-policy-'));
    [ecdsa, rsa, ciphers] = await Promise.all([ecdsaFiles(dir), rsaFiles(dir), allTls12Ciphers()]);
    standard = await startPolicyServer(ecdsa, 'standard');
    standardRsa = await startPolicyServer(rsa, 'standard');
    fips = await startPolicyServer(ecdsa, 'fips');
    fipsRsa = await startPolicyServer(rsa, 'fips');
    servers.push(standard, standardRsa, fips, fipsRsa);
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  describe('the standard listener', () => {
    it('refuses TLS 1.0 from a client willing to speak it', async () => {
      standard.clientErrors.length = 0;
      const r = await sClient(standard.port, ['-tls1', '-cipher', 'DEFAULT:@SECLEVEL=0']);
      assert.equal(r.connected, false);
      assert.doesNotMatch(r.output, /no protocols available/, 'the client did offer TLS 1.0');
      assert.match(await serverErrors(standard), /unsupported protocol/i);
    });

    it('refuses TLS 1.1 from a client willing to speak it', async () => {
      standard.clientErrors.length = 0;
      const r = await sClient(standard.port, ['-tls1_1', '-cipher', 'DEFAULT:@SECLEVEL=0']);
      assert.equal(r.connected, false);
      assert.doesNotMatch(r.output, /no protocols available/);
      assert.match(await serverErrors(standard), /unsupported protocol/i);
    });

    it('accepts TLS 1.2 with an ECDHE AES-GCM suite and a verified certificate', async () => {
      const r = await sClient(standard.port, ['-tls1_2'], ecdsa.caFile);
      assert.equal(r.protocol, 'TLSv1.2');
      assert.equal(r.cipher, 'ECDHE-ECDSA-AES128-GCM-SHA256');
      assert.equal(r.verification, 'OK');
    });

    it('accepts TLS 1.3 and prefers AES-128-GCM', async () => {
      const r = await sClient(standard.port, ['-tls1_3'], ecdsa.caFile);
      assert.equal(r.protocol, 'TLSv1.3');
      assert.equal(r.cipher, 'TLS_AES_128_GCM_SHA256');
      assert.equal(r.verification, 'OK');
    });

    it('refuses RSA key exchange and CBC suites over TLS 1.2 (AES128-SHA, AES128-GCM-SHA256, ECDHE-ECDSA-AES128-SHA)', async () => {
      for (const cipher of ['AES128-SHA', 'AES128-GCM-SHA256', 'ECDHE-ECDSA-AES128-SHA', 'ECDHE-ECDSA-AES128-SHA256']) {
        standard.clientErrors.length = 0;
        const r = await sClient(standard.port, ['-tls1_2', '-cipher', `${cipher}:@SECLEVEL=0`]);
        assert.equal(r.connected, false, cipher);
        assert.match(await serverErrors(standard), /no shared cipher/i, cipher);
      }
      for (const cipher of ['AES128-SHA', 'AES256-GCM-SHA384', 'ECDHE-RSA-AES128-SHA', 'DHE-RSA-AES128-GCM-SHA256']) {
        const r = await sClient(standardRsa.port, ['-tls1_2', '-cipher', `${cipher}:@SECLEVEL=0`]);
        assert.equal(r.connected, false, `${cipher} with an RSA certificate`);
      }
    });

    it('accepts over TLS 1.2 exactly the ECDHE AEAD suites of its certificate type, out of every suite OpenSSL knows', async () => {
      assert.ok(ciphers.length > 50, 'the client knows many suites');
      assert.deepEqual(await accepted12(standard, ciphers), ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305']);
      assert.deepEqual(await accepted12(standardRsa, ciphers), ['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-CHACHA20-POLY1305']);
    });

    it('accepts over TLS 1.3 only the AES-GCM and ChaCha20-Poly1305 suites (no CCM)', async () => {
      assert.deepEqual(await accepted13(standard), ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']);
    });

    it('accepts the groups X25519, P-256 and P-384 only', async () => {
      assert.deepEqual(await acceptedGroups(standard, '-tls1_3'), ['P-256', 'P-384', 'X25519']);
      assert.deepEqual(await acceptedGroups(standardRsa, '-tls1_2'), ['P-256', 'P-384', 'X25519']);
    });
  });

  describe('the FIPS endpoint', () => {
    it('refuses TLS 1.0 and 1.1', async () => {
      for (const v of ['-tls1', '-tls1_1']) {
        fips.clientErrors.length = 0;
        const r = await sClient(fips.port, [v, '-cipher', 'DEFAULT:@SECLEVEL=0']);
        assert.equal(r.connected, false, v);
        assert.match(await serverErrors(fips), /unsupported protocol/i, v);
      }
    });

    it('accepts TLS 1.2 and 1.3 with AES-GCM over P-256', async () => {
      const r12 = await sClient(fips.port, ['-tls1_2'], ecdsa.caFile);
      assert.equal(r12.cipher, 'ECDHE-ECDSA-AES128-GCM-SHA256');
      assert.match(r12.tempKey ?? '', /prime256v1|P-256/);
      const r13 = await sClient(fips.port, ['-tls1_3'], ecdsa.caFile);
      assert.equal(r13.protocol, 'TLSv1.3');
      assert.equal(r13.cipher, 'TLS_AES_128_GCM_SHA256');
      assert.match(r13.tempKey ?? '', /prime256v1|P-256/, 'a client preferring X25519 still ends on P-256');
      assert.equal(r13.verification, 'OK');
    });

    it('refuses ChaCha20-Poly1305 over TLS 1.3 and TLS 1.2', async () => {
      fips.clientErrors.length = 0;
      assert.equal((await sClient(fips.port, ['-tls1_3', '-ciphersuites', 'TLS_CHACHA20_POLY1305_SHA256'])).connected, false);
      assert.match(await serverErrors(fips), /no shared cipher|no suitable/i);
      assert.equal((await sClient(fips.port, ['-tls1_2', '-cipher', 'ECDHE-ECDSA-CHACHA20-POLY1305'])).connected, false);
    });

    it('refuses X25519 as the only offered group, where the standard listener accepts it', async () => {
      // TLS 1.2 uses the RSA-certificate servers: an ECDSA P-256 certificate needs P-256 offered anyway.
      for (const [s, v] of [[fips, '-tls1_3'], [fipsRsa, '-tls1_2']] as const) {
        s.clientErrors.length = 0;
        const r = await sClient(s.port, [v, '-groups', 'X25519']);
        assert.equal(r.connected, false, v);
        assert.match(await serverErrors(s), /no shared|no suitable|handshake failure|ffdh|group/i, v);
      }
      assert.equal((await sClient(standard.port, ['-tls1_3', '-groups', 'X25519'])).connected, true);
      assert.equal((await sClient(standardRsa.port, ['-tls1_2', '-groups', 'X25519'])).connected, true);
    });

    it('accepts over TLS 1.2 exactly ECDHE with AES-128/256-GCM, out of every suite OpenSSL knows', async () => {
      assert.deepEqual(await accepted12(fips, ciphers), ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384']);
      assert.deepEqual(await accepted12(fipsRsa, ciphers), ['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384']);
    });

    it('accepts over TLS 1.3 exactly TLS_AES_128_GCM_SHA256 and TLS_AES_256_GCM_SHA384', async () => {
      assert.deepEqual(await accepted13(fips), ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384']);
      assert.deepEqual(await accepted13(fipsRsa), ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384']);
    });

    it('accepts the groups P-256 and P-384 only', async () => {
      assert.deepEqual(await acceptedGroups(fips, '-tls1_3'), ['P-256', 'P-384']);
      assert.deepEqual(await acceptedGroups(fipsRsa, '-tls1_2'), ['P-256', 'P-384']);
    });

    it('refuses SHA-1 and SHA-224 signatures (RSA certificate, TLS 1.2)', async () => {
      assert.equal((await sClient(fipsRsa.port, ['-tls1_2', '-sigalgs', 'RSA+SHA1:RSA+SHA224'])).connected, false);
      assert.equal((await sClient(fipsRsa.port, ['-tls1_2', '-sigalgs', 'RSA+SHA256'])).connected, true);
    });
  });
});
