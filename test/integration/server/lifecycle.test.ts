import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, HeadObjectCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { adminSigner, ROOT, cleanEnv, cofferArgs, initDataDir, startCoffer } from '../harness.js';

const coffer = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, cofferArgs(...args), { cwd: ROOT, encoding: 'utf8', env: cleanEnv(env), timeout: 60_000 });

describe('start-up contract', () => {
  it('init creates a private data directory, prints the credentials once as JSON, and refuses to overwrite it', async () => {
    const base = await mkdtemp(join(tmpdir(), 'coffer-life-'));
    try {
      const dir = join(base, 'data');
      const creds = await initDataDir(dir);
      assert.match(creds.accessKeyId, /^AKIA[A-Z2-7]{16}$/);
      assert.equal(creds.secretAccessKey.length, 40);
      assert.equal((await stat(dir)).mode & 0o777, 0o700);
      assert.equal((await stat(join(dir, 'master.key'))).mode & 0o777, 0o600);
      assert.equal((await stat(join(dir, 'tls', 'server-key.pem'))).mode & 0o777, 0o600);
      assert.ok((await readFile(creds.caCertFile, 'utf8')).startsWith('-----BEGIN CERTIFICATE-----'));
      // The secret is stored sealed, never in plaintext.
      const identity = await readFile(join(dir, 'identity.json'), 'utf8');
      assert.ok(!identity.includes(creds.secretAccessKey));
      const again = coffer(['init', '--data-dir', dir, '--json']);
      assert.notEqual(again.status, 0);
      assert.match(again.stderr, /already an initialised Coffer data directory/);
      assert.equal(again.stdout, '');
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });

  it('stops start-up on a bad setting with a message that names the setting', async () => {
    const base = await mkdtemp(join(tmpdir(), 'coffer-life-'));
    try {
      const r = coffer(['server', '--data-dir', join(base, 'd')], { COFFER_LISTEN: 'not-an-address' });
      assert.equal(r.status, 2);
      assert.match(r.stderr, /COFFER_LISTEN/);
      const typo = coffer(['server', '--data-dir', join(base, 'd')], { COFFER_LISTN: '127.0.0.1:1' });
      assert.equal(typo.status, 2);
      assert.match(typo.stderr, /COFFER_LISTN/);
      await writeFile(join(base, 'c.json'), JSON.stringify({ tls: { minVersion: 'TLSv1.1' } }));
      const file = coffer(['server', '--data-dir', join(base, 'd'), '--config', join(base, 'c.json')]);
      assert.equal(file.status, 2);
      assert.match(file.stderr, /tls\.minVersion/);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });

  it('serve on a fresh directory initialises it first and prints credentials, endpoint and CA', async () => {
    const base = await mkdtemp(join(tmpdir(), 'coffer-life-'));
    const dir = join(base, 'fresh');
    const child = spawn(process.execPath, cofferArgs('server', '--data-dir', dir, '--listen', '127.0.0.1:0'), { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      child.stdout.setEncoding('utf8');
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no start: ${out}`)), 90_000);
        child.stdout.on('data', (d: string) => {
          out += d;
          if (/serving S3 on/.test(out)) {
            clearTimeout(t);
            resolve();
          }
        });
      });
      const key = /Access key ID:\s+(\S+)/.exec(out)?.[1];
      const secret = /Secret access key:\s+(\S+)/.exec(out)?.[1];
      const port = Number(/serving S3 on https:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
      assert.ok(key && secret && port, out);
      assert.match(out, /CA certificate: .*tls\/ca\.pem/);
      const ca = await readFile(join(dir, 'tls', 'ca.pem'), 'utf8');
      const s3 = new S3Client({
        endpoint: `https://localhost:${port}`,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: key, secretAccessKey: secret },
        requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca }) }),
      });
      await s3.send(new CreateBucketCommand({ Bucket: 'fresh-bucket' }));
      assert.equal((await s3.send(new ListBucketsCommand({}))).Buckets?.length, 1);
      s3.destroy();
    } finally {
      child.kill('SIGKILL');
      await rm(base, { recursive: true, force: true });
    }
  });

  it('finishes an in-flight upload on SIGTERM, then exits 0', async () => {
    let c = await startCoffer();
    try {
      const s3 = c.client();
      await s3.send(new CreateBucketCommand({ Bucket: 'graceful' }));
      const body = Buffer.alloc(8 * 1024 * 1024, 7);
      const signer = adminSigner(c);
      const signed = await signer.sign({
        method: 'PUT',
        protocol: 'https:',
        hostname: 'localhost',
        port: c.port,
        path: '/graceful/big',
        query: {},
        headers: { host: `localhost:${c.port}`, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-length': String(body.length) },
      });
      const req = https.request({ host: 'localhost', port: c.port, method: 'PUT', path: '/graceful/big', headers: signed.headers as Record<string, string>, ca: c.ca });
      const response = new Promise<number>((resolve, reject) => {
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
      });
      // Send the headers and the first MiB, so the request is in flight when SIGTERM arrives.
      req.write(body.subarray(0, 1024 * 1024));
      await new Promise<void>((r) => req.once('socket', (sock) => sock.once('secureConnect', () => r())));
      await new Promise((r) => setTimeout(r, 1000));
      c.process.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      req.end(body.subarray(1024 * 1024));
      assert.equal(await response, 200);
      const code = await new Promise<number | null>((r) => (c.process.exitCode !== null ? r(c.process.exitCode) : c.process.once('exit', (x) => r(x))));
      assert.equal(code, 0);
      assert.match(c.stdout(), /SIGTERM received/);
      c = await c.restart();
      const head = await c.client().send(new HeadObjectCommand({ Bucket: 'graceful', Key: 'big' }));
      assert.equal(head.ContentLength, body.length);
    } finally {
      await c.dispose();
    }
  });

  it('closes a stalled upload after the idle timeout and stores nothing', async () => {
    const c = await startCoffer({ env: { COFFER_LIMITS_IDLE_TIMEOUT_MS: '1500' } });
    try {
      const s3 = c.client();
      await s3.send(new CreateBucketCommand({ Bucket: 'stalled' }));
      const signer = adminSigner(c);
      const signed = await signer.sign({
        method: 'PUT',
        protocol: 'https:',
        hostname: 'localhost',
        port: c.port,
        path: '/stalled/obj',
        query: {},
        headers: { host: `localhost:${c.port}`, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-length': '1000000' },
      });
      const req = https.request({ host: 'localhost', port: c.port, method: 'PUT', path: '/stalled/obj', headers: signed.headers as Record<string, string>, ca: c.ca });
      const outcome = new Promise<string>((resolve) => {
        req.on('response', (res) => resolve(`status ${res.statusCode}`));
        req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      });
      req.write(Buffer.alloc(1000, 1)); // then stall: the remaining 999000 bytes never come
      const result = await outcome;
      assert.ok(!result.startsWith('status 2'), result);
      req.destroy();
      await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: 'stalled', Key: 'obj' })), /NotFound/);
    } finally {
      await c.dispose();
    }
  });

  it('serves plain HTTP only with --insecure-http, and says so', async () => {
    const c = await startCoffer({ extraArgs: ['--insecure-http'] });
    try {
      assert.match(c.stdout(), /WARNING: plain HTTP/);
      assert.ok(c.endpoint.startsWith('http://'));
      const s3 = new S3Client({ endpoint: c.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey } });
      await s3.send(new ListBucketsCommand({}));
      s3.destroy();
    } finally {
      await c.dispose();
    }
  });
});
