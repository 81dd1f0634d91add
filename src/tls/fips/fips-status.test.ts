import assert from 'node:assert/strict';
import { getFips } from 'node:crypto';
import { describe, it } from 'node:test';
import { isCofferError } from '../../shared/index.js';
import { assertFipsProvider, checkFipsAtStart, fipsServerOptions, fipsStatus } from './index.js';

describe('fipsStatus', () => {
  it('reports the real provider state of this Node by default', () => {
    assert.equal(fipsStatus().providerActive, getFips() === 1);
    assert.equal(fipsStatus().opensslVersion, process.versions.openssl);
  });

  it('says plainly in endpoint mode that Coffer is not a validated module', () => {
    const s = fipsStatus({ mode: 'endpoint', providerActive: false });
    assert.equal(s.endpointRestricted, true);
    assert.equal(s.moduleValidatedByCoffer, false);
    assert.match(s.summary, /not active/);
    assert.match(s.summary, /does not make Coffer or Node a FIPS 140 validated module/);
  });

  it('reports an off mode without an endpoint', () => {
    const s = fipsStatus({ providerActive: true });
    assert.equal(s.mode, 'off');
    assert.equal(s.endpointRestricted, false);
    assert.match(s.summary, /provider is active/);
  });
});

describe('assertFipsProvider', () => {
  it('refuses strict mode without the provider and says how to enable it', () => {
    assert.throws(() => assertFipsProvider({ providerActive: false }), (e) =>
      isCofferError(e, 'tls.fips_provider_inactive') && /--enable-fips/.test(e.message) && /fipsinstall/.test(e.message) && /not make Coffer or Node a FIPS 140 validated module/.test(e.message));
  });

  it('passes when the provider is active', () => {
    assert.doesNotThrow(() => assertFipsProvider({ providerActive: true }));
  });
});

describe('checkFipsAtStart', () => {
  it('refuses strict mode without the provider and lets endpoint mode start with a plain statement', () => {
    assert.throws(() => checkFipsAtStart('strict', { providerActive: false }), (e) => isCofferError(e, 'tls.fips_provider_inactive'));
    const endpoint = checkFipsAtStart('endpoint', { providerActive: false });
    assert.equal(endpoint.mode, 'endpoint');
    assert.match(endpoint.summary, /does not make Coffer or Node a FIPS 140 validated module/);
    assert.equal(checkFipsAtStart('strict', { providerActive: true }).providerActive, true);
  });
});

describe('fipsServerOptions', () => {
  it('lists only AES-GCM suites, NIST curves and SHA-2 signatures', () => {
    const o = fipsServerOptions({ certPem: 'c', keyPem: 'k' });
    assert.equal(o.ecdhCurve, 'P-256:P-384');
    assert.deepEqual(String(o.ciphers).split(':'), [
      'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384',
      'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
    ]);
    assert.doesNotMatch(String(o.sigalgs), /sha1|sha224|ed25519|ed448/i);
    assert.equal(o.minVersion, 'TLSv1.2');
    assert.equal(o.honorCipherOrder, true);
  });

  it('refuses a floor below TLS 1.2', () => {
    assert.throws(() => fipsServerOptions({ certPem: 'c', keyPem: 'k', minVersion: 'TLSv1.1' as 'TLSv1.2' }), (e) => isCofferError(e, 'tls.invalid_min_version'));
  });
});
