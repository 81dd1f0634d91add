import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { CofferError, isCofferError } from '../shared/index.js';
import { loadConfig, SETTINGS, type LoadConfigOptions } from './index.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'coffer-config-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function writeJson(name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/** Loads and returns the config.invalid error (fails the test if loading succeeds). */
function failure(options: LoadConfigOptions): CofferError {
  try {
    loadConfig({ cwd: dir, ...options });
  } catch (e) {
    assert.ok(isCofferError(e, 'config.invalid'), `expected config.invalid, got ${String(e)}`);
    return e;
  }
  assert.fail('loadConfig accepted an invalid configuration');
}

describe('loadConfig defaults and precedence', () => {
  it('gives the documented defaults when nothing is configured', () => {
    const c = loadConfig({ env: {}, cwd: dir });
    assert.equal(c.dataDir, join(dir, 'data'));
    assert.deepEqual(c.listen, { host: '127.0.0.1', port: 9000 });
    assert.equal(c.insecureHttp, false);
    assert.equal(c.region, 'us-east-1');
    assert.equal(c.baseDomain, undefined);
    assert.deepEqual(c.serverNames, []);
    assert.deepEqual(c.tls, { minVersion: 'TLSv1.2' });
    assert.equal(c.shutdownGraceMs, 10_000);
    assert.equal(c.limits.maxXmlBodyBytes, 1024 * 1024);
    assert.equal(c.limits.maxObjectSize, 5 * 1024 ** 3);
    assert.equal(c.log.level, 'info');
    assert.deepEqual(c.fips, { mode: 'off', listen: { host: '127.0.0.1', port: 9443 }, serverNames: [] });
    assert.equal(c.limits.maxConnectionsPerSource, 256);
  });

  it('lets the config file override defaults, the environment override the file, and flags override both', () => {
    const file = writeJson('layers.json', { listen: '127.0.0.1:7000', region: 'eu-west-1', limits: { maxObjectSize: 1000, maxXmlBodyBytes: 4096 } });
    const env = { COFFER_LISTEN: '127.0.0.1:8000', COFFER_LIMITS_MAX_XML_BODY_BYTES: '8192' };
    const fileOnly = loadConfig({ env: {}, file, cwd: dir });
    assert.equal(fileOnly.listen.port, 7000);
    const withEnv = loadConfig({ env, file, cwd: dir });
    assert.equal(withEnv.listen.port, 8000);
    assert.equal(withEnv.region, 'eu-west-1', 'file values the environment does not set survive');
    assert.equal(withEnv.limits.maxObjectSize, 1000, 'nested file values survive a sibling set by env');
    assert.equal(withEnv.limits.maxXmlBodyBytes, 8192);
    const withFlags = loadConfig({ env, file, cwd: dir, overrides: { listen: '127.0.0.1:9100', region: undefined } });
    assert.equal(withFlags.listen.port, 9100);
    assert.equal(withFlags.region, 'eu-west-1', 'a flag left undefined does not override');
  });

  it('reads the config file named by COFFER_CONFIG, unless --config names another', () => {
    const a = writeJson('a.json', { region: 'from-a' });
    const b = writeJson('b.json', { region: 'from-b' });
    assert.equal(loadConfig({ env: { COFFER_CONFIG: a }, cwd: dir }).region, 'from-a');
    assert.equal(loadConfig({ env: { COFFER_CONFIG: a }, file: b, cwd: dir }).region, 'from-b');
  });

  it('resolves relative paths from the file against its directory and from env or flags against cwd', () => {
    const file = writeJson('paths.json', { dataDir: 'store', tls: { certFile: 'c.pem', keyFile: 'k.pem' } });
    const c = loadConfig({ env: {}, file, cwd: '/somewhere' });
    assert.equal(c.dataDir, join(dirname(file), 'store'));
    assert.equal(c.tls.certFile, join(dirname(file), 'c.pem'));
    const e = loadConfig({ env: { COFFER_DATA_DIR: 'd' }, file, cwd: '/somewhere', overrides: { tls: { keyFile: 'key.pem' } } });
    assert.equal(e.dataDir, '/somewhere/d');
    assert.equal(e.tls.keyFile, '/somewhere/key.pem');
    assert.equal(e.tls.certFile, join(dirname(file), 'c.pem'));
  });

  it('parses the textual forms of environment variables', () => {
    const c = loadConfig({
      cwd: dir,
      env: {
        COFFER_LISTEN: '[::1]:9443',
        COFFER_INSECURE_HTTP: 'yes',
        COFFER_SERVER_NAMES: 's3.example.com, *.s3.example.com ,[fd00::1],10.0.0.7',
        COFFER_LIMITS_MAX_XML_BODY_BYTES: '2MiB',
        COFFER_LIMITS_MAX_OBJECT_SIZE: '5GiB',
        COFFER_SHUTDOWN_GRACE_MS: '30s',
        COFFER_TLS_MIN_VERSION: 'TLSv1.3',
        COFFER_BASE_DOMAIN: 's3.localhost',
        COFFER_LOG_LEVEL: 'debug',
      },
    });
    assert.deepEqual(c.listen, { host: '::1', port: 9443 });
    assert.equal(c.insecureHttp, true);
    assert.deepEqual(c.serverNames, ['s3.example.com', '*.s3.example.com', 'fd00::1', '10.0.0.7']);
    assert.equal(c.limits.maxXmlBodyBytes, 2 * 1024 * 1024);
    assert.equal(c.limits.maxObjectSize, 5 * 1024 ** 3);
    assert.equal(c.shutdownGraceMs, 30_000);
    assert.equal(c.tls.minVersion, 'TLSv1.3');
    assert.equal(c.baseDomain, 's3.localhost');
    assert.equal(c.log.level, 'debug');
  });

  it('treats an empty environment variable as unset', () => {
    assert.equal(loadConfig({ env: { COFFER_REGION: '', COFFER_CONFIG: '' }, cwd: dir }).region, 'us-east-1');
  });

  it('returns a deeply frozen object', () => {
    const c = loadConfig({ env: { COFFER_SERVER_NAMES: 'a.example' }, cwd: dir });
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.limits) && Object.isFrozen(c.listen) && Object.isFrozen(c.serverNames));
    assert.throws(() => { (c as { region: string }).region = 'x'; }, TypeError);
    assert.throws(() => { (c.limits as { maxObjectSize: number }).maxObjectSize = 1; }, TypeError);
    assert.throws(() => { (c.serverNames as string[]).push('b.example'); }, TypeError);
  });
});

