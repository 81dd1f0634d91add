// Interoperability with the real AWS SDK for JavaScript v3 (default settings, flexible checksums on):
// a loopback HTTP server verifies what @aws-sdk/client-s3 and @aws-sdk/s3-request-presigner send.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { isCofferError, systemClock } from '../../shared/index.js';
import { createPayloadVerifier } from './payload-verifier.js';
import { createSigningKeyCache } from './signing-key.js';
import type { AuthenticatedRequest } from './types.js';
import { verifyRequest } from './verify-request.js';

const KEY = { accessKeyId: 'AKIACOFFERINTEROP001', secretAccessKey: 'interop/Secret+Key/0123456789abcdefghijkl' };

interface Seen {
  auth?: AuthenticatedRequest;
  error?: string;
  body?: Buffer;
  trailers?: Record<string, string>;
  headers: IncomingMessage['headersDistinct'];
  url: string;
}

const seen: Seen[] = [];
const cache = createSigningKeyCache();
let server: Server;
let endpoint: string;

async function handle(req: IncomingMessage): Promise<{ status: number; body: string; headers?: Record<string, string> }> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const record: Seen = { headers: req.headersDistinct, url };
  seen.push(record);
  try {
    const auth = await verifyRequest(
      { method: req.method ?? 'GET', rawPath: q === -1 ? url : url.slice(0, q), rawQuery: q === -1 ? '' : url.slice(q + 1), headers: req.headersDistinct },
      {
        findSecret: async (akid) => (akid === KEY.accessKeyId ? { secretAccessKey: KEY.secretAccessKey, principal: 'interop' } : null),
        region: 'us-east-1',
        clock: systemClock,
        signingKeyCache: cache,
      },
    );
    record.auth = auth;
    const verifier = createPayloadVerifier(auth.payload);
    const parts: Buffer[] = [];
    await pipeline(req, verifier, async function* (src: AsyncIterable<Buffer>) {
      for await (const b of src) parts.push(b);
    });
    record.body = Buffer.concat(parts);
    record.trailers = verifier.trailers();
  } catch (err) {
    req.resume();
    record.error = isCofferError(err) ? err.code : String(err);
    return { status: 403, body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>${record.error}</Message></Error>` };
  }
  if (req.method === 'GET' && url.includes('list-type=2')) {
    return {
      status: 200,
      headers: { 'content-type': 'application/xml' },
      body: '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>bucket</Name><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>',
    };
  }
  if (req.method === 'GET') return { status: 200, body: 'hello', headers: { 'content-type': 'text/plain', etag: '"5d41402abc4b2a76b9719d911017c592"' } };
  return { status: 200, body: '', headers: { etag: '"0"' } };
}

before(async () => {
  server = createServer((req, res) => {
    handle(req).then(
      (r) => {
        res.writeHead(r.status, r.headers);
        res.end(r.body);
      },
      (e) => {
        res.writeHead(500);
        res.end(String(e));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function client(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = KEY): S3Client {
  return new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials, maxAttempts: 1 });
}

const last = (): Seen => seen.at(-1)!;

describe('verifyRequest with @aws-sdk/client-s3 v3 (default settings)', () => {
  it('accepts a PutObject with a buffered body and verifies the body hash', async () => {
    const s3 = client();
    const body = Buffer.from('buffered body for interop');
    await s3.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'dir/buffered.txt', Body: body }));
    assert.equal(last().error, undefined);
    assert.ok(last().body!.equals(body));
    assert.ok(['sha256', 'unsigned', 'streaming-unsigned-trailer'].includes(last().auth!.payload.kind));
    s3.destroy();
  });

  it('accepts a streaming PutObject (aws-chunked, STREAMING-UNSIGNED-PAYLOAD-TRAILER) and exposes the checksum trailer', async () => {
    const s3 = client();
    const body = Buffer.alloc(300_000, 'z');
    await s3.send(
      new PutObjectCommand({ Bucket: 'bucket', Key: 'stream.bin', Body: Readable.from([body.subarray(0, 100_000), body.subarray(100_000)]), ContentLength: body.length }),
    );
    const s = last();
    assert.equal(s.error, undefined);
    assert.equal(s.auth!.payload.kind, 'streaming-unsigned-trailer');
    assert.ok(s.body!.equals(body));
    assert.deepEqual(Object.keys(s.trailers!), ['x-amz-checksum-crc32']);
    s3.destroy();
  });

  it('accepts GetObject for keys with characters that need encoding', async () => {
    const s3 = client();
    for (const Key of ["dir/a b+c%ü~!*'()$&=,;:@.txt", 'x//y/./z/../w', 'ключ/日本語']) {
      const r = await s3.send(new GetObjectCommand({ Bucket: 'bucket', Key }));
      assert.equal(await r.Body!.transformToString(), 'hello');
      assert.equal(last().error, undefined, Key);
    }
    s3.destroy();
  });

  it('accepts ListObjectsV2 with query parameters that need encoding', async () => {
    const s3 = client();
    await s3.send(new ListObjectsV2Command({ Bucket: 'bucket', Prefix: 'a b/ü+=&', Delimiter: '/', StartAfter: '~x*' }));
    assert.equal(last().error, undefined);
    s3.destroy();
  });

  it('passes session credentials through as sessionToken', async () => {
    const s3 = client({ ...KEY, sessionToken: 'FwoGZXIvYXdzEXAMPLE/token+==' });
    await s3.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'k' }));
    assert.equal(last().auth!.sessionToken, 'FwoGZXIvYXdzEXAMPLE/token+==');
    s3.destroy();
  });

  it('rejects requests signed with the wrong secret or an unknown key', async () => {
    const bad = client({ accessKeyId: KEY.accessKeyId, secretAccessKey: 'wrong' });
    await assert.rejects(bad.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'k' })));
    assert.equal(last().error, 'auth.signature_mismatch');
    bad.destroy();
    const unknown = client({ accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'x' });
    await assert.rejects(unknown.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'k' })));
    assert.equal(last().error, 'auth.invalid_access_key');
    unknown.destroy();
  });
});

describe('verifyRequest with @aws-sdk/s3-request-presigner', () => {
  it('accepts a presigned GET fetched without any SDK', async () => {
    const s3 = client();
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'bucket', Key: 'dir/pre signed ü.txt' }), { expiresIn: 300 });
    const r = await fetch(url);
    assert.equal(r.status, 200);
    assert.equal(await r.text(), 'hello');
    assert.equal(last().auth!.method, 'presigned');
    assert.deepEqual(last().auth!.payload, { kind: 'unsigned' });
    s3.destroy();
  });

  it('accepts a presigned PUT with a body and rejects it once tampered', async () => {
    const s3 = client();
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: 'bucket', Key: 'upload.txt' }), { expiresIn: 300 });
    const body = 'presigned upload';
    const r = await fetch(url, { method: 'PUT', body });
    assert.equal(r.status, 200, last().error);
    assert.equal(last().body!.toString(), body);
    assert.equal(createHash('sha256').update(last().body!).digest('hex'), createHash('sha256').update(body).digest('hex'));
    const tampered = url.replace('upload.txt', 'other.txt');
    assert.equal((await fetch(tampered, { method: 'PUT', body })).status, 403);
    assert.equal(last().error, 'auth.signature_mismatch');
    s3.destroy();
  });
});
