/**
 * The master key sources as a deployment configures them (masterKey.*): a Coffer whose master
 * key is wrapped by another Coffer's KMS initialises, serves, restarts (unwrapping the same key)
 * and refuses to start while the external key is disabled; a Coffer keyed from the environment
 * keeps no key file. Secrets never reach the logs.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateAliasCommand, CreateKeyCommand, DisableKeyCommand, EnableKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { bodyText, startCoffer, type Coffer } from '../harness.js';

const exists = (p: string) => access(p).then(() => true, () => false);

describe('master key sources from the configuration', () => {
  let external: Coffer;
  let kms: KMSClient;
  let scratch: string;
  before(async () => {
    external = await startCoffer();
    kms = new KMSClient({
      endpoint: external.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: external.accessKeyId, secretAccessKey: external.secretAccessKey },
      requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: external.ca }) }),
    });
    const keyId = (await kms.send(new CreateKeyCommand({ Description: 'wraps another Coffer master key' }))).KeyMetadata!.KeyId!;
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/tenant-master', TargetKeyId: keyId }));
    scratch = await mkdtemp(join(tmpdir(), 'coffer-mk-'));
  });
  after(async () => {
    kms.destroy();
    await external.dispose();
    await rm(scratch, { recursive: true, force: true });
  });

  it('keeps only the wrapped key with source kms, serves, restarts, and fails closed while the key is disabled', async () => {
    const caFile = join(scratch, 'external-ca.pem');
    await writeFile(caFile, external.ca);
    const env = {
      COFFER_MASTER_KEY_SOURCE: 'kms',
      COFFER_MASTER_KEY_KMS_ENDPOINT: external.endpoint,
      COFFER_MASTER_KEY_KMS_KEY_ID: 'alias/tenant-master',
      COFFER_MASTER_KEY_KMS_CA_FILE: caFile,
      COFFER_MASTER_KEY_KMS_ACCESS_KEY_ID: external.accessKeyId,
      COFFER_MASTER_KEY_KMS_SECRET_ACCESS_KEY: external.secretAccessKey,
    };
    const tenant = await startCoffer({ env, initWithEnv: true });
    try {
      assert.equal(await exists(join(tenant.dataDir, 'master.key')), false, 'no plaintext key file');
      assert.equal(await exists(join(tenant.dataDir, 'master.key.kms')), true);
      const s3 = tenant.client();
      await s3.send(new CreateBucketCommand({ Bucket: 'tenant' }));
      await s3.send(new PutObjectCommand({ Bucket: 'tenant', Key: 'a.txt', Body: 'under an external master key' }));
      const again = await tenant.restart();
      const got = await again.client().send(new GetObjectCommand({ Bucket: 'tenant', Key: 'a.txt' }));
      assert.equal(await bodyText(got.Body), 'under an external master key');
      await again.stop();
      await kms.send(new DisableKeyCommand({ KeyId: 'alias/tenant-master' }));
      await assert.rejects(again.restart(), 'a disabled external key stops the start');
      await kms.send(new EnableKeyCommand({ KeyId: 'alias/tenant-master' }));
      const third = await again.restart();
      assert.equal(third.stderr().includes(external.secretAccessKey), false, 'the external secret is never logged');
      await third.stop();
    } finally {
      await kms.send(new EnableKeyCommand({ KeyId: 'alias/tenant-master' })).catch(() => undefined);
      await tenant.dispose();
    }
  });

  it('takes the key from the environment with source env and writes no key file', async () => {
    const value = randomBytes(32).toString('base64');
    const c = await startCoffer({ env: { COFFER_MASTER_KEY_SOURCE: 'env', COFFER_MASTER_KEY_VALUE: value }, initWithEnv: true });
    try {
      assert.equal(await exists(join(c.dataDir, 'master.key')), false);
      const s3 = c.client();
      await s3.send(new CreateBucketCommand({ Bucket: 'envkey' }));
      await s3.send(new PutObjectCommand({ Bucket: 'envkey', Key: 'k', Body: 'v' }));
      assert.equal(c.stderr().includes(value), false, 'the key is never logged');
    } finally {
      await c.dispose();
    }
  });
});
