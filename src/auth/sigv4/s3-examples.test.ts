// The worked SigV4 examples of the Amazon S3 API Reference (../shared/testdata/sigv4/s3-examples.json).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isCofferError } from '../../shared/index.js';
import { createPayloadVerifier } from './payload-verifier.js';
import { presignUrl, signChunkedBody, signRequest } from './signer.js';
import type { PayloadMode } from './types.js';
import { verifyRequest } from './verify-request.js';

interface HeaderCase {
  name: string;
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string;
  payload_hash: string;
  canonical_request: string;
  string_to_sign: string;
  signature: string;
  authorization: string;
}
interface Examples {
  credentials: { access_key_id: string; secret_access_key: string; region: string; service: string };
  header_auth: { timestamp: string; cases: HeaderCase[] };
  presigned_get: { method: string; host: string; path: string; expires_seconds: number; canonical_request: string; string_to_sign: string; signature: string; url: string };
  streaming_chunked_put: {
    method: string;
    path: string;
    headers: Record<string, string>;
    canonical_request: string;
    string_to_sign: string;
    seed_signature: string;
    authorization: string;
    chunks: { size: number; string_to_sign: string; signature: string }[];
  };
}

const ex = JSON.parse(readFileSync(fileURLToPath(new URL('../../../../shared/testdata/sigv4/s3-examples.json', import.meta.url)), 'utf8')) as Examples;
const T = Date.UTC(2013, 4, 24);
const credentials = { accessKeyId: ex.credentials.access_key_id, secretAccessKey: ex.credentials.secret_access_key };
const findSecret = async (akid: string) => (akid === credentials.accessKeyId ? { secretAccessKey: credentials.secretAccessKey, principal: 'alice' } : null);
const at = (ms: number) => ({ now: () => ms });
const lower = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

async function collect(source: Buffer, mode: PayloadMode, pieceSize: number): Promise<{ data: Buffer; trailers: Record<string, string> }> {
  const verifier = createPayloadVerifier(mode);
  const out: Buffer[] = [];
  const pieces: Buffer[] = [];
  for (let i = 0; i < source.length; i += pieceSize) pieces.push(source.subarray(i, i + pieceSize));
  await pipeline(Readable.from(pieces), verifier, async function* (src: AsyncIterable<Buffer>) {
    for await (const b of src) out.push(b);
  });
  return { data: Buffer.concat(out), trailers: verifier.trailers() };
}

describe('S3 header-auth examples', () => {
  for (const c of ex.header_auth.cases) {
    const headers = lower(c.headers);
    const request = { method: c.method, rawPath: c.path, rawQuery: c.query, headers: { ...headers, authorization: c.authorization } };

    it(`${c.name}: the signer reproduces the canonical request, string to sign and signature`, () => {
      const { 'x-amz-date': _d, 'x-amz-content-sha256': _s, ...rest } = headers;
      const signed = signRequest({ method: c.method, rawPath: c.path, rawQuery: c.query, headers: rest, credentials, region: 'us-east-1', date: T, payloadHash: c.payload_hash });
      assert.equal(signed.canonicalRequest, c.canonical_request);
      assert.equal(signed.stringToSign, c.string_to_sign);
      assert.equal(signed.signature, c.signature);
    });

    it(`${c.name}: the verifier accepts the request at the signing time`, async () => {
      const auth = await verifyRequest(request, { findSecret, region: 'us-east-1', clock: at(T) });
      assert.equal(auth.principal, 'alice');
      assert.deepEqual(auth.payload, { kind: 'sha256', expectedHex: c.payload_hash });
      assert.equal(auth.date, '20130524');
    });

    it(`${c.name}: the verifier rejects the same request today as too skewed`, async () => {
      await assert.rejects(verifyRequest(request, { findSecret, region: 'us-east-1', clock: at(Date.UTC(2026, 0, 1)) }), (e) =>
        isCofferError(e, 'auth.time_skewed'),
      );
    });
  }

  it('put-object: the body is checked against x-amz-content-sha256', async () => {
    const c = ex.header_auth.cases.find((x) => x.name === 'put-object')!;
    const mode: PayloadMode = { kind: 'sha256', expectedHex: c.payload_hash };
    assert.equal((await collect(Buffer.from(c.body), mode, 3)).data.toString(), c.body);
    await assert.rejects(collect(Buffer.from(c.body + '!'), mode, 3), (e) => isCofferError(e, 'auth.sha256_mismatch'));
  });
});

