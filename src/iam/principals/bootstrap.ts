/**
 * The bootstrap identity created by `coffer init`: one account and an admin user with one
 * access key. The secret access key is stored sealed (AES-256-GCM under a key derived from the
 * master key, bound to the access key id), never in plaintext, and is shown only once.
 * The server imports this admin into the IAM store at start-up (provisionAdminUser); the
 * sealed format is the IAM store's own (iam/store/secret-seal.ts), so the key imports as is.
 */
import { randomInt } from 'node:crypto';
import { readFile, writeFile, rename, open } from 'node:fs/promises';
import { join } from 'node:path';
import { CofferError } from '../../shared/index.js';
import type { MasterKey } from '../../crypto/index.js';
import { SecretSealer } from '../store/secret-seal.js';
import { newAccessKeyId, newId, newSecretAccessKey } from '../store/names.js';

export interface BootstrapIdentity {
  version: 1;
  accountId: string;
  admin: { userName: string; userId: string; arn: string; accessKeyId: string; sealedSecret: string; createdAt: string };
}

const FILE = 'identity.json';

function randomDigits(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(randomInt(10));
  return s;
}

export function sealSecret(master: MasterKey, accessKeyId: string, secret: string): string {
  return new SecretSealer(master).seal(accessKeyId, secret).toString('base64');
}

export function openSecret(master: MasterKey, accessKeyId: string, sealed: string): string {
  return new SecretSealer(master).open(accessKeyId, Buffer.from(sealed, 'base64'));
}

/** Creates the account and admin user; returns the one-time plaintext secret. */
export async function createBootstrapIdentity(dataDir: string, master: MasterKey): Promise<{ identity: BootstrapIdentity; secretAccessKey: string }> {
  const accountId = String(randomInt(1, 10)) + randomDigits(11);
  const accessKeyId = newAccessKeyId();
  const secretAccessKey = newSecretAccessKey();
  const identity: BootstrapIdentity = {
    version: 1,
    accountId,
    admin: {
      userName: 'admin',
      userId: newId('AIDA'),
      arn: `arn:aws:iam::${accountId}:user/admin`,
      accessKeyId,
      sealedSecret: sealSecret(master, accessKeyId, secretAccessKey),
      createdAt: new Date().toISOString(),
    },
  };
  const path = join(dataDir, FILE);
  const tmp = path + '.tmp';
  await writeFile(tmp, JSON.stringify(identity, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  const fh = await open(tmp, 'r');
  await fh.sync();
  await fh.close();
  await rename(tmp, path);
  return { identity, secretAccessKey };
}

export async function loadBootstrapIdentity(dataDir: string): Promise<BootstrapIdentity> {
  const raw = JSON.parse(await readFile(join(dataDir, FILE), 'utf8')) as BootstrapIdentity;
  if (raw.version !== 1 || !raw.admin?.accessKeyId || !raw.admin.sealedSecret) throw new CofferError('iam.identity_corrupt', { message: `The identity file ${FILE} is not valid.` });
  return raw;
}
