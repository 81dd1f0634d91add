import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import tls from 'node:tls';
import { createHash } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { adminSigner, bodyText, startCoffer, type Coffer } from '../harness.js';
import { signChunkedBody, signRequest } from '../../../src/auth/index.js';
import { createHasher } from '../../../src/objects/checksums/index.js';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function request(coffer: Coffer, opts: { method: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: 'localhost', port: coffer.port, method: opts.method, path: opts.path, headers: opts.headers, ca: coffer.ca }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

async function signed(coffer: Coffer, opts: { method: string; path: string; query?: Record<string, string>; headers?: Record<string, string>; body?: string }): Promise<RawResponse> {
  const signer = adminSigner(coffer);
  const body = opts.body ?? '';
  const req = await signer.sign({
    method: opts.method,
    protocol: 'https:',
    hostname: 'localhost',
    port: coffer.port,
    path: opts.path,
    query: opts.query ?? {},
    headers: { host: `localhost:${coffer.port}`, 'x-amz-content-sha256': createHash('sha256').update(body).digest('hex'), ...(opts.headers ?? {}) },
    body,
  });
  const qs = new URLSearchParams(opts.query ?? {}).toString();
  return request(coffer, { method: opts.method, path: opts.path + (qs ? `?${qs}` : ''), headers: req.headers as Record<string, string>, body });
}

describe('S3 protocol edges: anonymous access, presigned URLs, errors, TLS', () => {
  let coffer: Coffer;
  let s3: S3Client;
  before(async () => {
    coffer = await startCoffer();
    s3 = coffer.client();
    await s3.send(new CreateBucketCommand({ Bucket: 'proto' }));
    await s3.send(new PutObjectCommand({ Bucket: 'proto', Key: 'obj.txt', Body: 'presigned content' }));
  });
  after(async () => coffer.dispose());

  it('denies anonymous requests with S3 error XML and a request id', async () => {
    const r = await request(coffer, { method: 'GET', path: '/proto/obj.txt' });
    assert.equal(r.status, 403);
    assert.match(r.body, /<Code>AccessDenied<\/Code>/);
    assert.match(r.body, /<RequestId>[0-9A-F]+<\/RequestId>/);
    assert.ok(r.headers['x-amz-request-id']);
  });

  it('serves a presigned GET and accepts a presigned PUT', async () => {
    const getUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'proto', Key: 'obj.txt' }), { expiresIn: 300 });
    const u = new URL(getUrl);
    const r = await request(coffer, { method: 'GET', path: u.pathname + u.search });
    assert.equal(r.status, 200);
    assert.equal(r.body, 'presigned content');
    const putUrl = await getSignedUrl(s3, new PutObjectCommand({ Bucket: 'proto', Key: 'uploaded.txt' }), { expiresIn: 300 });
    const pu = new URL(putUrl);
    const w = await request(coffer, { method: 'PUT', path: pu.pathname + pu.search, body: 'via presigned put' });
    assert.equal(w.status, 200, w.body);
    assert.equal(await bodyText((await s3.send(new GetObjectCommand({ Bucket: 'proto', Key: 'uploaded.txt' }))).Body), 'via presigned put');
  });

  it('refuses a tampered presigned URL', async () => {
    const getUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'proto', Key: 'obj.txt' }), { expiresIn: 300 });
    const u = new URL(getUrl);
    const r = await request(coffer, { method: 'GET', path: u.pathname.replace('obj.txt', 'uploaded.txt') + u.search });
    assert.equal(r.status, 403);
    assert.match(r.body, /SignatureDoesNotMatch/);
  });

  it('refuses presigned URLs valid for more than 7 days', async () => {
    const getUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'proto', Key: 'obj.txt' }), { expiresIn: 300 });
    const u = new URL(getUrl);
    u.searchParams.set('X-Amz-Expires', String(8 * 24 * 3600));
    const r = await request(coffer, { method: 'GET', path: u.pathname + u.search });
    assert.ok(r.status === 400 || r.status === 403, r.body);
  });

  it('answers 501 NotImplemented for S3 operations Coffer does not implement', async () => {
    const r = await signed(coffer, { method: 'GET', path: '/proto', query: { acl: '' } });
    assert.equal(r.status, 501);
    assert.match(r.body, /<Code>NotImplemented<\/Code>/);
  });

  it('answers MalformedXML for a broken control body and changes nothing', async () => {
    const r = await signed(coffer, { method: 'PUT', path: '/proto', query: { versioning: '' }, body: '<VersioningConfiguration><Status>Enabled' });
    assert.equal(r.status, 400);
    assert.match(r.body, /MalformedXML/);
    const v = await signed(coffer, { method: 'GET', path: '/proto', query: { versioning: '' } });
    assert.doesNotMatch(v.body, /Enabled/);
  });

  it('refuses XML with a DOCTYPE (no entity expansion)', async () => {
    const body = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Tagging><TagSet><Tag><Key>&a;</Key><Value>v</Value></Tag></TagSet></Tagging>';
    const r = await signed(coffer, { method: 'PUT', path: '/proto', query: { tagging: '' }, body });
    assert.equal(r.status, 400);
  });

  it('rejects a body that does not match x-amz-content-sha256', async () => {
    const signer = adminSigner(coffer);
    const req = await signer.sign({
      method: 'PUT',
      protocol: 'https:',
      hostname: 'localhost',
      port: coffer.port,
      path: '/proto/sha-mismatch',
      query: {},
      headers: { host: `localhost:${coffer.port}`, 'x-amz-content-sha256': createHash('sha256').update('expected').digest('hex') },
    });
    const r = await request(coffer, { method: 'PUT', path: '/proto/sha-mismatch', headers: req.headers as Record<string, string>, body: 'different' });
    assert.equal(r.status, 400);
    assert.match(r.body, /XAmzContentSHA256Mismatch/);
    const head = await signed(coffer, { method: 'HEAD', path: '/proto/sha-mismatch' });
    assert.equal(head.status, 404);
  });

  it('rejects requests whose clock is more than 15 minutes off with RequestTimeTooSkewed', async () => {
    const signer = adminSigner(coffer);
    const req = await signer.sign(
      { method: 'GET', protocol: 'https:', hostname: 'localhost', port: coffer.port, path: '/', query: {}, headers: { host: `localhost:${coffer.port}`, 'x-amz-content-sha256': createHash('sha256').update('').digest('hex') } },
      { signingDate: new Date(Date.now() - 20 * 60_000) },
    );
    const r = await request(coffer, { method: 'GET', path: '/', headers: req.headers as Record<string, string> });
    assert.equal(r.status, 403);
    assert.match(r.body, /RequestTimeTooSkewed/);
  });

  for (const withTrailer of [false, true]) {
    const mode = withTrailer ? 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' : 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
    it(`accepts ${mode} uploads (chunk signatures checked while streaming) and refuses a tampered chunk`, async () => {
      const chunks = [Buffer.alloc(65536, 'a'), Buffer.alloc(65536, 'b'), Buffer.alloc(1000, 'c')];
      const data = Buffer.concat(chunks);
      const crc = createHasher('CRC32');
      crc.update(data);
      const trailers = withTrailer ? { 'x-amz-checksum-crc32': crc.digest().toString('base64') } : undefined;
      const key = `chunked-${withTrailer ? 'trailer' : 'plain'}`;
      const put = (tamper: boolean) => {
        const headers: Record<string, string> = {
          host: `localhost:${coffer.port}`,
          'content-encoding': 'aws-chunked',
          'x-amz-decoded-content-length': String(data.length),
          ...(withTrailer ? { 'x-amz-trailer': 'x-amz-checksum-crc32' } : {}),
        };
        const signed = signRequest({
          method: 'PUT',
          rawPath: `/proto/${key}`,
          headers,
          credentials: { accessKeyId: coffer.accessKeyId, secretAccessKey: coffer.secretAccessKey },
          region: 'us-east-1',
          date: Date.now(),
          payloadHash: mode,
        });
        const framed = signChunkedBody({ signature: signed.signature, signingKey: signed.signingKey, scope: signed.scope, amzDate: signed.amzDate }, chunks, trailers);
        const body = Buffer.from(framed.body);
        if (tamper) body[200] = body[200]! ^ 1;
        const sendHeaders = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));
        return request(coffer, { method: 'PUT', path: `/proto/${key}`, headers: { ...sendHeaders, 'content-length': String(body.length) }, body });
      };
      const bad = await put(true);
      assert.equal(bad.status, 403, bad.body);
      assert.match(bad.body, /SignatureDoesNotMatch/);
      assert.equal((await signed(coffer, { method: 'HEAD', path: `/proto/${key}` })).status, 404, 'a rejected upload leaves nothing');
      const ok = await put(false);
      assert.equal(ok.status, 200, ok.body);
      const got = await s3.send(new GetObjectCommand({ Bucket: 'proto', Key: key, ChecksumMode: 'ENABLED' }));
      assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(data));
      assert.equal(got.ContentEncoding, undefined, 'aws-chunked is transfer framing, not stored');
      if (withTrailer) assert.equal(got.ChecksumCRC32, trailers!['x-amz-checksum-crc32']);
    });
  }

  it('negotiates TLS 1.3 and refuses TLS 1.1', async () => {
    const version = await new Promise<string | null>((resolve, reject) => {
      const s = tls.connect({ host: '127.0.0.1', port: coffer.port, servername: 'localhost', ca: coffer.ca }, () => {
        resolve(s.getProtocol());
        s.end();
      });
      s.on('error', reject);
    });
    assert.equal(version, 'TLSv1.3');
    const old = await new Promise<string>((resolve) => {
      const s = tls.connect({ host: '127.0.0.1', port: coffer.port, servername: 'localhost', ca: coffer.ca, minVersion: 'TLSv1', maxVersion: 'TLSv1.1' }, () => resolve('connected'));
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    assert.notEqual(old, 'connected');
  });

  it('does not answer plain HTTP on the TLS port', async () => {
    const http = await import('node:http');
    const outcome = await new Promise<string>((resolve) => {
      const req = http.request({ host: '127.0.0.1', port: coffer.port, path: '/', method: 'GET' }, (res) => resolve(`status ${res.statusCode}`));
      req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      req.end();
    });
    assert.ok(!outcome.startsWith('status 2'), outcome);
  });
});
