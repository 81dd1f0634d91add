import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isCofferError } from '../shared/index.js';
import { assertSafeUrl, isLoopbackHost, unsafeUrlReason } from './url.js';
import { guardedFetch } from './fetch.js';

const refused = (url: string, reason: string, opts = {}) =>
  assert.throws(() => assertSafeUrl(url, opts), (err: unknown) => {
    assert.ok(isCofferError(err, 'guards.unsafe_url'), String(err));
    assert.equal((err.details as { reason: string }).reason, reason);
    assert.ok(!err.message.includes('hunter2') && !err.message.includes('s3cr3t'), 'no value echoed');
    return true;
  }, url);

describe('assertSafeUrl', () => {
  it('refuses user:password@ and user@ in any URL', () => {
    refused('https://bob:hunter2@hooks.example.com/x', 'userinfo');
    refused('https://token@hooks.example.com/x', 'userinfo');
  });

  it('refuses credential-like query parameters and names the parameter', () => {
    for (const p of ['token', 'access_token', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Security-Token', 'password', 'secret', 'apikey', 'api_key', 'key', 'sig', 'signature', 'client_secret', 'refreshToken']) {
      refused(`https://hooks.example.com/x?a=1&${p}=s3cr3t`, 'credential_parameter');
      assert.match(unsafeUrlReason(`https://hooks.example.com/x?${p}=s3cr3t`)!, new RegExp(`\\(${p.replace(/[-_]/g, '.')}\\)`));
    }
  });

  it('refuses a token in the fragment', () => {
    refused('https://app.example.com/cb#access_token=s3cr3t', 'credential_fragment');
  });

  it('refuses plain HTTP, except loopback when allowed, and other schemes', () => {
    refused('http://hooks.example.com/x', 'insecure_scheme');
    refused('http://127.0.0.1:9000/x', 'insecure_scheme');
    refused('http://10.0.0.1/x', 'insecure_scheme', { allowLoopbackHttp: true });
    refused('ftp://files.example.com/x', 'scheme');
    refused('not a url', 'invalid');
    assert.equal(assertSafeUrl('http://127.0.0.1:9000/x', { allowLoopbackHttp: true }).port, '9000');
    assert.equal(assertSafeUrl('http://[::1]:9000/', { allowLoopbackHttp: true }).hostname, '[::1]');
    assert.equal(assertSafeUrl('http://localhost/', { allowLoopbackHttp: true }).hostname, 'localhost');
  });

  it('accepts ordinary HTTPS URLs with harmless parameters', () => {
    assert.equal(assertSafeUrl('https://kms.example.com:8443/v1/keys?region=eu&page=2').host, 'kms.example.com:8443');
    assert.equal(unsafeUrlReason('https://blob.example.com/c?sv=2021-08-06'), null, 'a lone SAS version is no credential');
    assert.notEqual(unsafeUrlReason('https://blob.example.com/c?sv=2021-08-06&sig=abc'), null);
  });

  it('recognises loopback hosts', () => {
    for (const h of ['localhost', 'a.localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1']) assert.ok(isLoopbackHost(h), h);
    for (const h of ['example.com', '10.0.0.1', '128.0.0.1', 'localhost.example.com']) assert.ok(!isLoopbackHost(h), h);
  });
});

describe('guardedFetch', () => {
  const withServer = async (fn: (base: string) => Promise<void>) => {
    const server: Server = createServer((req, res) => {
      if (req.url === '/redirect-unsafe') {
        res.writeHead(302, { location: '/next?token=s3cr3t' });
        res.end();
      } else if (req.url === '/redirect-safe') {
        res.writeHead(302, { location: '/ok' });
        res.end();
      } else {
        res.end('ok');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  };

  it('checks the URL at call time before any connection', async () => {
    await assert.rejects(guardedFetch('https://bob:hunter2@example.invalid/'), (e: unknown) => isCofferError(e, 'guards.unsafe_url'));
    await assert.rejects(guardedFetch('http://127.0.0.1:1/'), (e: unknown) => isCofferError(e, 'guards.unsafe_url'));
  });

  it('follows safe redirects and refuses a redirect to a URL with credentials', async () => {
    await withServer(async (base) => {
      const ok = await guardedFetch(`${base}/redirect-safe`, {}, { allowLoopbackHttp: true });
      assert.equal(await ok.text(), 'ok');
      await assert.rejects(guardedFetch(`${base}/redirect-unsafe`, {}, { allowLoopbackHttp: true }), (e: unknown) => isCofferError(e, 'guards.unsafe_url'));
    });
  });
});
