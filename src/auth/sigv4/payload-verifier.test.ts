import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { isCofferError } from '../../shared/index.js';
import { createPayloadVerifier, type PayloadVerifierOptions } from './payload-verifier.js';
import { encodeUnsignedChunkedBody, signChunkedBody, signRequest } from './signer.js';
import type { PayloadMode } from './types.js';

const code = (c: string) => (e: unknown) => isCofferError(e, c);
const KEY = { accessKeyId: 'AKIACOFFERTEST000001', secretAccessKey: 'secret-for-chunk-tests' };
const T = Date.UTC(2026, 10, 28, 19, 0, 0);

/** Deterministic pseudo-random bytes. */
function bytes(n: number, seed = 1): Buffer {
  const b = Buffer.allocUnsafe(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

function split(source: Buffer, sizes: number | ((i: number) => number)): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0, n = 0; i < source.length; n++) {
    const size = typeof sizes === 'number' ? sizes : sizes(n);
    out.push(source.subarray(i, i + size));
    i += size;
  }
  return out;
}

async function run(mode: PayloadMode, pieces: Buffer[], options?: PayloadVerifierOptions): Promise<{ data: Buffer; trailers: Record<string, string> }> {
  const verifier = createPayloadVerifier(mode, options);
  const out: Buffer[] = [];
  await pipeline(Readable.from(pieces), verifier, async function* (src: AsyncIterable<Buffer>) {
    for await (const b of src) out.push(b);
  });
  return { data: Buffer.concat(out), trailers: verifier.trailers() };
}

function signedContext(payloadHash: string) {
  return signRequest({ method: 'PUT', rawPath: '/b/k', headers: { host: 'h' }, credentials: KEY, region: 'us-east-1', date: T, payloadHash });
}

function signedMode(trailer: boolean, decodedLength: number | null, trailerHeaders: string[] = []): { mode: PayloadMode; ctx: ReturnType<typeof signedContext> } {
  const ctx = signedContext(trailer ? 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' : 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD');
  return {
    ctx,
    mode: { kind: 'streaming-signed', trailer, decodedLength, seedSignature: ctx.signature, signingKey: ctx.signingKey, scope: ctx.scope, amzDate: ctx.amzDate, trailerHeaders },
  };
}

const unsignedTrailer = (decodedLength: number | null, trailerHeaders: string[] = ['x-amz-checksum-crc32']): PayloadMode => ({
  kind: 'streaming-unsigned-trailer',
  decodedLength,
  trailerHeaders,
});

describe('createPayloadVerifier in sha256 and unsigned modes', () => {
  it('passes a body through when it hashes to x-amz-content-sha256, even in 1-byte writes', async () => {
    const body = bytes(3000);
    const mode: PayloadMode = { kind: 'sha256', expectedHex: createHash('sha256').update(body).digest('hex') };
    assert.ok((await run(mode, split(body, 1))).data.equals(body));
  });

  it('fails with auth.sha256_mismatch when the body differs', async () => {
    const mode: PayloadMode = { kind: 'sha256', expectedHex: createHash('sha256').update('abc').digest('hex') };
    await assert.rejects(run(mode, [Buffer.from('abd')]), code('auth.sha256_mismatch'));
  });

  it('passes an unsigned body through unchanged', async () => {
    const body = bytes(1000);
    assert.ok((await run({ kind: 'unsigned' }, split(body, 100))).data.equals(body));
  });
});