/** One invalid textual value per setting; a new setting without an entry fails the coverage test. */
const INVALID: Record<string, string> = {
  dataDir: 'a\0b',
  listen: '127.0.0.1',
  insecureHttp: 'maybe',
  region: 'US East',
  baseDomain: 'not_a_domain',
  serverNames: 'good.example,bad name',
  'tls.certFile': 'x\0y',
  'tls.keyFile': 'x\0y',
  'tls.minVersion': 'TLSv1.1',
  'fips.mode': 'on',
  'fips.listen': 'localhost',
  'fips.serverNames': 'bad name',
  shutdownGraceMs: '-1',
  'limits.maxHeaderBytes': '12',
  'limits.maxXmlBodyBytes': 'lots',
  'limits.maxBulkXmlBodyBytes': '1TiB',
  'limits.maxObjectSize': '6GiB',
  'limits.handshakeTimeoutMs': '0',
  'limits.headersTimeoutMs': 'soon',
  'limits.requestTimeoutMs': '2d',
  'limits.idleTimeoutMs': '1.5',
  'limits.keepAliveTimeoutMs': '-3',
  'limits.maxConnectionsPerSource': '0',
  'log.level': 'loud',
  'iam.allowRootAccessKeys': 'sometimes',
  mfa: 'sometimes',
  'masterKey.source': 'vault',
  'masterKey.value': 'c2hvcnQ=',
  'masterKey.kmsEndpoint': 'http://kms.example.com',
  'masterKey.kmsKeyId': 'key\nid',
  'masterKey.kmsRegion': 'EU',
  'masterKey.kmsCaFile': 'x\0y',
  'masterKey.kmsAccessKeyId': 'lower-case',
  'masterKey.kmsSecretAccessKey': 'sec\nret',
  'audit.retentionDays': '-1',
  'audit.export.bucket': 'Bad_Bucket',
  'audit.export.prefix': '/leading/slash',
  'audit.export.intervalMs': '1s',
  'discovery.onWrite': 'sometimes',
  'discovery.cpuPercent': '0',
  'discovery.concurrency': '65',
  'discovery.tagObjects': 'perhaps',
  'discovery.quarantine': '*=severe',
  'discovery.webhook.urls': 'https://user:pw@hooks.example.com/x',
  'discovery.webhook.secretFile': 'a\0b',
  'discovery.webhook.minSeverity': 'critical',
  'guards.freeFormFields': 'sometimes',
  'guards.objectKeyNames': 'photos=maybe',
};