describe('S3 presigned GET example', () => {
  const p = ex.presigned_get;
  const url = new URL(p.url);
  const request = { method: 'GET', rawPath: url.pathname, rawQuery: url.search.slice(1), headers: { host: p.host } };

  it('the signer reproduces the canonical request, string to sign and signature', () => {
    const r = presignUrl({ method: 'GET', rawPath: p.path, headers: { host: p.host }, credentials, region: 'us-east-1', date: T, expiresSeconds: p.expires_seconds });
    assert.equal(r.canonicalRequest, p.canonical_request);
    assert.equal(r.stringToSign, p.string_to_sign);
    assert.equal(r.signature, p.signature);
    assert.equal(r.rawQuery, url.search.slice(1));
  });

  it('the verifier accepts it within its validity as UNSIGNED-PAYLOAD', async () => {
    const auth = await verifyRequest(request, { findSecret, region: 'us-east-1', clock: at(T + 3600_000) });
    assert.equal(auth.method, 'presigned');
    assert.deepEqual(auth.payload, { kind: 'unsigned' });
    assert.equal(auth.expiresAtMs, T + 86400_000);
  });

  it('the verifier accepts it at the last valid millisecond and rejects it after expiry', async () => {
    await verifyRequest(request, { findSecret, region: 'us-east-1', clock: at(T + 86400_000) });
    await assert.rejects(verifyRequest(request, { findSecret, region: 'us-east-1', clock: at(T + 86400_001) }), (e) => isCofferError(e, 'auth.expired'));
  });
});

describe('S3 streaming (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) example', () => {
  const s = ex.streaming_chunked_put;
  const headers = lower(s.headers);
  const body = Buffer.alloc(66560, 'a');

  it('the signer reproduces the seed signature and every chunk signature', () => {
    const { 'x-amz-date': _d, 'x-amz-content-sha256': _s, ...rest } = headers;
    const signed = signRequest({ method: s.method, rawPath: s.path, headers: rest, credentials, region: 'us-east-1', date: T, payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' });
    assert.equal(signed.canonicalRequest, s.canonical_request);
    assert.equal(signed.stringToSign, s.string_to_sign);
    assert.equal(signed.signature, s.seed_signature);
    const framed = signChunkedBody(signed, [body.subarray(0, 65536), body.subarray(65536)]);
    assert.deepEqual(framed.chunkSignatures, s.chunks.map((c) => c.signature));
    assert.equal(framed.body.length, Number(headers['content-length']));
  });

  async function verified() {
    return verifyRequest({ method: s.method, rawPath: s.path, rawQuery: '', headers: { ...headers, authorization: s.authorization } }, { findSecret, region: 'us-east-1', clock: at(T) });
  }

  function framedBody(): Buffer {
    const parts: Buffer[] = [];
    let offset = 0;
    for (const c of s.chunks) {
      parts.push(Buffer.from(`${c.size.toString(16)};chunk-signature=${c.signature}\r\n`), body.subarray(offset, offset + c.size), Buffer.from('\r\n'));
      offset += c.size;
    }
    return Buffer.concat(parts);
  }

  it('the verifier accepts the request and yields the streaming-signed payload mode', async () => {
    const auth = await verified();
    assert.equal(auth.payload.kind, 'streaming-signed');
    if (auth.payload.kind !== 'streaming-signed') return;
    assert.equal(auth.payload.seedSignature, s.seed_signature);
    assert.equal(auth.payload.decodedLength, 66560);
    assert.equal(auth.payload.trailer, false);
    assert.equal(auth.payload.scope, '20130524/us-east-1/s3/aws4_request');
  });

  for (const pieceSize of [1, 7, 8192, 1 << 20]) {
    it(`the published framed body decodes to 66560 'a' bytes when delivered in ${pieceSize}-byte writes`, async () => {
      const auth = await verified();
      const framed = framedBody();
      assert.equal(framed.length, 66824);
      const { data } = await collect(framed, auth.payload, pieceSize);
      assert.ok(data.equals(body));
    });
  }

  it('a body with one flipped data byte fails with auth.chunk_signature_mismatch', async () => {
    const auth = await verified();
    const framed = framedBody();
    framed.writeUInt8(framed.readUInt8(66000) ^ 1, 66000); // inside the 1024-byte chunk
    await assert.rejects(collect(framed, auth.payload, 4096), (e) => isCofferError(e, 'auth.chunk_signature_mismatch'));
  });

  it('a body whose chunks are reordered fails with auth.chunk_signature_mismatch', async () => {
    const auth = await verified();
    const c = s.chunks;
    const framed = Buffer.concat([
      Buffer.from(`400;chunk-signature=${c[1]!.signature}\r\n`), body.subarray(0, 1024), Buffer.from('\r\n'),
      Buffer.from(`10000;chunk-signature=${c[0]!.signature}\r\n`), body.subarray(0, 65536), Buffer.from('\r\n'),
      Buffer.from(`0;chunk-signature=${c[2]!.signature}\r\n\r\n`),
    ]);
    await assert.rejects(collect(framed, auth.payload, 4096), (e) => isCofferError(e, 'auth.chunk_signature_mismatch'));
  });

  it('a body cut before the final chunk fails with auth.incomplete_body', async () => {
    const auth = await verified();
    const framed = framedBody();
    await assert.rejects(collect(framed.subarray(0, framed.length - 90), auth.payload, 4096), (e) => isCofferError(e, 'auth.incomplete_body'));
  });
});
