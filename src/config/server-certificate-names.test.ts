import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig, serverCertificateNames } from './index.js';

describe('serverCertificateNames', () => {
  it('adds the base domain with its wildcard and the listen host to the configured names', () => {
    const c = loadConfig({ env: { COFFER_BASE_DOMAIN: 's3.example.com', COFFER_SERVER_NAMES: 'extra.example', COFFER_LISTEN: '10.0.0.5:9000' } });
    assert.deepEqual(serverCertificateNames(c), ['extra.example', 's3.example.com', '*.s3.example.com', '10.0.0.5']);
  });

  it('leaves out an unspecified listen address', () => {
    assert.deepEqual(serverCertificateNames(loadConfig({ env: { COFFER_LISTEN: '[::]:9000' } })), []);
    assert.deepEqual(serverCertificateNames(loadConfig({ env: { COFFER_LISTEN: '0.0.0.0:9000' } })), []);
  });

  it('adds the FIPS endpoint names and listen host only when the FIPS endpoint is on', () => {
    const env = { COFFER_FIPS_SERVER_NAMES: 's3-fips.example.com', COFFER_FIPS_LISTEN: '10.0.0.6:9443', COFFER_LISTEN: '[::]:9000' };
    assert.deepEqual(serverCertificateNames(loadConfig({ env })), []);
    assert.deepEqual(serverCertificateNames(loadConfig({ env: { ...env, COFFER_FIPS_MODE: 'endpoint' } })), ['s3-fips.example.com', '10.0.0.6']);
  });
});
