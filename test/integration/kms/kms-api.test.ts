import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { join } from 'node:path';
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GenerateRandomCommand,
  GetKeyRotationStatusCommand,
  EnableKeyRotationCommand,
  KMSClient,
  ListAliasesCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  ReEncryptCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-kms';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { readAuditEvents } from '../../../src/audit/index.js';
import { loadMasterKeyFile } from '../../../src/crypto/index.js';
import { startCoffer, type Coffer } from '../harness.js';

/** Debian's AWS CLI v2 (the pyenv shim on some machines is v1). */
const AWS = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';

describe('KMS API', () => {
  let coffer: Coffer;
  let kms: KMSClient;
  let requestHandler: NodeHttpHandler;
  const clientFor = (accessKeyId: string, secretAccessKey: string) => new KMSClient({ endpoint: coffer.endpoint, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey }, requestHandler });
  before(async () => {
    coffer = await startCoffer();
    requestHandler = new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: coffer.ca }) });
    kms = clientFor(coffer.accessKeyId, coffer.secretAccessKey);
  });
  after(async () => coffer.dispose());

  it('denies a caller without a policy, and allows exactly what a key-scoped policy grants', async () => {
    const iam = new IAMClient({ endpoint: coffer.endpoint, region: 'us-east-1', credentials: { accessKeyId: coffer.accessKeyId, secretAccessKey: coffer.secretAccessKey }, requestHandler });
    await iam.send(new CreateUserCommand({ UserName: 'kms-user' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'kms-user' }))).AccessKey!;
    const user = clientFor(key.AccessKeyId!, key.SecretAccessKey!);
    await assert.rejects(user.send(new ListKeysCommand({})), (e: Error) => e.name === 'AccessDeniedException');
    const allowed = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const other = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'kms-user',
        PolicyName: 'one-key',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: allowed.Arn }] }),
      }),
    );
    const ct = await user.send(new EncryptCommand({ KeyId: allowed.KeyId, Plaintext: Buffer.from('hello') }));
    const pt = await user.send(new DecryptCommand({ CiphertextBlob: ct.CiphertextBlob }));
    assert.equal(Buffer.from(pt.Plaintext!).toString(), 'hello');
    await assert.rejects(user.send(new EncryptCommand({ KeyId: other.KeyId, Plaintext: Buffer.from('x') })), (e: Error) => e.name === 'AccessDeniedException');
    await assert.rejects(user.send(new DisableKeyCommand({ KeyId: allowed.KeyId })), (e: Error) => e.name === 'AccessDeniedException');
  });

  it('round-trips encrypt, decrypt, re-encrypt and data keys with @aws-sdk/client-kms, checking the encryption context', async () => {
    const created = await kms.send(new CreateKeyCommand({ Description: 'sdk key', Tags: [{ TagKey: 'team', TagValue: 'storage' }] }));
    const keyId = created.KeyMetadata!.KeyId!;
    assert.equal(created.KeyMetadata!.KeyState, 'Enabled');
    assert.equal(created.KeyMetadata!.KeySpec, 'SYMMETRIC_DEFAULT');
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/sdk', TargetKeyId: keyId }));
    const aliases = await kms.send(new ListAliasesCommand({ KeyId: keyId }));
    assert.deepEqual(aliases.Aliases!.map((a) => a.AliasName), ['alias/sdk']);
    const ctx = { tenant: 'acme', purpose: 'test' };
    const enc = await kms.send(new EncryptCommand({ KeyId: 'alias/sdk', Plaintext: Buffer.from('top secret'), EncryptionContext: ctx }));
    assert.equal(enc.KeyId, created.KeyMetadata!.Arn);
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { purpose: 'test', tenant: 'acme' } }));
    assert.equal(Buffer.from(dec.Plaintext!).toString(), 'top secret');
    await assert.rejects(kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { tenant: 'other', purpose: 'test' } })), (e: Error) => e.name === 'InvalidCiphertextException');
    await assert.rejects(kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob })), (e: Error) => e.name === 'InvalidCiphertextException');

    const dk = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: ctx }));
    assert.equal(dk.Plaintext!.length, 32);
    const opened = await kms.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob, EncryptionContext: ctx }));
    assert.deepEqual(Buffer.from(opened.Plaintext!), Buffer.from(dk.Plaintext!));
    const noPlain = await kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: keyId, NumberOfBytes: 16 }));
    assert.equal('Plaintext' in noPlain && noPlain.Plaintext !== undefined, false);
    assert.equal((await kms.send(new DecryptCommand({ CiphertextBlob: noPlain.CiphertextBlob }))).Plaintext!.length, 16);

    const second = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const re = await kms.send(new ReEncryptCommand({ CiphertextBlob: enc.CiphertextBlob, SourceEncryptionContext: ctx, DestinationKeyId: second.KeyId, DestinationEncryptionContext: { moved: 'yes' } }));
    assert.equal(re.SourceKeyId, created.KeyMetadata!.Arn);
    assert.equal(re.KeyId, second.Arn);
    assert.equal(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: re.CiphertextBlob, EncryptionContext: { moved: 'yes' } }))).Plaintext!).toString(), 'top secret');
    assert.equal((await kms.send(new GenerateRandomCommand({ NumberOfBytes: 24 }))).Plaintext!.length, 24);

    await kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'env', TagValue: 'test' }] }));
    await kms.send(new UntagResourceCommand({ KeyId: keyId, TagKeys: ['team'] }));
    assert.deepEqual((await kms.send(new ListResourceTagsCommand({ KeyId: keyId }))).Tags, [{ TagKey: 'env', TagValue: 'test' }]);
  });

  it('keeps old ciphertexts readable across rotation, blocks a disabled key, and refuses a key pending deletion', async () => {
    const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const before = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('before rotation') }));
    await kms.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 180 }));
    await kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    const status = await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
    assert.equal(status.KeyRotationEnabled, true);
    assert.equal(status.RotationPeriodInDays, 180);
    assert.ok(status.OnDemandRotationStartDate instanceof Date);
    assert.equal(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: before.CiphertextBlob }))).Plaintext!).toString(), 'before rotation');

    await kms.send(new DisableKeyCommand({ KeyId: keyId }));
    await assert.rejects(kms.send(new DecryptCommand({ CiphertextBlob: before.CiphertextBlob })), (e: Error) => e.name === 'DisabledException');
    await assert.rejects(kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') })), (e: Error) => e.name === 'DisabledException');
    await kms.send(new EnableKeyCommand({ KeyId: keyId }));

    await assert.rejects(kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 3 })), (e: Error) => e.name === 'ValidationException');
    const scheduled = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    assert.equal(scheduled.KeyState, 'PendingDeletion');
    assert.ok(scheduled.DeletionDate!.getTime() > Date.now() + 6 * 86_400_000);
    await assert.rejects(kms.send(new DecryptCommand({ CiphertextBlob: before.CiphertextBlob })), (e: Error) => e.name === 'KMSInvalidStateException');
    await kms.send(new CancelKeyDeletionCommand({ KeyId: keyId }));
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState, 'Disabled');
    await assert.rejects(kms.send(new DescribeKeyCommand({ KeyId: '00000000-0000-4000-8000-000000000000' })), (e: Error) => e.name === 'NotFoundException');
  });

  it('works with `aws kms` (AWS CLI v2): create-key, encrypt, decrypt and generate-data-key with an encryption context', async () => {
    const work = join(coffer.dataDir, '..', 'kms-cli');
    await mkdir(work, { recursive: true });
    const aws = (...args: string[]) => {
      const r = spawnSync(AWS, ['--endpoint-url', coffer.endpoint, '--output', 'json', ...args], { env: coffer.cliEnv(), encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 0, `aws ${args.join(' ')}\n${r.stderr}`);
      return JSON.parse(r.stdout || '{}') as Record<string, unknown>;
    };
    const keyId = (aws('kms', 'create-key', '--description', 'cli key') as { KeyMetadata: { KeyId: string } }).KeyMetadata.KeyId;
    aws('kms', 'create-alias', '--alias-name', 'alias/cli', '--target-key-id', keyId);
    await writeFile(join(work, 'plain.txt'), 'from the cli');
    const enc = aws('kms', 'encrypt', '--key-id', 'alias/cli', '--plaintext', `fileb://${join(work, 'plain.txt')}`, '--encryption-context', 'app=cli,stage=test');
    await writeFile(join(work, 'blob.bin'), Buffer.from(enc['CiphertextBlob'] as string, 'base64'));
    const dec = aws('kms', 'decrypt', '--ciphertext-blob', `fileb://${join(work, 'blob.bin')}`, '--encryption-context', 'stage=test,app=cli');
    assert.equal(Buffer.from(dec['Plaintext'] as string, 'base64').toString(), 'from the cli');
    const bad = spawnSync(AWS, ['--endpoint-url', coffer.endpoint, 'kms', 'decrypt', '--ciphertext-blob', `fileb://${join(work, 'blob.bin')}`, '--encryption-context', 'app=other'], { env: coffer.cliEnv(), encoding: 'utf8', timeout: 60_000 });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /InvalidCiphertextException/);
    const dk = aws('kms', 'generate-data-key', '--key-id', keyId, '--key-spec', 'AES_256', '--encryption-context', 'purpose=dk');
    await writeFile(join(work, 'dk.bin'), Buffer.from(dk['CiphertextBlob'] as string, 'base64'));
    const dkOpen = aws('kms', 'decrypt', '--ciphertext-blob', `fileb://${join(work, 'dk.bin')}`, '--encryption-context', 'purpose=dk');
    assert.equal(dkOpen['Plaintext'], dk['Plaintext']);
    assert.equal(Buffer.from(dk['Plaintext'] as string, 'base64').length, 32);
    const described = aws('kms', 'describe-key', '--key-id', 'alias/cli') as { KeyMetadata: { Description: string } };
    assert.equal(described.KeyMetadata.Description, 'cli key');
    assert.ok(((await readFile(join(work, 'blob.bin'))).length) > 53);
  });

  it('records every KMS call in the audit trail with key and context, never plaintexts or data keys', async () => {
    const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const secret = 'a plaintext the trail must not hold';
    const enc = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(secret), EncryptionContext: { audit: 'yes' } }));
    const dk = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, NumberOfBytes: 32 }));
    await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { audit: 'yes' } }));
    await coffer.stop();
    const { key: master } = await loadMasterKeyFile(join(coffer.dataDir, 'master.key'));
    const events = [];
    for await (const e of readAuditEvents(join(coffer.dataDir, 'audit'), master)) events.push(e.event);
    coffer = await coffer.restart();
    requestHandler = new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: coffer.ca }) });
    kms = clientFor(coffer.accessKeyId, coffer.secretAccessKey);
    const kmsEvents = events.filter((e) => e.eventSource === 'kms.amazonaws.com');
    const encrypt = kmsEvents.find((e) => e.eventName === 'Encrypt' && (e.requestParameters as { keyId?: string } | null)?.keyId === keyId);
    assert.ok(encrypt, 'Encrypt is recorded');
    assert.deepEqual((encrypt.requestParameters as { encryptionContext: unknown }).encryptionContext, { audit: 'yes' });
    assert.ok(encrypt.resources?.some((r) => r.ARN.endsWith(`key/${keyId}`)));
    assert.ok(kmsEvents.some((e) => e.eventName === 'ListKeys' && e.errorCode === 'AccessDeniedException'), 'a denied call is recorded');
    const text = JSON.stringify(events);
    assert.ok(!text.includes(Buffer.from(secret).toString('base64')) && !text.includes(secret), 'no plaintext in the trail');
    assert.ok(!text.includes(Buffer.from(dk.Plaintext!).toString('base64')), 'no data key in the trail');
  });
});