describe('loadConfig validation errors', () => {
  it('has an invalid example for every setting', () => {
    assert.deepEqual(Object.keys(INVALID).sort(), SETTINGS.map((s) => s.path).sort());
  });

  for (const s of SETTINGS) {
    it(`names ${s.env} when the environment gives it an invalid value`, () => {
      const e = failure({ env: { [s.env]: INVALID[s.path] } });
      assert.equal(e.message.split('\n').length, 1, e.message);
      assert.ok(e.message.startsWith(`${s.env}: `), e.message);
      assert.deepEqual((e.details.issues as { setting: string }[]).map((i) => i.setting), [s.path]);
    });
  }

  it('names the setting and the config file for a bad value in the file', () => {
    const file = writeJson('bad-listen.json', { listen: 'localhost' });
    const e = failure({ env: {}, file });
    assert.match(e.message, new RegExp(`^listen \\(from config file ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\): expected HOST:PORT`));
    assert.match(e.message, /got "localhost"$/);
  });

  it('names the setting for a bad value given on the command line', () => {
    const e = failure({ env: {}, overrides: { tls: { minVersion: 'SSLv3' as 'TLSv1.2' } } });
    assert.match(e.message, /^tls\.minVersion \(from command line\): expected one of TLSv1\.2, TLSv1\.3/);
  });

  it('refuses a TLS floor below 1.2 from any source', () => {
    for (const v of ['TLSv1', 'TLSv1.1', 'SSLv3']) {
      assert.match(failure({ env: { COFFER_TLS_MIN_VERSION: v } }).message, /versions below TLS 1\.2 are refused/);
    }
  });

  it('accepts IPv6 listen addresses only in brackets and ports only up to 65535', () => {
    assert.deepEqual(loadConfig({ env: { COFFER_LISTEN: '[::]:0' }, cwd: dir }).listen, { host: '::', port: 0 });
    for (const bad of ['::1:9000', '[::1]', '[127.0.0.1]:9000', '127.0.0.1:65536', ':9000', 'host name:80']) {
      assert.match(failure({ env: { COFFER_LISTEN: bad } }).message, /^COFFER_LISTEN: expected HOST:PORT/, bad);
    }
  });

  it('rejects unknown COFFER_* variables by name, suggests the likely one, and never shows their values', () => {
    const e = failure({ env: { COFFER_LISTN: '127.0.0.1:1', COFFER_ADMIN_SECRET: 'hunter2-s3cr3t', PATH: '/bin' } });
    assert.match(e.message, /^COFFER_ADMIN_SECRET: unknown COFFER_\* environment variable$/m);
    assert.match(e.message, /^COFFER_LISTN: unknown COFFER_\* environment variable \(did you mean COFFER_LISTEN\?\)$/m);
    assert.doesNotMatch(e.message, /hunter2|s3cr3t/);
    assert.doesNotMatch(JSON.stringify(e.details), /hunter2|s3cr3t/);
  });

  it('rejects unknown keys in the config file by their path', () => {
    const file = writeJson('typo.json', { tls: { minVerison: 'TLSv1.3' }, colour: 'blue' });
    const e = failure({ env: {}, file });
    assert.match(e.message, /^tls\.minVerison \(from config file .*\): unknown setting \(did you mean tls\.minVersion\?\)$/m);
    assert.match(e.message, /^colour \(from config file .*\): unknown setting$/m);
  });

  it('reports every problem at once, one line each', () => {
    const e = failure({ env: { COFFER_LISTEN: 'x', COFFER_REGION: 'UPPER', COFFER_LOG_LEVEL: 'loud' } });
    assert.deepEqual(e.message.split('\n').map((l) => l.split(':')[0]).sort(), ['COFFER_LISTEN', 'COFFER_LOG_LEVEL', 'COFFER_REGION']);
  });

  it('requires tls.certFile and tls.keyFile together', () => {
    assert.match(failure({ env: { COFFER_TLS_CERT_FILE: '/etc/c.pem' } }).message, /^tls\.keyFile: required when/);
    assert.match(failure({ env: { COFFER_TLS_KEY_FILE: '/etc/k.pem' } }).message, /^tls\.certFile: required when/);
  });

  it('refuses the FIPS endpoint with plain HTTP or on the main listen address', () => {
    assert.match(failure({ env: { COFFER_FIPS_MODE: 'endpoint', COFFER_INSECURE_HTTP: 'true' } }).message, /^COFFER_FIPS_MODE: the FIPS endpoint needs TLS/);
    assert.match(failure({ env: { COFFER_FIPS_MODE: 'strict', COFFER_LISTEN: '127.0.0.1:9443' } }).message, /^fips\.listen: must differ from listen/);
    const c = loadConfig({ env: { COFFER_FIPS_MODE: 'endpoint', COFFER_FIPS_LISTEN: '127.0.0.1:0', COFFER_LISTEN: '127.0.0.1:0' }, cwd: dir });
    assert.deepEqual(c.fips, { mode: 'endpoint', listen: { host: '127.0.0.1', port: 0 }, serverNames: [] });
  });

  it('requires the headers timeout not to exceed the request timeout', () => {
    const e = failure({ env: { COFFER_LIMITS_HEADERS_TIMEOUT_MS: '120s', COFFER_LIMITS_REQUEST_TIMEOUT_MS: '60s' } });
    assert.match(e.message, /^COFFER_LIMITS_HEADERS_TIMEOUT_MS: must not exceed limits\.requestTimeoutMs/);
  });

  it('names the config file when it is missing, not JSON, or not an object, without quoting its content', () => {
    assert.match(failure({ env: {}, file: join(dir, 'absent.json') }).message, /absent\.json \(from --config\): cannot be read \(ENOENT\)/);
    assert.match(failure({ env: { COFFER_CONFIG: join(dir, 'absent.json') } }).message, /^COFFER_CONFIG \(config file .*absent\.json\): cannot be read/);
    const broken = writeJson('broken.json', '{\n  "region": "us-east-1",\n  "password": s3cr3t-value\n}');
    const e = failure({ env: {}, file: broken });
    assert.match(e.message, /is not valid JSON/);
    assert.doesNotMatch(e.message, /s3cr3t/);
    assert.match(failure({ env: {}, file: writeJson('array.json', [1, 2]) }).message, /must contain a JSON object/);
  });
});

describe('src/config/README.md', () => {
  it('documents every setting with its environment variable', () => {
    const readme = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'README.md'), 'utf8');
    for (const s of SETTINGS) {
      assert.ok(readme.includes(`\`${s.path}\``), `README documents ${s.path}`);
      assert.ok(readme.includes(`\`${s.env}\``), `README documents ${s.env}`);
    }
  });
});