describe('createPayloadVerifier for STREAMING-UNSIGNED-PAYLOAD-TRAILER', () => {
  const body = bytes(200_000, 7);
  const framed = encodeUnsignedChunkedBody(split(body, 65536), { 'x-amz-checksum-crc32': 'AAAAAA==' });

  for (const size of [1, 3, 65536, 1 << 20]) {
    it(`decodes the body and exposes the x-amz-checksum-crc32 trailer with ${size}-byte writes`, async () => {
      // Tiny writes exercise every split point; a smaller body with smaller chunks keeps them quick.
      const [b, f] = size < 16 ? [body.subarray(0, 20_000), encodeUnsignedChunkedBody(split(body.subarray(0, 20_000), 4096), { 'x-amz-checksum-crc32': 'AAAAAA==' })] : [body, framed];
      const { data, trailers } = await run(unsignedTrailer(b.length), split(f, size));
      assert.ok(data.equals(b));
      assert.deepEqual(trailers, { 'x-amz-checksum-crc32': 'AAAAAA==' });
    });
  }

  it('decodes writes split at random points', async () => {
    let x = 12345;
    const sizes = () => ((x = (x * 1103515245 + 12345) & 0x7fffffff) % 300) + 1;
    assert.ok((await run(unsignedTrailer(body.length), split(framed, sizes))).data.equals(body));
  });

  it('accepts a body that ends right after "0\\r\\n" when no trailer was declared (JS SDK without checksum)', async () => {
    const raw = Buffer.from('5\r\nhello\r\n0\r\n');
    assert.equal((await run(unsignedTrailer(5, []), [raw])).data.toString(), 'hello');
  });

  it('normalises trailer names to lower case and trims values', async () => {
    const raw = Buffer.from('3\r\nabc\r\n0\r\nX-Amz-Checksum-CRC32:  NSRBwg==  \r\n\r\n');
    assert.deepEqual((await run(unsignedTrailer(3), [raw])).trailers, { 'x-amz-checksum-crc32': 'NSRBwg==' });
  });

  it('rejects a declared trailer that never arrives as auth.incomplete_body', async () => {
    await assert.rejects(run(unsignedTrailer(3), [Buffer.from('3\r\nabc\r\n0\r\n\r\n')]), code('auth.incomplete_body'));
  });

  it('rejects an undeclared or duplicated trailer, and a trailer signature, as auth.malformed_chunk', async () => {
    await assert.rejects(run(unsignedTrailer(3), [Buffer.from('3\r\nabc\r\n0\r\nx-amz-checksum-sha1:x\r\n\r\n')]), code('auth.malformed_chunk'));
    await assert.rejects(
      run(unsignedTrailer(3), [Buffer.from('3\r\nabc\r\n0\r\nx-amz-checksum-crc32:a\r\nx-amz-checksum-crc32:b\r\n\r\n')]),
      code('auth.malformed_chunk'),
    );
    await assert.rejects(
      run(unsignedTrailer(3), [Buffer.from(`3\r\nabc\r\n0\r\nx-amz-checksum-crc32:a\r\nx-amz-trailer-signature:${'0'.repeat(64)}\r\n\r\n`)]),
      code('auth.malformed_chunk'),
    );
  });

  it('rejects a decoded length that differs from x-amz-decoded-content-length', async () => {
    await assert.rejects(run(unsignedTrailer(body.length + 1), [framed]), code('auth.incomplete_body'));
    await assert.rejects(run(unsignedTrailer(body.length - 1), [framed]), code('auth.malformed_chunk'));
  });

  it('rejects a body cut anywhere before its end as auth.incomplete_body', async () => {
    for (const cut of [1, 7, 100, framed.length - 30, framed.length - 1]) {
      await assert.rejects(run(unsignedTrailer(body.length), [framed.subarray(0, cut)]), code('auth.incomplete_body'), `cut at ${cut}`);
    }
  });

  it('rejects framing errors as auth.malformed_chunk', async () => {
    const cases = [
      'zz\r\nabc\r\n0\r\n\r\n', // size not hex
      '3;chunk-signature=' + '0'.repeat(64) + '\r\nabc\r\n0\r\n\r\n', // signature in unsigned mode
      '3\nabc\r\n0\r\n\r\n', // bare LF
      '3\r\nabcX\r\n0\r\n\r\n', // data longer than the size
      '3\r\nabc\r\n0\r\nx-amz-checksum-crc32:a\r\n\r\nextra', // data after the end
      '3\r\nabc\r\n0\r\nno-colon\r\n\r\n',
      '-3\r\nabc\r\n0\r\n\r\n',
    ];
    for (const c of cases) await assert.rejects(run(unsignedTrailer(null), [Buffer.from(c)]), code('auth.malformed_chunk'), JSON.stringify(c));
  });

  it('rejects an over-long chunk-size line before it ends, keeping memory bounded', async () => {
    const verifier = createPayloadVerifier(unsignedTrailer(null), { maxLineLength: 64 });
    const failed = new Promise((resolve) => verifier.on('error', resolve));
    for (let i = 0; i < 10 && !verifier.destroyed; i++) verifier.write(Buffer.alloc(16, '0'));
    assert.ok(isCofferError(await failed, 'auth.malformed_chunk'));
  });

  it('rejects a trailer section above maxTrailerBytes', async () => {
    const raw = Buffer.from(`1\r\na\r\n0\r\nx-amz-checksum-crc32:${'A'.repeat(2000)}\r\n\r\n`);
    await assert.rejects(run(unsignedTrailer(1), [raw], { maxTrailerBytes: 1024 }), code('auth.malformed_chunk'));
  });

  it('streams a 64 MiB body through without holding it', async () => {
    const piece = bytes(1 << 20, 3);
    const chunk = Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]);
    const total = 64;
    async function* source() {
      for (let i = 0; i < total; i++) yield chunk;
      yield Buffer.from('0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n');
    }
    const verifier = createPayloadVerifier(unsignedTrailer(total * piece.length));
    const hash = createHash('sha256');
    let maxBuffered = 0;
    await pipeline(source(), verifier, async function* (src: AsyncIterable<Buffer>) {
      for await (const b of src) {
        maxBuffered = Math.max(maxBuffered, verifier.readableLength);
        hash.update(b);
      }
    });
    const expected = createHash('sha256');
    for (let i = 0; i < total; i++) expected.update(piece);
    assert.equal(hash.digest('hex'), expected.digest('hex'));
    assert.ok(maxBuffered <= 4 << 20, `readable side held ${maxBuffered} bytes`);
  });
});

