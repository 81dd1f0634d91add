// The AWS SigV4 test suites (generic service 'service'): canonical request, string to sign, signature,
// and acceptance of the signed request by the verifier. Vectors: ../shared/testdata/sigv4 (see its README).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isCofferError } from '../../shared/index.js';
import {
  buildCanonicalRequest,
  buildStringToSign,
  canonicalHeaders,
  canonicalQuery,
  canonicalUri,
  normalizeHeaders,
  parseQuery,
  type CanonicalizationOptions,
} from './canonical-request.js';
import { presignUrl, signRequest } from './signer.js';
import { verifyRequest } from './verify-request.js';

const ROOT = fileURLToPath(new URL('../../../../shared/testdata/sigv4/', import.meta.url));
const OLD_SUITE = join(ROOT, 'aws-sig-v4-test-suite');
const NEW_SUITE = join(ROOT, 'aws-signing-test-suite', 'v4');
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const TIME = Date.UTC(2015, 7, 30, 12, 36, 0);

interface RawRequest {
  method: string;
  rawPath: string;
  rawQuery: string;
  headers: Record<string, string[]>;
  body: Buffer;
}

/**
 * Parses a request file as an HTTP/1.1 server would: request line as UTF-8 (the suites put raw UTF-8 and
 * spaces in targets), header values as latin1 byte strings (as Node delivers them). An obs-fold
 * continuation line is kept as a further value ('values': AWS's original suite, canonical "v1,v2,v3")
 * or unfolded with a space ('space': RFC 9112 and the CRT suite, canonical "v1 v2 v3").
 */
function parseRequestFile(bytes: Buffer, fold: 'values' | 'space'): RawRequest {
  const text = bytes.toString('latin1');
  const headEnd = text.indexOf('\n\n');
  const head = headEnd === -1 ? text : text.slice(0, headEnd);
  const body = headEnd === -1 ? Buffer.alloc(0) : bytes.subarray(headEnd + 2);
  const lines = head.split('\n');
  const requestLine = Buffer.from(lines[0]!, 'latin1').toString('utf8');
  const method = requestLine.slice(0, requestLine.indexOf(' '));
  const target = requestLine.slice(method.length + 1, requestLine.lastIndexOf(' HTTP/'));
  const q = target.indexOf('?');
  const headers: Record<string, string[]> = {};
  let last: string[] | undefined;
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    if (/^[ \t]/.test(line)) {
      assert.ok(last, 'continuation line without a header');
      if (fold === 'values') last.push(line.trim());
      else last[last.length - 1] += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    last = headers[name] ??= [];
    last.push(line.slice(colon + 1));
  }
  return { method, rawPath: q === -1 ? target : target.slice(0, q), rawQuery: q === -1 ? '' : target.slice(q + 1), headers, body };
}

function canonicalOf(req: RawRequest, canon: CanonicalizationOptions, payloadHash: string, exclude?: string): string {
  const signed = Object.keys(req.headers).sort();
  const block = canonicalHeaders(normalizeHeaders(req.headers), signed);
  assert.ok(block !== null);
  return buildCanonicalRequest({
    method: req.method,
    canonicalUri: canonicalUri(req.rawPath, canon),
    canonicalQuery: canonicalQuery(parseQuery(req.rawQuery), exclude),
    canonicalHeaders: block,
    signedHeaders: signed,
    payloadHash,
  });
}

function caseDirs(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (!statSync(p).isDirectory()) continue;
    if (existsSync(join(p, `${name}.req`)) || existsSync(join(p, 'context.json'))) out.push(p);
    else out.push(...caseDirs(p));
  }
  return out;
}

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
const read = (p: string): Buffer => readFileSync(p);
const clock = { now: () => TIME };
const findSecret = async (akid: string) => (akid === 'AKIDEXAMPLE' ? { secretAccessKey: SECRET, principal: { user: 'example' } } : null);

describe('AWS Signature Version 4 Test Suite (aws-sig-v4-test-suite)', () => {
  const dirs = caseDirs(OLD_SUITE);
  it('has all 31 cases', () => assert.equal(dirs.length, 31));

  for (const dir of dirs) {
    const name = dir.split('/').pop()!;
    const file = (ext: string) => join(dir, `${name}.${ext}`);
    const canon: CanonicalizationOptions = { normalizePath: true, doubleEncode: true };

    it(`${name}: canonical request, string to sign and Authorization match the published files`, () => {
      const req = parseRequestFile(read(file('req')), 'values');
      const creq = canonicalOf(req, canon, sha256(req.body));
      assert.equal(creq, read(file('creq')).toString('utf8'));
      assert.equal(buildStringToSign('20150830T123600Z', '20150830/us-east-1/service/aws4_request', creq), read(file('sts')).toString('utf8'));

      const { 'x-amz-date': _date, ...headers } = req.headers;
      const signed = signRequest({
        method: req.method,
        rawPath: req.rawPath,
        rawQuery: req.rawQuery,
        headers,
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET },
        region: 'us-east-1',
        service: 'service',
        date: TIME,
        body: req.body,
        canonicalization: canon,
      });
      assert.equal(signed.headers['authorization'], read(file('authz')).toString('utf8'));
    });

    it(`${name}: the verifier accepts the signed request and rejects it with one signature digit changed`, async () => {
      const req = parseRequestFile(read(file('sreq')), 'values');
      const request = { method: req.method, rawPath: req.rawPath, rawQuery: req.rawQuery, headers: req.headers };
      const options = { findSecret, region: 'us-east-1', service: 'service', clock, bodySha256: sha256(req.body) };
      const auth = await verifyRequest(request, options);
      assert.equal(auth.accessKeyId, 'AKIDEXAMPLE');
      assert.deepEqual(auth.principal, { user: 'example' });
      assert.equal(auth.method, 'header');

      const authz = req.headers['authorization']![0]!;
      const last = authz.at(-1) === '0' ? '1' : '0';
      const tampered = { ...request, headers: { ...req.headers, authorization: [authz.slice(0, -1) + last] } };
      await assert.rejects(verifyRequest(tampered, options), (e) => isCofferError(e, 'auth.signature_mismatch'));
    });
  }
});

