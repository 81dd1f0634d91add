/**
 * S3 MFA Delete with the AWS CLI: enabling it needs x-amz-mfa ("serial code"); once on, deleting
 * an object version and changing versioning need a valid one; plain deletes (delete markers) do not.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { base32Decode, hotp, timeStep } from '../../../src/mfa/index.js';
import { startCoffer, type Coffer } from '../harness.js';

const AWS = '/usr/bin/aws';

describe('MFA Delete on a versioned bucket', () => {
  let coffer: Coffer;
  let serial: string;
  let seed: Buffer;
  let last: number;
  const cli = (...args: string[]) => {
    const r = spawnSync(AWS, ['--endpoint-url', coffer.endpoint, '--output', 'json', ...args], { env: coffer.cliEnv(), encoding: 'utf8', timeout: 120_000 });
    return { status: r.status, stderr: r.stderr, json: r.status === 0 && r.stdout.trim() ? (JSON.parse(r.stdout) as any) : null };
  };
  const ok = (...args: string[]) => {
    const r = cli(...args);
    assert.equal(r.status, 0, `aws ${args.join(' ')}\n${r.stderr}`);
    return r.json;
  };
  /** "serial code" for a later step than any used before. */
  const mfa = async () => {
    let s = Math.max(last + 1, timeStep(Date.now()));
    while (s > timeStep(Date.now()) + 1) await new Promise((r) => setTimeout(r, 1000));
    last = s;
    return `${serial} ${hotp(seed, s)}`;
  };

  before(async () => {
    coffer = await startCoffer();
    ok('s3api', 'create-bucket', '--bucket', 'vault-data');
    ok('s3api', 'put-bucket-versioning', '--bucket', 'vault-data', '--versioning-configuration', 'Status=Enabled');
    const outfile = join(coffer.dataDir, '..', 'seed.txt');
    serial = ok('iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', 'admin', '--outfile', outfile, '--bootstrap-method', 'Base32StringSeed').VirtualMFADevice.SerialNumber;
    seed = base32Decode(readFileSync(outfile, 'utf8'));
    last = timeStep(Date.now()) - 1;
    ok('iam', 'enable-mfa-device', '--user-name', 'admin', '--serial-number', serial, '--authentication-code1', hotp(seed, last - 1), '--authentication-code2', hotp(seed, last));
  });
  after(async () => coffer.dispose());

  it('needs x-amz-mfa to enable MFA Delete', async () => {
    const without = cli('s3api', 'put-bucket-versioning', '--bucket', 'vault-data', '--versioning-configuration', 'Status=Enabled,MFADelete=Enabled');
    assert.notEqual(without.status, 0);
    assert.match(without.stderr, /AccessDenied/);
    ok('s3api', 'put-bucket-versioning', '--bucket', 'vault-data', '--versioning-configuration', 'Status=Enabled,MFADelete=Enabled', '--mfa', await mfa());
    assert.deepEqual(ok('s3api', 'get-bucket-versioning', '--bucket', 'vault-data'), { Status: 'Enabled', MFADelete: 'Enabled' });
  });

  it('blocks deleting a version without a valid x-amz-mfa and allows it with one', async () => {
    const v1 = ok('s3api', 'put-object', '--bucket', 'vault-data', '--key', 'ledger.txt').VersionId as string;
    ok('s3api', 'put-object', '--bucket', 'vault-data', '--key', 'ledger.txt');
    const without = cli('s3api', 'delete-object', '--bucket', 'vault-data', '--key', 'ledger.txt', '--version-id', v1);
    assert.notEqual(without.status, 0);
    assert.match(without.stderr, /AccessDenied/);
    const wrong = cli('s3api', 'delete-object', '--bucket', 'vault-data', '--key', 'ledger.txt', '--version-id', v1, '--mfa', `${serial} ${hotp(seed, timeStep(Date.now()) + 15)}`);
    assert.notEqual(wrong.status, 0);
    assert.match(wrong.stderr, /AccessDenied/);
    ok('s3api', 'delete-object', '--bucket', 'vault-data', '--key', 'ledger.txt', '--version-id', v1, '--mfa', await mfa());
    const versions = ok('s3api', 'list-object-versions', '--bucket', 'vault-data').Versions as { VersionId: string }[];
    assert.ok(!versions.some((v) => v.VersionId === v1));
    // A plain delete only adds a delete marker: no MFA needed.
    ok('s3api', 'delete-object', '--bucket', 'vault-data', '--key', 'ledger.txt');
  });

  it('needs x-amz-mfa to change versioning while MFA Delete is on', async () => {
    const without = cli('s3api', 'put-bucket-versioning', '--bucket', 'vault-data', '--versioning-configuration', 'Status=Suspended');
    assert.notEqual(without.status, 0);
    assert.match(without.stderr, /AccessDenied/);
    ok('s3api', 'put-bucket-versioning', '--bucket', 'vault-data', '--versioning-configuration', 'Status=Enabled,MFADelete=Disabled', '--mfa', await mfa());
    assert.deepEqual(ok('s3api', 'get-bucket-versioning', '--bucket', 'vault-data'), { Status: 'Enabled', MFADelete: 'Disabled' });
    ok('s3api', 'put-bucket-versioning', '--bucket', 'vault-data', '--versioning-configuration', 'Status=Suspended');
  });
});