describe('createPayloadVerifier for STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]', () => {
  const body = bytes(150_000, 11);

  it('verifies every chunk signature with 1-byte writes', async () => {
    const small = body.subarray(0, 30_000);
    const { mode, ctx } = signedMode(false, small.length);
    const framed = signChunkedBody(ctx, split(small, 8192)).body;
    assert.ok((await run(mode, split(framed, 1))).data.equals(small));
  });

  it('releases no byte of a chunk before its signature has been verified', async () => {
    const { mode, ctx } = signedMode(false, body.length);
    const framed = signChunkedBody(ctx, split(body, 65536)).body;
    const verifier = createPayloadVerifier(mode);
    verifier.write(framed.subarray(0, 60_000));
    assert.equal(verifier.readableLength, 0);
    verifier.write(framed.subarray(60_000, 70_000)); // completes the first chunk
    assert.equal(verifier.readableLength, 65536);
    verifier.destroy();
  });

  it('rejects a chunk signed with another key, a tampered chunk and a stale seed signature', async () => {
    const { mode, ctx } = signedMode(false, body.length);
    const good = signChunkedBody(ctx, split(body, 65536)).body;
    const otherKey = signChunkedBody({ ...ctx, signingKey: Buffer.alloc(32, 1) }, split(body, 65536)).body;
    await assert.rejects(run(mode, [otherKey]), code('auth.chunk_signature_mismatch'));
    const tampered = Buffer.from(good);
    tampered.writeUInt8(tampered.readUInt8(100_000) ^ 0x80, 100_000);
    await assert.rejects(run(mode, [tampered]), code('auth.chunk_signature_mismatch'));
    const replayed = signChunkedBody({ ...ctx, signature: 'f'.repeat(64) }, split(body, 65536)).body;
    await assert.rejects(run(mode, [replayed]), code('auth.chunk_signature_mismatch'));
  });

  it('rejects a chunk without a signature and a signed chunk above maxChunkSize', async () => {
    const { mode, ctx } = signedMode(false, null);
    await assert.rejects(run(mode, [Buffer.from('3\r\nabc\r\n0\r\n\r\n')]), code('auth.malformed_chunk'));
    const big = signChunkedBody(ctx, [bytes(5000)]).body;
    await assert.rejects(run(mode, [big], { maxChunkSize: 4096 }), code('auth.malformed_chunk'));
  });

  it('rejects a body that drops the final chunk (truncation) as auth.incomplete_body', async () => {
    const { mode, ctx } = signedMode(false, null);
    const framed = signChunkedBody(ctx, [bytes(1000)]).body;
    const withoutFinal = framed.subarray(0, framed.indexOf('0;chunk-signature=', 1000));
    await assert.rejects(run(mode, [withoutFinal]), code('auth.incomplete_body'));
  });

  it('rejects trailers when the mode has none', async () => {
    const { mode, ctx } = signedMode(false, null);
    const framed = signChunkedBody(ctx, [bytes(10)], { 'x-amz-checksum-crc32': 'AAAAAA==' }).body;
    await assert.rejects(run(mode, [framed]), code('auth.malformed_chunk'));
  });

  for (const [size, length] of [[1, 20_000], [7, body.length]] as const) {
    it(`verifies the signed trailer and exposes it, with ${size}-byte writes`, async () => {
      const b = body.subarray(0, length);
      const { mode, ctx } = signedMode(true, b.length, ['x-amz-checksum-crc32c']);
      const framed = signChunkedBody(ctx, split(b, 8192), { 'x-amz-checksum-crc32c': 'sOO8/Q==' });
      const { data, trailers } = await run(mode, split(framed.body, size));
      assert.ok(data.equals(b));
      assert.deepEqual(trailers, { 'x-amz-checksum-crc32c': 'sOO8/Q==' });
    });
  }

  it('rejects a changed trailer value and a missing trailer signature', async () => {
    const { mode, ctx } = signedMode(true, 10, ['x-amz-checksum-crc32c']);
    const framed = signChunkedBody(ctx, [bytes(10)], { 'x-amz-checksum-crc32c': 'sOO8/Q==' }).body.toString('latin1');
    await assert.rejects(run(mode, [Buffer.from(framed.replace('sOO8/Q==', 'sOO8/R=='), 'latin1')]), code('auth.chunk_signature_mismatch'));
    await assert.rejects(run(mode, [Buffer.from(framed.replace(/x-amz-trailer-signature:[0-9a-f]+\r\n/, ''), 'latin1')]), code('auth.malformed_chunk'));
  });
});
