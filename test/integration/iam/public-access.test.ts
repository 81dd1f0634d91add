/**
 * Anonymous access and Block Public Access at both levels (bucket: PutPublicAccessBlock;
 * account: S3 Control, driven with `aws s3control ... --endpoint-url`), as AWS documents them:
 * all four settings on by default at both levels; BlockPublicPolicy refuses new public policies
 * but leaves a stored one in force; RestrictPublicBuckets makes a public policy grant nothing to
 * anonymous callers; a policy pinned to a network (aws:SourceIp) is not public.
 *
 * The AWS CLI sends S3 Control requests to <account-id>.<endpoint host>; a small forward proxy
 * (HTTP_PROXY) takes them to the server, which routes them path-style.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetBucketPolicyStatusCommand,
  GetObjectCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { adminSigner, bodyText, startCoffer, type Coffer } from '../harness.js';

const AWS = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';
const policy = (...Statement: Record<string, unknown>[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const OFF = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };
const settingsArg = (s: Record<string, boolean>) => Object.entries(s).map(([k, v]) => `${k}=${v}`).join(',');

describe('anonymous access under Block Public Access (bucket and account)', () => {
  let coffer: Coffer;
  let admin: S3Client;
  let accountId = '';
  let proxy: http.Server;
  let proxyUrl = '';

  /** An unsigned request, as a browser or curl sends it. */
  const anonymous = (method: string, path: string, body?: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: coffer.port, method, path, headers: body === undefined ? {} : { 'content-length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject).end(body);
    });

  const s3control = (...args: string[]) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const child = spawn(AWS, ['--endpoint-url', coffer.endpoint, '--output', 'json', 's3control', ...args, '--account-id', accountId], {
        env: { ...coffer.cliEnv(), HTTP_PROXY: proxyUrl, http_proxy: proxyUrl, NO_PROXY: '', AWS_MAX_ATTEMPTS: '1' },
      });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code !== 0) reject(new Error(`aws s3control ${args.join(' ')} exited ${code}: ${err}`));
        else resolve(out.trim() ? (JSON.parse(out) as Record<string, unknown>) : {});
      });
    });

  const accountSettings = async () => ((await s3control('get-public-access-block')) as { PublicAccessBlockConfiguration: Record<string, boolean> }).PublicAccessBlockConfiguration;
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => assert.fail('the request succeeded'),
      (e: unknown) => {
        assert.ok(e instanceof S3ServiceException, String(e));
        return e;
      },
    );
  const publicRead = policy({ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::site/*' });

  before(async () => {
    coffer = await startCoffer({ extraArgs: ['--insecure-http'] });
    accountId = (JSON.parse(await readFile(join(coffer.dataDir, 'identity.json'), 'utf8')) as { accountId: string }).accountId;
    admin = coffer.client();
    await admin.send(new CreateBucketCommand({ Bucket: 'site' }));
    await admin.send(new PutObjectCommand({ Bucket: 'site', Key: 'index.html', Body: '<h1>hello</h1>' }));
    await admin.send(new CreateBucketCommand({ Bucket: 'private' }));
    await admin.send(new PutObjectCommand({ Bucket: 'private', Key: 'a.txt', Body: 'a' }));
    // Forward proxy: absolute-form requests for <account>.localhost:PORT go to the server, Host kept (it is signed).
    proxy = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/');
      const upstream = http.request({ host: '127.0.0.1', port: coffer.port, method: req.method, path: url.pathname + url.search, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((r) => proxy?.close(() => r()));
    await coffer?.dispose();
  });

  it('refuses anonymous requests by default: no bucket policy, every setting on at both levels', async () => {
    assert.equal((await anonymous('GET', '/site/index.html')).status, 403);
    assert.deepEqual(await accountSettings(), { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    // A public policy is refused while either level blocks public policies: the bucket level first ...
    assert.equal((await failure(admin.send(new PutBucketPolicyCommand({ Bucket: 'site', Policy: publicRead })))).name, 'AccessDenied');
  });

  it('grants anonymous GetObject through a public-read bucket policy only after both levels are turned off', async () => {
    await admin.send(new PutPublicAccessBlockCommand({ Bucket: 'site', PublicAccessBlockConfiguration: OFF }));
    // ... and still the account level.
    const e = await failure(admin.send(new PutBucketPolicyCommand({ Bucket: 'site', Policy: publicRead })));
    assert.equal(e.name, 'AccessDenied');
    assert.match(e.message, /BlockPublicPolicy/);
    assert.equal((await anonymous('GET', '/site/index.html')).status, 403);

    await s3control('put-public-access-block', '--public-access-block-configuration', settingsArg(OFF));
    assert.deepEqual(await accountSettings(), OFF);
    await admin.send(new PutBucketPolicyCommand({ Bucket: 'site', Policy: publicRead }));
    assert.equal((await admin.send(new GetBucketPolicyStatusCommand({ Bucket: 'site' }))).PolicyStatus?.IsPublic, true);

    const got = await anonymous('GET', '/site/index.html');
    assert.equal(got.status, 200);
    assert.equal(got.body, '<h1>hello</h1>');
    // Only what the policy grants: no writes, no listing, no other bucket.
    assert.equal((await anonymous('PUT', '/site/defaced.html', 'x')).status, 403);
    assert.equal((await anonymous('GET', '/site?list-type=2')).status, 403);
    assert.equal((await anonymous('GET', '/private/a.txt')).status, 403);
    assert.equal((await anonymous('GET', '/')).status, 403);
  });

  it('stops anonymous access through a public policy when RestrictPublicBuckets is on at either level (IAM users of the account keep theirs)', async () => {
    await s3control('put-public-access-block', '--public-access-block-configuration', settingsArg({ ...OFF, RestrictPublicBuckets: true }));
    assert.equal((await anonymous('GET', '/site/index.html')).status, 403);
    assert.equal(await bodyText((await admin.send(new GetObjectCommand({ Bucket: 'site', Key: 'index.html' }))).Body), '<h1>hello</h1>');
    await s3control('put-public-access-block', '--public-access-block-configuration', settingsArg(OFF));
    await admin.send(new PutPublicAccessBlockCommand({ Bucket: 'site', PublicAccessBlockConfiguration: { ...OFF, RestrictPublicBuckets: true } }));
    assert.equal((await anonymous('GET', '/site/index.html')).status, 403);
    await admin.send(new PutPublicAccessBlockCommand({ Bucket: 'site', PublicAccessBlockConfiguration: OFF }));
    assert.equal((await anonymous('GET', '/site/index.html')).status, 200);
  });

  it('refuses new public policies once BlockPublicPolicy is back on, but leaves the stored one in force', async () => {
    await s3control('put-public-access-block', '--public-access-block-configuration', settingsArg({ ...OFF, BlockPublicPolicy: true }));
    const again = policy({ Sid: 'PublicReadAgain', Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::site/*' });
    assert.equal((await failure(admin.send(new PutBucketPolicyCommand({ Bucket: 'site', Policy: again })))).name, 'AccessDenied');
    assert.equal((await anonymous('GET', '/site/index.html')).status, 200);
  });

  it('resets the account to all-on with delete-public-access-block, which blocks the public policy again', async () => {
    await s3control('delete-public-access-block');
    assert.deepEqual(await accountSettings(), { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    assert.equal((await anonymous('GET', '/site/index.html')).status, 403);
  });

  it('lets anonymous callers from a named network through a policy pinned by aws:SourceIp, which is not public', async () => {
    const pinned = (cidr: string) => policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::private/*', Condition: { IpAddress: { 'aws:SourceIp': cidr } } });
    await admin.send(new PutBucketPolicyCommand({ Bucket: 'private', Policy: pinned('10.0.0.0/8') }));
    assert.equal((await admin.send(new GetBucketPolicyStatusCommand({ Bucket: 'private' }))).PolicyStatus?.IsPublic, false);
    assert.equal((await anonymous('GET', '/private/a.txt')).status, 403);
    await admin.send(new PutBucketPolicyCommand({ Bucket: 'private', Policy: pinned('127.0.0.0/8') }));
    assert.equal((await anonymous('GET', '/private/a.txt')).status, 200);
  });

  it('serves the account settings path-style and refuses another account id', async () => {
    const signer = adminSigner(coffer);
    const send = async (accountHeader: string) => {
      const signed = await signer.sign({
        method: 'GET',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: coffer.port,
        path: '/v20180820/configuration/publicAccessBlock',
        query: {},
        headers: { host: `127.0.0.1:${coffer.port}`, 'x-amz-account-id': accountHeader, 'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
      });
      return new Promise<{ status: number; body: string }>((resolve, reject) => {
        http
          .request({ host: '127.0.0.1', port: coffer.port, method: 'GET', path: signed.path, headers: signed.headers }, (res) => {
            let text = '';
            res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          })
          .on('error', reject)
          .end();
      });
    };
    const ok = await send(accountId);
    assert.equal(ok.status, 200);
    assert.match(ok.body, /<RestrictPublicBuckets>true<\/RestrictPublicBuckets>/);
    const other = await send(accountId === '111111111111' ? '222222222222' : '111111111111');
    assert.equal(other.status, 403);
    assert.match(other.body, /AccessDenied/);
  });
});
