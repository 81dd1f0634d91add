/**
 * MFA end to end with real clients: virtual devices through `aws iam`, MFA sessions through
 * `aws sts` and @aws-sdk/client-sts, MFA-conditioned identity and trust policies on S3 and
 * AssumeRole. Codes are computed from the returned seed; each test uses a later time step than
 * the one before (the server accepts each step once), so no test waits for a new step.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { CreateBucketCommand, DeleteObjectCommand, ListBucketsCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, GetSessionTokenCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { base32Decode, hotp, timeStep } from '../../../src/mfa/index.js';
import { startCoffer, type Coffer } from '../harness.js';

const AWS = '/usr/bin/aws';

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Codes of strictly increasing steps, never ahead of the server's window (now + 1). */
class Authenticator {
  last: number;
  constructor(
    readonly seed: Buffer,
    last = -1,
  ) {
    this.last = last;
  }
  async next(): Promise<string> {
    let s = Math.max(this.last + 1, timeStep(Date.now()));
    while (s > timeStep(Date.now()) + 1) await new Promise((r) => setTimeout(r, 1000));
    this.last = s;
    return hotp(this.seed, s);
  }
  /** A code for no step near now (a wrong code). */
  wrong(): string {
    return hotp(this.seed, timeStep(Date.now()) + 20);
  }
}