describe('AWS signing test suite v4 (aws-signing-test-suite, header and query variants)', () => {
  const dirs = caseDirs(NEW_SUITE);
  it('has all 38 cases', () => assert.equal(dirs.length, 38));

  for (const dir of dirs) {
    const name = dir.split('/').pop()!;
    const text = (f: string) => read(join(dir, f)).toString('utf8');
    const ctx = JSON.parse(text('context.json')) as {
      credentials: { access_key_id: string; secret_access_key: string; token?: string };
      expiration_in_seconds: number;
      normalize: boolean;
      region: string;
      service: string;
      sign_body: boolean;
      omit_session_token?: boolean;
      timestamp: string;
    };
    const canon: CanonicalizationOptions = { normalizePath: ctx.normalize, doubleEncode: true };
    const time = Date.parse(ctx.timestamp);
    const signToken = ctx.credentials.token !== undefined && ctx.omit_session_token !== true;
    const credentials = {
      accessKeyId: ctx.credentials.access_key_id,
      secretAccessKey: ctx.credentials.secret_access_key,
      ...(signToken ? { sessionToken: ctx.credentials.token! } : {}),
    };
    const req = parseRequestFile(read(join(dir, 'request.txt')), 'space');
    const payloadHash = sha256(req.body);
    const options = {
      findSecret: async (akid: string) => (akid === credentials.accessKeyId ? { secretAccessKey: credentials.secretAccessKey, principal: 'p' } : null),
      region: ctx.region,
      service: ctx.service,
      clock: { now: () => time },
      canonicalization: canon,
      bodySha256: payloadHash,
    };

    it(`${name} (header): canonical request, string to sign and signature match`, () => {
      const signed = signRequest({
        method: req.method,
        rawPath: req.rawPath,
        rawQuery: req.rawQuery,
        headers: req.headers,
        credentials,
        region: ctx.region,
        service: ctx.service,
        date: time,
        payloadHash,
        contentSha256Header: ctx.sign_body,
        canonicalization: canon,
      });
      assert.equal(signed.canonicalRequest, text('header-canonical-request.txt'));
      assert.equal(signed.stringToSign, text('header-string-to-sign.txt'));
      assert.equal(signed.signature, text('header-signature.txt').trim());
    });

    it(`${name} (header): the verifier accepts the signed request`, async () => {
      const sreq = parseRequestFile(read(join(dir, 'header-signed-request.txt')), 'space');
      const auth = await verifyRequest({ method: sreq.method, rawPath: sreq.rawPath, rawQuery: sreq.rawQuery, headers: sreq.headers }, options);
      assert.equal(auth.method, 'header');
      assert.equal(auth.sessionToken, sreq.headers['x-amz-security-token']?.[0]);
    });

    it(`${name} (query): canonical request, string to sign and signature match`, () => {
      const presigned = presignUrl({
        method: req.method,
        rawPath: req.rawPath,
        rawQuery: req.rawQuery,
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, v.join(',')])),
        credentials,
        region: ctx.region,
        service: ctx.service,
        date: time,
        expiresSeconds: ctx.expiration_in_seconds,
        payloadHash,
        canonicalization: canon,
      });
      assert.equal(presigned.canonicalRequest, text('query-canonical-request.txt'));
      assert.equal(presigned.stringToSign, text('query-string-to-sign.txt'));
      assert.equal(presigned.signature, text('query-signature.txt').trim());
    });

    it(`${name} (query): the verifier ${name === 'post-sts-header-after' ? 'rejects a token added to the query after signing' : 'accepts the presigned request'}`, async () => {
      const sreq = parseRequestFile(read(join(dir, 'query-signed-request.txt')), 'space');
      const request = { method: sreq.method, rawPath: sreq.rawPath, rawQuery: sreq.rawQuery, headers: sreq.headers };
      if (name === 'post-sts-header-after') {
        // S3 presigned URLs always sign X-Amz-Security-Token; an unsigned query token is not accepted.
        await assert.rejects(verifyRequest(request, options), (e) => isCofferError(e, 'auth.signature_mismatch'));
        return;
      }
      const auth = await verifyRequest(request, options);
      assert.equal(auth.method, 'presigned');
      assert.equal(auth.expiresAtMs, time + ctx.expiration_in_seconds * 1000);
    });
  }
});
