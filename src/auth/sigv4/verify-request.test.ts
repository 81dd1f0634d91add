import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCofferError } from '../../shared/index.js';
import { S3_CANONICALIZATION, buildCanonicalRequest, buildStringToSign, canonicalHeaders, canonicalUri, normalizeHeaders } from './canonical-request.js';
import { EMPTY_SHA256 } from './payload-mode.js';
import { presignUrl, signRequest, type SignRequestInput } from './signer.js';
import { createSigningKeyCache, deriveSigningKey, signatureOf } from './signing-key.js';
import type { SigV4Request, VerifyOptions } from './types.js';
import { redactCanonicalRequest, verifyRequest } from './verify-request.js';

const T = Date.UTC(2026, 10, 28, 19, 0, 0);
const MIN = 60_000;
const KEY = { accessKeyId: 'AKIACOFFERTEST000001', secretAccessKey: 'coffer/test+secret/0123456789abcdefghijklmn' };
const seen: { akid: string; token: string | undefined }[] = [];
const opts = (over: Partial<VerifyOptions> = {}): VerifyOptions => ({
  findSecret: async (akid, ctx) => {
    seen.push({ akid, token: ctx.sessionToken });
    return akid === KEY.accessKeyId ? { secretAccessKey: KEY.secretAccessKey, principal: { id: 'u1' } } : null;
  },
  region: 'us-east-1',
  clock: { now: () => T },
  ...over,
});
const code = (c: string) => (e: unknown) => isCofferError(e, c);

function signed(over: Partial<SignRequestInput> = {}): SigV4Request {
  const input: SignRequestInput = {
    method: 'GET',
    rawPath: '/bucket/key.txt',
    rawQuery: '',
    headers: { host: 'localhost:9000' },
    credentials: KEY,
    region: 'us-east-1',
    date: T,
    ...over,
  };
  const r = signRequest(input);
  return { method: input.method, rawPath: input.rawPath, rawQuery: input.rawQuery ?? '', headers: r.headers };
}

function withAuthorization(req: SigV4Request, f: (a: string) => string): SigV4Request {
  return { ...req, headers: { ...req.headers, authorization: f(req.headers['authorization'] as string) } };
}

