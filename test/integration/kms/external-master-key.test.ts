import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateAliasCommand, CreateKeyCommand, DisableKeyCommand, EnableKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { KmsStore, createKms, loadMasterKeyFrom, type MasterKeySource } from '../../../src/kms/index.js';
import { isCofferError } from '../../../src/shared/index.js';
import { startCoffer, type Coffer } from '../harness.js';

describe('master key from an external KMS (a second Coffer on loopback)', () => {
  let external: Coffer;
  let dir: string;
  let source: Extract<MasterKeySource, { kind: 'kms' }>;
  let kms: KMSClient;
  before(async () => {
    external = await startCoffer();
    dir = await mkdtemp(join(tmpdir(), 'coffer-extkey-'));
    kms = new KMSClient({
      endpoint: external.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: external.accessKeyId, secretAccessKey: external.secretAccessKey },
      requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: external.ca }) }),
    });
    const keyId = (await kms.send(new CreateKeyCommand({ Description: 'master key of another Coffer' }))).KeyMetadata!.KeyId!;
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/coffer-master', TargetKeyId: keyId }));
    source = {
      kind: 'kms',
      endpoint: external.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: external.accessKeyId, secretAccessKey: external.secretAccessKey },
      ca: external.ca,
      keyId: 'alias/coffer-master',
      wrappedKeyPath: join(dir, 'master.key.kms'),
    };
  });
  after(async () => {
    kms.destroy();
    await external.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the master key as a data key of the external KMS once, then unwraps the same key at every start', async () => {
    const first = await loadMasterKeyFrom(source);
    assert.equal(((await stat(source.wrappedKeyPath)).mode & 0o777), 0o600);
    const again = await loadMasterKeyFrom(source);
    assert.equal(again.key.id, first.key.id);
    // Data sealed under the first key opens with the key fetched again (here: a KMS database).
    const storePath = join(dir, 'kms.db');
    const store = KmsStore.open({ path: storePath, masterKey: first.key });
    const local = createKms({ store, masterKey: first.key, clock: { now: () => Date.now() }, region: 'us-east-1', accountId: '123456789012' });
    const { KeyId } = local.createKey();
    const blob = local.encrypt(KeyId, Buffer.from('sealed under an external master key')).ciphertext;
    store.close();
    const reopened = KmsStore.open({ path: storePath, masterKey: again.key });
    const local2 = createKms({ store: reopened, masterKey: again.key, clock: { now: () => Date.now() }, region: 'us-east-1', accountId: '123456789012' });
    assert.equal(local2.decrypt(blob).plaintext.toString(), 'sealed under an external master key');
    reopened.close();
  });

  it('fails closed while the external key is disabled, and works again once it is enabled', async () => {
    await kms.send(new DisableKeyCommand({ KeyId: 'alias/coffer-master' }));
    await assert.rejects(loadMasterKeyFrom(source), (e) => isCofferError(e, 'kms.external_error') && e.details['type'] === 'DisabledException');
    await kms.send(new EnableKeyCommand({ KeyId: 'alias/coffer-master' }));
    assert.ok((await loadMasterKeyFrom(source)).key.id);
  });

  it('refuses external KMS URLs with credentials in them, and plain HTTP to a non-loopback host', async () => {
    const url = new URL(external.endpoint);
    await assert.rejects(loadMasterKeyFrom({ ...source, endpoint: `https://user:secret@${url.host}` }), (e) => isCofferError(e, 'guards.unsafe_url'));
    await assert.rejects(loadMasterKeyFrom({ ...source, endpoint: `${external.endpoint}/?X-Amz-Signature=abc` }), (e) => isCofferError(e, 'guards.unsafe_url'));
    await assert.rejects(loadMasterKeyFrom({ ...source, endpoint: 'http://kms.example.com', allowLoopbackHttp: true }), (e) => isCofferError(e, 'guards.unsafe_url'));
  });

  it('takes the master key from the environment as base64 of 32 bytes, and refuses anything else', async () => {
    const bytes = randomBytes(32);
    const a = await loadMasterKeyFrom({ kind: 'env', value: bytes.toString('base64') });
    const b = await loadMasterKeyFrom({ kind: 'env', value: bytes.toString('base64') });
    assert.equal(a.key.id, b.key.id);
    await assert.rejects(loadMasterKeyFrom({ kind: 'env', value: randomBytes(16).toString('base64') }), (e) => isCofferError(e, 'crypto.master_key_invalid'));
    await assert.rejects(loadMasterKeyFrom({ kind: 'env', value: 'not base64!' }), (e) => isCofferError(e, 'crypto.master_key_invalid'));
  });
});
