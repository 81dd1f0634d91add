// The FIPS endpoint of a real server (fips.mode endpoint): a second listener whose TLS offers only
// FIPS-approved suites (seen by Debian's openssl s_client), which serves the same S3 API to the AWS
// SDK under its own host name; strict mode refuses to start without the OpenSSL FIPS provider;
// coffer doctor reports the mode.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { getFips } from 'node:crypto';
import { lookup as dnsLookup } from 'node:dns';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import https from 'node:https';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { bodyText, cleanEnv, cofferArgs, initDataDir, ROOT, startCoffer, type Coffer } from '../harness.js';
import { acceptedOutOf, allTls12Ciphers, groupOf, sClient } from './openssl-fixtures.js';

const FIPS_HOST = 's3-fips.localhost';
const FIPS_ENV = { COFFER_FIPS_MODE: 'endpoint', COFFER_FIPS_LISTEN: '127.0.0.1:0', COFFER_FIPS_SERVER_NAMES: FIPS_HOST };
const TLS13_SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_CCM_SHA256', 'TLS_AES_128_CCM_8_SHA256'];
const GROUPS = ['X25519', 'X448', 'P-256', 'P-384', 'P-521', 'ffdhe2048', 'ffdhe3072'];

/** An agent that resolves every name to 127.0.0.1 (s3-fips.localhost need not be in /etc/hosts) and keeps its sockets. */
function loopbackAgent(ca: string, options: https.AgentOptions = {}) {
  const sockets: TLSSocket[] = [];
  const lookup: typeof dnsLookup = ((_host: string, opts: unknown, cb?: unknown) => {
    const callback = (typeof opts === 'function' ? opts : cb) as (...a: unknown[]) => void;
    const all = typeof opts === 'object' && opts !== null && (opts as { all?: boolean }).all;
    if (all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
  }) as typeof dnsLookup;
  const agent = new https.Agent({ ca, keepAlive: true, lookup, ...options });
  const create = (agent as unknown as { createConnection: (...a: unknown[]) => Socket }).createConnection.bind(agent);
  (agent as unknown as { createConnection: (...a: unknown[]) => Socket }).createConnection = (...a: unknown[]) => {
    const s = create(...a) as TLSSocket;
    sockets.push(s);
    return s;
  };
  return { agent, sockets };
}

describe('the FIPS endpoint of a running server', { timeout: 240_000 }, () => {
  let coffer: Coffer;
  let port: number;

  before(async () => {
    coffer = await startCoffer({ env: FIPS_ENV });
    assert.ok(coffer.fipsPort !== null, `the server reports its FIPS endpoint:\n${coffer.stdout()}`);
    port = coffer.fipsPort;
  });
  after(async () => {
    await coffer?.dispose();
  });

  it('listens on its own port, under its own host name in the certificate', async () => {
    assert.notEqual(port, coffer.port);
    const r = await sClient(port, ['-servername', FIPS_HOST, '-verify_hostname', FIPS_HOST], coffer.caCertFile);
    assert.equal(r.verification, 'OK', r.output);
  });

  it('says plainly that endpoint mode does not make Coffer a validated module', { skip: getFips() === 1 && 'provider active: logged at info' }, () => {
    assert.match(coffer.stderr(), /FIPS endpoint: endpoint\. .*does not make Coffer or Node a FIPS 140 validated module/);
  });

  it('refuses TLS 1.0 and 1.1', async () => {
    for (const v of ['-tls1', '-tls1_1']) {
      const r = await sClient(port, [v, '-cipher', 'DEFAULT:@SECLEVEL=0']);
      assert.equal(r.connected, false, v);
      assert.doesNotMatch(r.output, /no protocols available/, `the client did offer ${v}`);
    }
  });

  it('accepts over TLS 1.3 exactly TLS_AES_128_GCM_SHA256 and TLS_AES_256_GCM_SHA384 (no ChaCha20, no CCM), where the main endpoint also offers ChaCha20', async () => {
    const accepted = await acceptedOutOf(TLS13_SUITES, async (list) => (await sClient(port, ['-servername', FIPS_HOST, '-tls1_3', '-ciphersuites', list.join(':')])).cipher);
    assert.deepEqual(accepted, ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384']);
    assert.equal((await sClient(coffer.port, ['-tls1_3', '-ciphersuites', 'TLS_CHACHA20_POLY1305_SHA256'])).cipher, 'TLS_CHACHA20_POLY1305_SHA256');
  });

  it('accepts over TLS 1.2 only ECDHE with AES-GCM, out of every suite OpenSSL knows', async () => {
    const ciphers = await allTls12Ciphers();
    assert.ok(ciphers.length > 50);
    const accepted = await acceptedOutOf(ciphers, async (list) => (await sClient(port, ['-servername', FIPS_HOST, '-tls1_2', '-cipher', `${list.join(':')}:@SECLEVEL=0`])).cipher);
    // The generated certificate is ECDSA P-256, so the ECDHE-ECDSA half of the policy is what shows.
    assert.deepEqual(accepted, ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384']);
  });

  it('refuses X25519 as the only group and accepts P-256 and P-384, nothing else', async () => {
    const x25519 = await sClient(port, ['-servername', FIPS_HOST, '-tls1_3', '-groups', 'X25519']);
    assert.equal(x25519.connected, false);
    const p256 = await sClient(port, ['-servername', FIPS_HOST, '-tls1_3', '-groups', 'P-256']);
    assert.equal(groupOf(p256.tempKey), 'P-256');
    const accepted = await acceptedOutOf(GROUPS, async (list) => groupOf((await sClient(port, ['-servername', FIPS_HOST, '-tls1_3', '-groups', list.join(':')])).tempKey));
    assert.deepEqual(accepted, ['P-256', 'P-384']);
    assert.equal((await sClient(coffer.port, ['-tls1_3', '-groups', 'X25519'])).connected, true, 'the main endpoint keeps X25519');
  });

  it('serves PutObject and GetObject to the AWS SDK at https://s3-fips.localhost over an approved suite, sharing data with the main endpoint', async () => {
    const { agent, sockets } = loopbackAgent(coffer.ca);
    const fips = new S3Client({
      endpoint: `https://${FIPS_HOST}:${port}`,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: coffer.accessKeyId, secretAccessKey: coffer.secretAccessKey },
      requestHandler: new NodeHttpHandler({ httpsAgent: agent }),
    });
    try {
      await fips.send(new CreateBucketCommand({ Bucket: 'fips-bucket' }));
      await fips.send(new PutObjectCommand({ Bucket: 'fips-bucket', Key: 'k.txt', Body: 'over the FIPS endpoint' }));
      const got = await fips.send(new GetObjectCommand({ Bucket: 'fips-bucket', Key: 'k.txt' }));
      assert.equal(await bodyText(got.Body), 'over the FIPS endpoint');
      assert.ok(sockets.length > 0);
      for (const s of sockets) {
        assert.equal(s.servername, FIPS_HOST);
        assert.match(s.getCipher()?.standardName ?? s.getCipher()?.name ?? '', /^TLS_AES_(128_GCM_SHA256|256_GCM_SHA384)$/);
        assert.ok(s.getEphemeralKeyInfo() === null || /^(prime256v1|secp384r1)$/.test(String((s.getEphemeralKeyInfo() as { name?: string }).name)), 'NIST curve');
      }
      const main = coffer.client();
      assert.equal(await bodyText((await main.send(new GetObjectCommand({ Bucket: 'fips-bucket', Key: 'k.txt' }))).Body), 'over the FIPS endpoint');
    } finally {
      fips.destroy();
      agent.destroy();
    }
  });

  it('is reported by coffer doctor with its mode, address and the certificate covering its host name', () => {
    const env = cleanEnv({ ...FIPS_ENV, COFFER_FIPS_LISTEN: '127.0.0.1:9443' });
    const r = spawnSync(process.execPath, cofferArgs('doctor', '--data-dir', coffer.dataDir, '--json'), { cwd: ROOT, encoding: 'utf8', env });
    const report = JSON.parse(r.stdout) as { tls: { fips: { mode: string; providerActive: boolean; summary: string } }; fipsEndpoint: string | null; warnings: string[] };
    assert.equal(report.tls.fips.mode, 'endpoint');
    assert.equal(report.tls.fips.providerActive, getFips() === 1);
    assert.equal(report.fipsEndpoint, '127.0.0.1:9443');
    assert.match(report.tls.fips.summary, /not make Coffer or Node a FIPS 140 validated module/);
    assert.ok(!report.warnings.some((w) => w.includes(FIPS_HOST)), `certificate covers ${FIPS_HOST}: ${report.warnings.join('; ')}`);
    // Text form, with a FIPS name the certificate lacks.
    const text = spawnSync(process.execPath, cofferArgs('doctor', '--data-dir', coffer.dataDir), { cwd: ROOT, encoding: 'utf8', env: { ...env, COFFER_FIPS_SERVER_NAMES: 's3-fips.example.test' } });
    assert.equal(text.status, 1);
    assert.match(text.stdout, /FIPS +mode endpoint; provider (not )?active; endpoint 127\.0\.0\.1:9443/);
    assert.match(text.stdout, /does not cover the configured name s3-fips\.example\.test/);
  });
});

describe('fips strict', { timeout: 120_000 }, () => {
  it('refuses to start without the OpenSSL FIPS provider and says what to do', { skip: getFips() === 1 && 'the provider is active here' }, async () => {
    const root = await mkdtemp(join(tmpdir(), 'coffer-fips-strict-'));
    try {
      const dataDir = join(root, 'data');
      const fresh = spawnSync(process.execPath, cofferArgs('server', '--data-dir', join(root, 'fresh'), '--listen', '127.0.0.1:0'), {
        cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: cleanEnv({ COFFER_FIPS_MODE: 'strict', COFFER_FIPS_LISTEN: '127.0.0.1:0' }),
      });
      assert.notEqual(fresh.status, 0);
      assert.match(fresh.stderr, /--enable-fips/);
      assert.equal(existsSync(join(root, 'fresh')), false, 'no data directory was created');
      await initDataDir(dataDir);
      const r = spawnSync(process.execPath, cofferArgs('server', '--data-dir', dataDir, '--listen', '127.0.0.1:0'), {
        cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: cleanEnv({ COFFER_FIPS_MODE: 'strict', COFFER_FIPS_LISTEN: '127.0.0.1:0' }),
      });
      assert.notEqual(r.status, 0);
      assert.equal(r.signal, null, 'it exits by itself');
      assert.doesNotMatch(r.stdout, /serving S3/);
      assert.match(r.stderr, /fips is "strict" but Node's OpenSSL FIPS provider is not active/);
      assert.match(r.stderr, /--enable-fips/);
      assert.match(r.stderr, /set fips to "endpoint"/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