describe('verifyRequest with the Authorization header', () => {
  it('accepts a correctly signed request and describes it', async () => {
    const auth = await verifyRequest(signed(), opts());
    assert.equal(auth.accessKeyId, KEY.accessKeyId);
    assert.deepEqual(auth.principal, { id: 'u1' });
    assert.equal(auth.method, 'header');
    assert.deepEqual(auth.payload, { kind: 'sha256', expectedHex: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' });
    assert.deepEqual(auth.signedHeaders, ['host', 'x-amz-content-sha256', 'x-amz-date']);
    assert.equal(auth.region, 'us-east-1');
    assert.equal(auth.service, 's3');
    assert.equal(auth.date, '20261128');
    assert.equal(auth.requestTimeMs, T);
    assert.equal(auth.sessionToken, undefined);
  });

  it('rejects a request without any credentials as auth.missing', async () => {
    await assert.rejects(verifyRequest({ method: 'GET', rawPath: '/', rawQuery: '', headers: { host: 'h' } }, opts()), code('auth.missing'));
  });

  it('accepts up to 15 minutes of clock skew either way and rejects beyond it', async () => {
    const req = signed();
    await verifyRequest(req, opts({ clock: { now: () => T + 15 * MIN } }));
    await verifyRequest(req, opts({ clock: { now: () => T - 15 * MIN } }));
    await assert.rejects(verifyRequest(req, opts({ clock: { now: () => T + 15 * MIN + 1000 } })), code('auth.time_skewed'));
    await assert.rejects(verifyRequest(req, opts({ clock: { now: () => T - 16 * MIN } })), code('auth.time_skewed'));
  });

  it('honours a custom maxSkewMs', async () => {
    await assert.rejects(verifyRequest(signed(), opts({ maxSkewMs: 1000, clock: { now: () => T + 2000 } })), code('auth.time_skewed'));
  });

  it('rejects a request signed for another region as malformed, naming the expected region', async () => {
    await assert.rejects(verifyRequest(signed({ region: 'eu-west-1' }), opts()), (e) => isCofferError(e, 'auth.malformed') && e.message.includes("'us-east-1'"));
  });

  it('rejects a request signed for another service as malformed', async () => {
    await assert.rejects(verifyRequest(signed({ service: 'iam' }), opts()), code('auth.malformed'));
  });

  it('rejects an unknown access key id as auth.invalid_access_key', async () => {
    const req = signed({ credentials: { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: KEY.secretAccessKey } });
    await assert.rejects(verifyRequest(req, opts()), code('auth.invalid_access_key'));
  });

  it('rejects a request signed with the wrong secret as auth.signature_mismatch', async () => {
    const req = signed({ credentials: { accessKeyId: KEY.accessKeyId, secretAccessKey: 'not-the-secret' } });
    await assert.rejects(verifyRequest(req, opts()), code('auth.signature_mismatch'));
  });

  it('rejects a signature off by one hex character, without putting the secret in the error', async () => {
    const req = withAuthorization(signed(), (a) => a.slice(0, -1) + (a.endsWith('a') ? 'b' : 'a'));
    await assert.rejects(verifyRequest(req, opts()), (e) => {
      assert.ok(isCofferError(e, 'auth.signature_mismatch'));
      assert.ok(!JSON.stringify({ m: e.message, d: e.details }).includes(KEY.secretAccessKey));
      assert.match(String(e.details['canonicalRequest']), /^GET\n\/bucket\/key.txt\n/);
      assert.ok(!e.message.includes('GET\n'));
      return true;
    });
  });

  it('rejects any change to the method, path, query or a signed header', async () => {
    const req = signed({ rawQuery: 'list-type=2&prefix=a', headers: { host: 'localhost:9000', 'x-amz-meta-a': 'v' } });
    await verifyRequest(req, opts());
    const variants: SigV4Request[] = [
      { ...req, method: 'PUT' },
      { ...req, rawPath: '/bucket/key.txT' },
      { ...req, rawQuery: 'list-type=2&prefix=b' },
      { ...req, rawQuery: 'list-type=2&prefix=a&x=1' },
      { ...req, headers: { ...req.headers, 'x-amz-meta-a': 'w' } },
      { ...req, headers: { ...req.headers, host: 'evil:9000' } },
    ];
    for (const v of variants) await assert.rejects(verifyRequest(v, opts()), code('auth.signature_mismatch'));
  });

  it('tolerates Authorization spacing variants that AWS accepts', async () => {
    const req = signed();
    await verifyRequest(withAuthorization(req, (a) => a.replace(/, /g, ',')), opts());
    await verifyRequest(withAuthorization(req, (a) => a.replace('AWS4-HMAC-SHA256 ', 'AWS4-HMAC-SHA256   ').replace(/, /g, ' ,  ')), opts());
  });

  it('rejects malformed Authorization headers as auth.malformed', async () => {
    const req = signed();
    const bad = [
      (a: string) => a.replace('Credential=', 'Credentials='),
      (a: string) => a.replace(/, Signature=.*/, ''),
      (a: string) => a + ', Signature=' + '0'.repeat(64),
      (a: string) => a.replace('/aws4_request', '/aws4_requests'),
      (a: string) => a.replace('/20261128/', '/2026112/'),
      (a: string) => a.replace('host;x-amz-content-sha256;x-amz-date', 'x-amz-content-sha256;host;x-amz-date'),
      (a: string) => a.replace('host;x-amz-content-sha256;x-amz-date', 'Host;x-amz-content-sha256;x-amz-date'),
      (a: string) => a.replace(/Signature=([0-9a-f]+)/, (_m, s: string) => `Signature=${s.toUpperCase()}`),
      () => 'AWS4-HMAC-SHA256',
    ];
    for (const f of bad) await assert.rejects(verifyRequest(withAuthorization(req, f), opts()), code('auth.malformed'), f.toString());
  });

  it('rejects Signature Version 2 and SigV4A as unsupported', async () => {
    const base = signed();
    await assert.rejects(verifyRequest(withAuthorization(base, () => 'AWS AKIA:c2lnbmF0dXJl'), opts()), code('auth.unsupported_algorithm'));
    await assert.rejects(verifyRequest(withAuthorization(base, (a) => a.replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256')), opts()), code('auth.unsupported_algorithm'));
  });

  it('requires host to be signed', async () => {
    const req = signed({ headers: { host: 'h' } });
    const noHost = withAuthorization(req, (a) => a.replace('SignedHeaders=host;', 'SignedHeaders='));
    await assert.rejects(verifyRequest(noHost, opts()), code('auth.malformed'));
  });

  it('rejects a credential date that differs from x-amz-date', async () => {
    const req = signed();
    const other = { ...req, headers: { ...req.headers, 'x-amz-date': '20261129T000000Z' } };
    await assert.rejects(verifyRequest(other, opts({ clock: { now: () => Date.UTC(2026, 10, 29) } })), code('auth.malformed'));
  });

  it('rejects a missing or invalid x-amz-date', async () => {
    const req = signed();
    const { 'x-amz-date': _d, ...noDate } = req.headers;
    await assert.rejects(verifyRequest({ ...req, headers: noDate }, opts()), code('auth.malformed'));
    await assert.rejects(verifyRequest({ ...req, headers: { ...req.headers, 'x-amz-date': '20261328T190000Z' } }, opts()), code('auth.malformed'));
  });

  it('accepts a signed Date header when x-amz-date is absent', async () => {
    const headers = { host: 'h', date: new Date(T).toUTCString(), 'x-amz-content-sha256': EMPTY_SHA256 };
    const signedHeaders = ['date', 'host', 'x-amz-content-sha256'];
    const creq = buildCanonicalRequest({
      method: 'GET',
      canonicalUri: '/b',
      canonicalQuery: '',
      canonicalHeaders: canonicalHeaders(normalizeHeaders(headers), signedHeaders)!,
      signedHeaders,
      payloadHash: EMPTY_SHA256,
    });
    const scope = '20261128/us-east-1/s3/aws4_request';
    const sig = signatureOf(deriveSigningKey(KEY.secretAccessKey, '20261128', 'us-east-1', 's3'), buildStringToSign('20261128T190000Z', scope, creq));
    const authorization = `AWS4-HMAC-SHA256 Credential=${KEY.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${sig.toString('hex')}`;
    const req = { method: 'GET', rawPath: '/b', rawQuery: '', headers: { ...headers, authorization } };
    assert.equal((await verifyRequest(req, opts())).requestTimeMs, T);
    await assert.rejects(verifyRequest({ ...req, headers: { ...req.headers, date: new Date(T + 1000).toUTCString() } }, opts()), code('auth.signature_mismatch'));
  });

  it('requires x-amz-content-sha256 for S3 and validates its value', async () => {
    await assert.rejects(verifyRequest(signed({ contentSha256Header: false }), opts()), code('auth.missing_sha256'));
    await assert.rejects(verifyRequest(signed({ payloadHash: 'abc' }), opts()), code('auth.invalid_sha256'));
    await assert.rejects(verifyRequest(signed({ payloadHash: 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD' }), opts()), code('auth.unsupported_algorithm'));
  });

  it('maps each x-amz-content-sha256 value to its payload mode', async () => {
    const hex = 'A'.repeat(64);
    assert.deepEqual((await verifyRequest(signed({ payloadHash: hex }), opts())).payload, { kind: 'sha256', expectedHex: 'a'.repeat(64) });
    assert.deepEqual((await verifyRequest(signed({ payloadHash: 'UNSIGNED-PAYLOAD' }), opts())).payload, { kind: 'unsigned' });
    const trailer = signed({
      method: 'PUT',
      payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      headers: { host: 'h', 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': '42', 'x-amz-trailer': 'x-amz-checksum-crc32' },
    });
    assert.deepEqual((await verifyRequest(trailer, opts())).payload, { kind: 'streaming-unsigned-trailer', decodedLength: 42, trailerHeaders: ['x-amz-checksum-crc32'] });
    const signedTrailer = signed({ method: 'PUT', payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', headers: { host: 'h', 'x-amz-trailer': 'x-amz-checksum-sha256' } });
    const auth = await verifyRequest(signedTrailer, opts());
    assert.equal(auth.payload.kind, 'streaming-signed');
    if (auth.payload.kind === 'streaming-signed') {
      assert.equal(auth.payload.trailer, true);
      assert.equal(auth.payload.decodedLength, null);
      assert.deepEqual(auth.payload.trailerHeaders, ['x-amz-checksum-sha256']);
      assert.ok(auth.payload.signingKey.equals(deriveSigningKey(KEY.secretAccessKey, '20261128', 'us-east-1', 's3')));
    }
  });

  it('rejects aws-chunked with UNSIGNED-PAYLOAD as S3 does', async () => {
    const req = signed({ method: 'PUT', payloadHash: 'UNSIGNED-PAYLOAD', headers: { host: 'h', 'content-encoding': 'aws-chunked' } });
    await assert.rejects(verifyRequest(req, opts()), code('auth.invalid_sha256'));
  });

  it('rejects x-amz-* headers that were not signed', async () => {
    const req = signed();
    const extra = { ...req, headers: { ...req.headers, 'x-amz-acl': 'public-read' } };
    await assert.rejects(verifyRequest(extra, opts()), (e) => isCofferError(e, 'auth.headers_not_signed') && String(e.details['headersNotSigned']) === 'x-amz-acl');
  });

  it('passes the session token to findSecret and returns it', async () => {
    seen.length = 0;
    const auth = await verifyRequest(signed({ credentials: { ...KEY, sessionToken: 'tok/en+1==' } }), opts());
    assert.equal(auth.sessionToken, 'tok/en+1==');
    assert.deepEqual(seen, [{ akid: KEY.accessKeyId, token: 'tok/en+1==' }]);
  });

  it('joins repeated header values with "," (headersDistinct) and rejects a mismatch of values', async () => {
    const req = signed({ headers: { host: 'h', 'x-amz-meta-list': ['a', ' b  c '] } });
    await verifyRequest(req, opts());
    await assert.rejects(verifyRequest({ ...req, headers: { ...req.headers, 'x-amz-meta-list': 'a, b c' } }, opts()), code('auth.signature_mismatch'));
  });

  it('signs S3 paths once and without normalisation', async () => {
    assert.equal(canonicalUri('/bucket/a//b/./../c', S3_CANONICALIZATION), '/bucket/a//b/./../c');
    assert.equal(canonicalUri('/bucket/a%20b%2Bc%25%C3%BC$!', S3_CANONICALIZATION), '/bucket/a%20b%2Bc%25%C3%BC%24%21');
    assert.equal(canonicalUri('/bucket/a%2fb', S3_CANONICALIZATION), '/bucket/a/b');
    assert.equal(canonicalUri('', S3_CANONICALIZATION), '/');
    for (const rawPath of ['/bucket/a//b/./../c', '/bucket/sp%20ace/%E2%82%AC/(x)!*', '/bucket/a+b']) {
      await verifyRequest(signed({ rawPath }), opts());
    }
  });

  it('canonicalises the query by decoding and re-encoding, and sorting by name then value', async () => {
    const req = signed({ rawQuery: 'b=2&a=2&a=1&empty&sp=a%20b&plus=a+b&t=%7e' });
    await verifyRequest({ ...req, rawQuery: 'a=1&a=2&b=2&empty=&sp=a%20b&plus=a%2Bb&t=~' }, opts());
  });

  it('uses a signing key cache that stays bounded', async () => {
    const cache = createSigningKeyCache({ maxEntries: 2 });
    for (let i = 0; i < 3; i++) await verifyRequest(signed(), opts({ signingKeyCache: cache }));
    await verifyRequest(signed({ region: 'eu-west-1' }), opts({ region: 'eu-west-1', signingKeyCache: cache }));
    await verifyRequest(signed({ region: 'eu-west-2' }), opts({ region: 'eu-west-2', signingKeyCache: cache }));
    assert.equal(cache.size, 2);
    assert.ok(cache.get(KEY.secretAccessKey, '20261128', 'us-east-1', 's3').equals(deriveSigningKey(KEY.secretAccessKey, '20261128', 'us-east-1', 's3')));
  });
});

describe('verifyRequest with presigned URLs', () => {
  function presigned(expiresSeconds = 3600, over: { date?: number; token?: string; rawQuery?: string } = {}): SigV4Request {
    const r = presignUrl({
      method: 'GET',
      rawPath: '/bucket/key.txt',
      rawQuery: over.rawQuery ?? '',
      headers: { host: 'localhost:9000' },
      credentials: over.token === undefined ? KEY : { ...KEY, sessionToken: over.token },
      region: 'us-east-1',
      date: over.date ?? T,
      expiresSeconds,
    });
    return { method: 'GET', rawPath: '/bucket/key.txt', rawQuery: r.rawQuery, headers: { host: 'localhost:9000' } };
  }

  it('accepts a presigned URL until it expires and rejects it afterwards', async () => {
    const req = presigned(600);
    const auth = await verifyRequest(req, opts({ clock: { now: () => T + 600_000 } }));
    assert.equal(auth.method, 'presigned');
    assert.deepEqual(auth.payload, { kind: 'unsigned' });
    assert.equal(auth.expiresAtMs, T + 600_000);
    await assert.rejects(verifyRequest(req, opts({ clock: { now: () => T + 600_001 } })), code('auth.expired'));
  });

  it('rejects X-Amz-Expires above 7 days or below 1 second, and a lower configured maximum', async () => {
    await verifyRequest(presigned(604800), opts());
    await assert.rejects(verifyRequest(presigned(604801), opts()), code('auth.malformed'));
    await assert.rejects(verifyRequest(presigned(0), opts()), code('auth.malformed'));
    await assert.rejects(verifyRequest(presigned(7200), opts({ maxPresignExpirySeconds: 3600 })), code('auth.malformed'));
  });

  it('rejects a URL dated further in the future than the allowed skew', async () => {
    await verifyRequest(presigned(60, { date: T + 14 * MIN }), opts());
    await assert.rejects(verifyRequest(presigned(60, { date: T + 16 * MIN }), opts()), code('auth.time_skewed'));
  });

  it('rejects any change to the signed query, and a changed signature', async () => {
    const req = presigned(3600, { rawQuery: 'versionId=1' });
    await verifyRequest(req, opts());
    await assert.rejects(verifyRequest({ ...req, rawQuery: req.rawQuery.replace('versionId=1', 'versionId=2') }, opts()), code('auth.signature_mismatch'));
    await assert.rejects(verifyRequest({ ...req, rawQuery: req.rawQuery.replace('X-Amz-Expires=3600', 'X-Amz-Expires=3601') }, opts()), code('auth.signature_mismatch'));
    await assert.rejects(verifyRequest({ ...req, rawQuery: req.rawQuery.slice(0, -1) + (req.rawQuery.endsWith('0') ? '1' : '0') }, opts()), code('auth.signature_mismatch'));
    await assert.rejects(verifyRequest({ ...req, rawQuery: req.rawQuery + '&extra=1' }, opts()), code('auth.signature_mismatch'));
  });

  it('returns a signed X-Amz-Security-Token', async () => {
    const auth = await verifyRequest(presigned(60, { token: 'session/token=' }), opts());
    assert.equal(auth.sessionToken, 'session/token=');
  });

  it('rejects duplicate or missing X-Amz-* parameters, and a header signature at the same time', async () => {
    const req = presigned();
    await assert.rejects(verifyRequest({ ...req, rawQuery: req.rawQuery + '&X-Amz-Date=20261128T190000Z' }, opts()), code('auth.malformed'));
    await assert.rejects(verifyRequest({ ...req, rawQuery: req.rawQuery.replace(/&X-Amz-SignedHeaders=[^&]*/, '') }, opts()), code('auth.malformed'));
    await assert.rejects(verifyRequest({ ...req, rawQuery: req.rawQuery.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA1') }, opts()), code('auth.unsupported_algorithm'));
    await assert.rejects(verifyRequest({ ...req, headers: { ...req.headers, authorization: 'AWS4-HMAC-SHA256 x' } }, opts()), code('auth.malformed'));
  });

  it('rejects Signature Version 2 query authentication as unsupported', async () => {
    const req = { method: 'GET', rawPath: '/b/k', rawQuery: 'AWSAccessKeyId=AKIA&Expires=1&Signature=abc', headers: { host: 'h' } };
    await assert.rejects(verifyRequest(req, opts()), code('auth.unsupported_algorithm'));
  });
});

describe('signature mismatch diagnostics', () => {
  it('carry the canonical request with session tokens and SSE-C keys redacted', async () => {
    const req = signed({
      credentials: { ...KEY, sessionToken: 'SECRET-TOKEN-VALUE' },
      headers: { host: 'h', 'x-amz-server-side-encryption-customer-key': 'S1N2C3KEY' },
    });
    const bad = withAuthorization(req, (a) => a.slice(0, -1) + (a.endsWith('0') ? '1' : '0'));
    await assert.rejects(verifyRequest(bad, opts()), (e) => {
      assert.ok(isCofferError(e, 'auth.signature_mismatch'));
      const creq = String(e.details['canonicalRequest']);
      assert.ok(!creq.includes('SECRET-TOKEN-VALUE') && !creq.includes('S1N2C3KEY'), creq);
      assert.match(creq, /^x-amz-security-token:<redacted>$/m);
      assert.match(creq, /^x-amz-server-side-encryption-customer-key:<redacted>$/m);
      return true;
    });
  });

  it('redact X-Amz-Security-Token in the canonical query of presigned requests', () => {
    assert.equal(redactCanonicalRequest('GET\n/\na=1&X-Amz-Security-Token=abc%2F&b=2\nhost:h\n\nhost\nUNSIGNED-PAYLOAD'), 'GET\n/\na=1&X-Amz-Security-Token=<redacted>&b=2\nhost:h\n\nhost\nUNSIGNED-PAYLOAD');
  });
});

describe('verifyRequest on mutated input', () => {
  it('rejects every random mutation of a valid request with an auth.* CofferError, never a crash', async () => {
    const header = signed({ rawQuery: 'a=1&b=%20x', headers: { host: 'h', 'x-amz-meta-k': 'v' } });
    const query = ((): SigV4Request => {
      const r = presignUrl({ method: 'GET', rawPath: '/b/k', rawQuery: 'a=1', headers: { host: 'h' }, credentials: KEY, region: 'us-east-1', date: T, expiresSeconds: 60 });
      return { method: 'GET', rawPath: '/b/k', rawQuery: r.rawQuery, headers: { host: 'h' } };
    })();
    let x = 2463534242;
    const rnd = (n: number) => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), (x >>> 0) % n);
    const alphabet = 'aZ09=&;,/ %:.-_~+\t\u00e9\u1234';
    const mutate = (s: string) => {
      const i = rnd(s.length + 1);
      const op = rnd(3);
      const c = alphabet[rnd(alphabet.length)]!;
      return op === 0 ? s.slice(0, i) + c + s.slice(i) : op === 1 ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + c + s.slice(i + 1);
    };
    let rejected = 0;
    let tried = 0;
    for (let n = 0; n < 1500; n++) {
      const base = n % 2 === 0 ? header : query;
      const target = rnd(3);
      const req: SigV4Request =
        target === 0
          ? { ...base, rawPath: mutate(base.rawPath) }
          : target === 1
            ? { ...base, rawQuery: mutate(base.rawQuery) }
            : base === header
              ? withAuthorization(base, mutate)
              : { ...base, headers: { host: mutate('h') } };
      if (JSON.stringify(req) === JSON.stringify(base)) continue; // a no-op mutation
      tried++;
      try {
        await verifyRequest(req, opts());
      } catch (e) {
        assert.ok(isCofferError(e) && e.code.startsWith('auth.'), `unexpected ${String(e)} for ${JSON.stringify(req)}`);
        rejected++;
      }
    }
    // A few mutations are harmless (spacing in the Authorization header, trailing blanks in host); the rest must fail.
    assert.ok(tried > 1200 && rejected > tried * 0.97, `only ${rejected} of ${tried} mutations were rejected`);
  });
});
