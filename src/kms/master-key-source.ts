/**
 * Where the master key comes from (the root of every Coffer key: metadata db, IAM db, KMS db,
 * audit, envelopes).
 *
 *   file  (default)  32 raw bytes in <data>/master.key, mode 0600 (crypto/master-key.ts)
 *   env              base64 of 32 bytes, handed over by config/ (which alone reads process.env)
 *   kms              an external AWS-KMS-API-compatible service (AWS KMS or another Coffer):
 *                    first start:  {Plaintext, CiphertextBlob} = GenerateDataKey(keyId, AES_256, ctx)
 *                                  write CiphertextBlob to wrappedKeyPath (0600, never overwritten)
 *                    every start:  Plaintext = Decrypt(CiphertextBlob, ctx, keyId)
 *                    ctx = { "coffer:purpose": "master-key" }; the plaintext never touches disk
 *
 * A disabled, deleted or unreachable external key stops the server from starting (fail closed).
 */
import { constants as fsc } from 'node:fs';
import { link, open, readFile, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { CofferError } from '../shared/index.js';
import { MasterKey, loadMasterKeyFile } from '../crypto/index.js';
import { createKmsClient, type KmsClientOptions } from './kms-client.js';

export type MasterKeySource =
  | { kind: 'file'; path: string }
  | { kind: 'env'; /** base64 of 32 bytes */ value: string }
  | ({ kind: 'kms'; keyId: string; /** Where the wrapped master key (CiphertextBlob) is kept. */ wrappedKeyPath: string } & KmsClientOptions);

const CONTEXT = { 'coffer:purpose': 'master-key' };

/** Loads (for 'kms': creating on first use) the master key. */
export async function loadMasterKeyFrom(source: MasterKeySource): Promise<{ key: MasterKey; warnings: string[] }> {
  if (source.kind === 'file') return loadMasterKeyFile(source.path);
  if (source.kind === 'env') {
    const bytes = Buffer.from(source.value.trim(), 'base64');
    try {
      if (bytes.length !== 32 || bytes.toString('base64') !== source.value.trim()) {
        throw new CofferError('crypto.master_key_invalid', { message: 'the master key in the environment must be the base64 of exactly 32 bytes' });
      }
      return { key: MasterKey.fromBytes(bytes), warnings: [] };
    } finally {
      bytes.fill(0);
    }
  }
  const client = createKmsClient(source);
  let wrapped: Buffer | null = null;
  try {
    wrapped = await readFile(source.wrappedKeyPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new CofferError('crypto.master_key_invalid', { message: 'cannot read the wrapped master key file', cause: e });
  }
  let plaintext: Buffer;
  if (wrapped === null) {
    const r = await client.call('GenerateDataKey', { KeyId: source.keyId, KeySpec: 'AES_256', EncryptionContext: CONTEXT });
    plaintext = Buffer.from(String(r['Plaintext']), 'base64');
    await writeExclusive(source.wrappedKeyPath, Buffer.from(String(r['CiphertextBlob']), 'base64'));
  } else {
    const r = await client.call('Decrypt', { KeyId: source.keyId, CiphertextBlob: wrapped.toString('base64'), EncryptionContext: CONTEXT });
    plaintext = Buffer.from(String(r['Plaintext']), 'base64');
  }
  try {
    return { key: MasterKey.fromBytes(plaintext), warnings: [] };
  } finally {
    plaintext.fill(0);
  }
}

/** Writes a new 0600 file atomically; refuses to replace an existing one (crypto.master_key_exists). */
async function writeExclusive(path: string, bytes: Buffer): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o600);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await link(tmp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new CofferError('crypto.master_key_exists', { message: 'refusing to overwrite an existing wrapped master key file' });
    throw e;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}