describe('MFA devices, MFA sessions and MFA-conditioned policies', () => {
  let coffer: Coffer;
  let account: string;
  const cli = (creds: Creds | null, ...args: string[]) => {
    const env = { ...coffer.cliEnv() };
    if (creds) {
      env.AWS_ACCESS_KEY_ID = creds.accessKeyId;
      env.AWS_SECRET_ACCESS_KEY = creds.secretAccessKey;
      if (creds.sessionToken) env.AWS_SESSION_TOKEN = creds.sessionToken;
    }
    const r = spawnSync(AWS, ['--endpoint-url', coffer.endpoint, '--output', 'json', ...args], { env, encoding: 'utf8', timeout: 120_000 });
    return { status: r.status, stderr: r.stderr, json: r.status === 0 && r.stdout.trim() ? (JSON.parse(r.stdout) as any) : null };
  };
  const ok = (creds: Creds | null, ...args: string[]) => {
    const r = cli(creds, ...args);
    assert.equal(r.status, 0, `aws ${args.join(' ')}\n${r.stderr}`);
    return r.json;
  };
  const agent = () => new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: coffer.ca }) });
  const s3 = (c: Creds) => new S3Client({ endpoint: coffer.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: c, requestHandler: agent() });
  const sts = (c: Creds) => new STSClient({ endpoint: coffer.endpoint, region: 'us-east-1', credentials: c, requestHandler: agent() });

  /** A user with a key and an inline policy, and an enabled virtual device (through the CLI, as the user). */
  async function userWithDevice(name: string, policy: object): Promise<{ key: Creds; serial: string; auth: Authenticator }> {
    ok(null, 'iam', 'create-user', '--user-name', name);
    ok(null, 'iam', 'put-user-policy', '--user-name', name, '--policy-name', 'p', '--policy-document', JSON.stringify(policy));
    const k = ok(null, 'iam', 'create-access-key', '--user-name', name).AccessKey;
    const key = { accessKeyId: k.AccessKeyId, secretAccessKey: k.SecretAccessKey };
    const outfile = join(coffer.dataDir, '..', `${name}-seed.txt`);
    const created = ok(key, 'iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', name, '--outfile', outfile, '--bootstrap-method', 'Base32StringSeed');
    const serial = created.VirtualMFADevice.SerialNumber as string;
    assert.equal(serial, `arn:aws:iam::${account}:mfa/${name}`);
    const seed = base32Decode(readFileSync(outfile, 'utf8'));
    assert.equal(seed.length, 20);
    const t = timeStep(Date.now());
    ok(key, 'iam', 'enable-mfa-device', '--user-name', name, '--serial-number', serial, '--authentication-code1', hotp(seed, t - 3), '--authentication-code2', hotp(seed, t - 2));
    const listed = ok(key, 'iam', 'list-mfa-devices', '--user-name', name);
    assert.equal(listed.MFADevices[0].SerialNumber, serial);
    return { key, serial, auth: new Authenticator(seed, t - 2) };
  }

  before(async () => {
    coffer = await startCoffer();
    account = ok(null, 'sts', 'get-caller-identity').Account;
    await coffer.client().send(new CreateBucketCommand({ Bucket: 'mfa-data' }));
  });
  after(async () => {
    if (process.env.MFA_TEST_DEBUG) console.log(coffer.stderr().slice(-4000));
    await coffer.dispose();
  });

  const selfService = (name: string) => [
    { Effect: 'Allow', Action: ['iam:CreateVirtualMFADevice'], Resource: `arn:aws:iam::*:mfa/${name}` },
    { Effect: 'Allow', Action: ['iam:EnableMFADevice', 'iam:ListMFADevices', 'iam:ResyncMFADevice'], Resource: `arn:aws:iam::*:user/${name}` },
  ];

  it('denies s3:DeleteObject to long-term keys under a deny-unless-MFA policy and allows it to an MFA session; a reused code is refused', async () => {
    const { key, serial, auth } = await userWithDevice('alice', {
      Version: '2012-10-17',
      Statement: [
        ...selfService('alice'),
        { Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject', 's3:ListAllMyBuckets'], Resource: '*' },
        { Sid: 'DenyDeleteWithoutMFA', Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } },
      ],
    });
    const longTerm = s3(key);
    await longTerm.send(new PutObjectCommand({ Bucket: 'mfa-data', Key: 'a.txt', Body: 'a' }));
    const denied = await longTerm.send(new DeleteObjectCommand({ Bucket: 'mfa-data', Key: 'a.txt' })).catch((e: unknown) => e);
    assert.ok(denied instanceof S3ServiceException && denied.name === 'AccessDenied', String(denied));

    // A session without MFA is still denied (aws:MultiFactorAuthPresent is false).
    const plain = ok(key, 'sts', 'get-session-token', '--duration-seconds', '900').Credentials;
    assert.match(plain.AccessKeyId, /^ASIA/);
    const plainS3 = s3({ accessKeyId: plain.AccessKeyId, secretAccessKey: plain.SecretAccessKey, sessionToken: plain.SessionToken });
    const stillDenied = await plainS3.send(new DeleteObjectCommand({ Bucket: 'mfa-data', Key: 'a.txt' })).catch((e: unknown) => e);
    assert.ok(stillDenied instanceof S3ServiceException && stillDenied.name === 'AccessDenied');

    const code = await auth.next();
    const session = ok(key, 'sts', 'get-session-token', '--serial-number', serial, '--token-code', code).Credentials;
    const creds = { accessKeyId: session.AccessKeyId, secretAccessKey: session.SecretAccessKey, sessionToken: session.SessionToken };
    const expiresIn = Date.parse(session.Expiration) - Date.now();
    assert.ok(expiresIn > 11.9 * 3600_000 && expiresIn <= 12 * 3600_000, 'default duration is 12 hours');
    await s3(creds).send(new DeleteObjectCommand({ Bucket: 'mfa-data', Key: 'a.txt' }));
    const who = await sts(creds).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, `arn:aws:iam::${account}:user/alice`);

    // The same code again (still inside its window) is refused, as AWS does.
    const reused = cli(key, 'sts', 'get-session-token', '--serial-number', serial, '--token-code', code);
    assert.notEqual(reused.status, 0);
    assert.match(reused.stderr, /AccessDenied/);
    assert.match(reused.stderr, /MultiFactorAuthentication failed with invalid MFA one time pass code/);

    // A session token with another session's key is refused; so is a wrong token.
    const forged = await s3({ ...creds, sessionToken: plain.SessionToken }).send(new ListBucketsCommand({})).catch((e: unknown) => e);
    assert.ok(forged instanceof S3ServiceException && forged.name === 'InvalidToken', String(forged));
    // Session credentials cannot get another session token.
    const nested = await sts(creds).send(new GetSessionTokenCommand({})).catch((e: unknown) => e);
    assert.ok(nested instanceof STSServiceException && nested.name === 'AccessDenied');
  });

  it('locks the device after five wrong codes: even the right code is then refused', async () => {
    const { key, serial, auth } = await userWithDevice('mallory', { Version: '2012-10-17', Statement: selfService('mallory') });
    const client = sts(key);
    for (let i = 0; i < 5; i++) {
      const e = await client.send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: auth.wrong() })).catch((x: unknown) => x);
      assert.ok(e instanceof STSServiceException && e.name === 'AccessDenied');
      assert.match(e.message, /invalid MFA one time pass code/);
    }
    const locked = await client.send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: await auth.next() })).catch((x: unknown) => x);
    assert.ok(locked instanceof STSServiceException && locked.name === 'AccessDenied');
    assert.match(locked.message, /too many failed attempts/);
    // An unknown serial number gets AWS's other message.
    const unknown = await client.send(new GetSessionTokenCommand({ SerialNumber: `arn:aws:iam::${account}:mfa/nobody`, TokenCode: '123456' })).catch((x: unknown) => x);
    assert.ok(unknown instanceof STSServiceException);
    assert.match(unknown.message, /unable to validate MFA code/);
  });

  it('assumes a role whose trust policy requires MFA only with a code, and the role session has the role\'s permissions limited by the session policy', async () => {
    const { key, serial, auth } = await userWithDevice('bob', { Version: '2012-10-17', Statement: selfService('bob') });
    const trust = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:user/bob` }, Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }],
    };
    const role = ok(null, 'iam', 'create-role', '--role-name', 'vault-admin', '--assume-role-policy-document', JSON.stringify(trust)).Role;
    ok(null, 'iam', 'put-role-policy', '--role-name', 'vault-admin', '--policy-name', 'list', '--policy-document', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:ListAllMyBuckets', 's3:PutObject'], Resource: '*' }] }));

    const without = cli(key, 'sts', 'assume-role', '--role-arn', role.Arn, '--role-session-name', 'no-mfa');
    assert.notEqual(without.status, 0);
    assert.match(without.stderr, /AccessDenied/);

    const assumed = ok(key, 'sts', 'assume-role', '--role-arn', role.Arn, '--role-session-name', 'with-mfa', '--serial-number', serial, '--token-code', await auth.next(), '--duration-seconds', '900');
    assert.equal(assumed.AssumedRoleUser.Arn, `arn:aws:sts::${account}:assumed-role/vault-admin/with-mfa`);
    const rc = { accessKeyId: assumed.Credentials.AccessKeyId, secretAccessKey: assumed.Credentials.SecretAccessKey, sessionToken: assumed.Credentials.SessionToken };
    const who = ok(rc, 'sts', 'get-caller-identity');
    assert.equal(who.Arn, assumed.AssumedRoleUser.Arn);
    assert.match(who.UserId, new RegExp(`^${role.RoleId}:with-mfa$`));
    const buckets = await s3(rc).send(new ListBucketsCommand({}));
    assert.ok(buckets.Buckets?.some((b) => b.Name === 'mfa-data'));
    // Nothing in the role's policies allows deleting.
    const del = await s3(rc).send(new DeleteObjectCommand({ Bucket: 'mfa-data', Key: 'x' })).catch((e: unknown) => e);
    assert.ok(del instanceof S3ServiceException && del.name === 'AccessDenied');

    // MFA carries over from an MFA session (as on AWS); a session policy narrows the role session.
    const mfaSession = ok(key, 'sts', 'get-session-token', '--serial-number', serial, '--token-code', await auth.next()).Credentials;
    const sc = { accessKeyId: mfaSession.AccessKeyId, secretAccessKey: mfaSession.SecretAccessKey, sessionToken: mfaSession.SessionToken };
    const narrow = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }] });
    const chained = ok(sc, 'sts', 'assume-role', '--role-arn', role.Arn, '--role-session-name', 'narrow', '--policy', narrow).Credentials;
    const nc = { accessKeyId: chained.AccessKeyId, secretAccessKey: chained.SecretAccessKey, sessionToken: chained.SessionToken };
    await s3(nc).send(new PutObjectCommand({ Bucket: 'mfa-data', Key: 'from-role.txt', Body: 'r' }));
    const narrowed = await s3(nc).send(new ListBucketsCommand({})).catch((e: unknown) => e);
    assert.ok(narrowed instanceof S3ServiceException && narrowed.name === 'AccessDenied', String(narrowed));
  });
});
