/**
 * The `mfa` deployment setting on a real server: `privileged` (the default) refuses IAM changes
 * and bucket deletion to long-term keys with a message saying how to get an MFA session, and
 * allows them to one; `required` refuses everything but enrolling and GetSessionToken.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { base32Decode, hotp, timeStep } from '../../../src/mfa/index.js';
import { startCoffer, type Coffer } from '../harness.js';

const AWS = '/usr/bin/aws';

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

function cliFor(coffer: Coffer) {
  return (creds: Creds | null, ...args: string[]) => {
    const env = { ...coffer.cliEnv() };
    if (creds) {
      env.AWS_ACCESS_KEY_ID = creds.accessKeyId;
      env.AWS_SECRET_ACCESS_KEY = creds.secretAccessKey;
      if (creds.sessionToken) env.AWS_SESSION_TOKEN = creds.sessionToken;
    }
    const r = spawnSync(AWS, ['--endpoint-url', coffer.endpoint, '--output', 'json', ...args], { env, encoding: 'utf8', timeout: 120_000 });
    return { status: r.status, stderr: r.stderr, json: r.status === 0 && r.stdout.trim() ? (JSON.parse(r.stdout) as any) : null };
  };
}

/** Enrolls the admin's own virtual device with its long-term keys and returns an MFA session. */
function adminMfaSession(coffer: Coffer): Creds {
  const cli = cliFor(coffer);
  const outfile = join(coffer.dataDir, '..', 'admin-seed.txt');
  const created = cli(null, 'iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', 'admin', '--outfile', outfile, '--bootstrap-method', 'Base32StringSeed');
  assert.equal(created.status, 0, created.stderr);
  const serial = created.json.VirtualMFADevice.SerialNumber as string;
  const seed = base32Decode(readFileSync(outfile, 'utf8'));
  const t = timeStep(Date.now());
  const enabled = cli(null, 'iam', 'enable-mfa-device', '--user-name', 'admin', '--serial-number', serial, '--authentication-code1', hotp(seed, t - 2), '--authentication-code2', hotp(seed, t - 1));
  assert.equal(enabled.status, 0, enabled.stderr);
  const s = cli(null, 'sts', 'get-session-token', '--serial-number', serial, '--token-code', hotp(seed, timeStep(Date.now())));
  assert.equal(s.status, 0, s.stderr);
  return { accessKeyId: s.json.Credentials.AccessKeyId, secretAccessKey: s.json.Credentials.SecretAccessKey, sessionToken: s.json.Credentials.SessionToken };
}

describe('mfa: privileged (the default)', () => {
  let coffer: Coffer;
  before(async () => {
    coffer = await startCoffer({ env: { COFFER_MFA: 'privileged' } });
  });
  after(async () => coffer.dispose());

  it('refuses IAM changes and bucket deletion to long-term keys, saying how to get an MFA session, and allows them to an MFA session', () => {
    const cli = cliFor(coffer);
    assert.equal(cli(null, 's3api', 'create-bucket', '--bucket', 'keep-me').status, 0);
    const refused = cli(null, 'iam', 'create-user', '--user-name', 'dave');
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /AccessDenied/);
    assert.match(refused.stderr, /aws iam create-virtual-mfa-device/);
    assert.match(refused.stderr, /aws sts get-session-token --serial-number/);
    const del = cli(null, 's3api', 'delete-bucket', '--bucket', 'keep-me');
    assert.notEqual(del.status, 0);
    assert.match(del.stderr, /AccessDenied/);
    // Reads and data writes need no MFA.
    assert.equal(cli(null, 'iam', 'list-users').status, 0);
    assert.equal(cli(null, 's3api', 'list-buckets').status, 0);

    const session = adminMfaSession(coffer);
    const created = cli(session, 'iam', 'create-user', '--user-name', 'dave');
    assert.equal(created.status, 0, created.stderr);
    assert.equal(cli(session, 's3api', 'delete-bucket', '--bucket', 'keep-me').status, 0);
  });
});

describe('mfa: required', () => {
  let coffer: Coffer;
  before(async () => {
    coffer = await startCoffer({ env: { COFFER_MFA: 'required' } });
  });
  after(async () => coffer.dispose());

  it('lets long-term keys only enroll and get an MFA session', () => {
    const cli = cliFor(coffer);
    const refused = cli(null, 's3api', 'list-buckets');
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /AccessDenied/);
    const plain = cli(null, 'sts', 'get-session-token');
    assert.equal(plain.status, 0, plain.stderr);
    const plainCreds = { accessKeyId: plain.json.Credentials.AccessKeyId, secretAccessKey: plain.json.Credentials.SecretAccessKey, sessionToken: plain.json.Credentials.SessionToken };
    assert.notEqual(cli(plainCreds, 's3api', 'list-buckets').status, 0);
    const session = adminMfaSession(coffer);
    const ok = cli(session, 's3api', 'list-buckets');
    assert.equal(ok.status, 0, ok.stderr);
  });
});
