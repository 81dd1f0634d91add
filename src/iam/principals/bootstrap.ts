/**
 * The bootstrap identity created by `coffer init`: one account and an admin user with one
 * access key. The secret access key is stored sealed (AES-256-GCM under a key derived from the
 * master key, bound to the access key id), never in plaintext, and is shown only once.
 * The IAM issue replaces this file store with IAM users in the metadata store.
 *
 *   kek = HKDF(master, 'access-key-secret/v1')
 *   sealed = v1 || nonce(12) || AES-256-GCM(kek, nonce, secret, aad = 'coffer/access-key/v1|' || accessKeyId) || tag
 */
import { createCipheriv, createDecipheriv, randomBytes, randomInt } from 'node:crypto';
import { readFile, writeFile, rename, open } from 'node:fs/promises';
import { join } from 'node:path';
import { CofferError } from '../../shared/index.js';
import { type MasterKey, deriveKey } from '../../crypto/index.js';

export interface BootstrapIdentity {
  version: 1;
  accountId: string;
  admin: { userName: string; userId: string; arn: string; accessKeyId: string; sealedSecret: string; createdAt: string };
}

export interface Principal {
  /** Stable id recorded as owner and principalId. */
  id: string;
  arn: string;
  accountId: string;
  userName: string;
  type: 'IAMUser';
}

const FILE = 'identity.json';
const AAD_PREFIX = 'coffer/access-key/v1|';
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomChars(alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

export function newAccessKeyId(): string {
  return 'AKIA' + randomChars(B32, 16);
}

export function newSecretAccessKey(): string {
  return randomChars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 40);
}

function kek(master: MasterKey): Buffer {
  return deriveKey(master, 'access-key-secret/v1');
}

export function sealSecret(master: MasterKey, accessKeyId: string, secret: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek(master), nonce);
  cipher.setAAD(Buffer.from(AAD_PREFIX + accessKeyId));
  const ct = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([1]), nonce, ct, cipher.getAuthTag()]).toString('base64');
}

export function openSecret(master: MasterKey, accessKeyId: string, sealed: string): string {
  const raw = Buffer.from(sealed, 'base64');
  if (raw.length < 1 + 12 + 16 || raw[0] !== 1) throw new CofferError('crypto.unseal_failed');
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek(master), raw.subarray(1, 13));
    decipher.setAAD(Buffer.from(AAD_PREFIX + accessKeyId));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([decipher.update(raw.subarray(13, raw.length - 16)), decipher.final()]).toString('utf8');
  } catch (cause) {
    throw new CofferError('crypto.unseal_failed', { cause });
  }
}

/** Creates the account and admin user; returns the one-time plaintext secret. */
export async function createBootstrapIdentity(dataDir: string, master: MasterKey): Promise<{ identity: BootstrapIdentity; secretAccessKey: string }> {
  const accountId = String(randomInt(1, 10)) + randomChars('0123456789', 11);
  const accessKeyId = newAccessKeyId();
  const secretAccessKey = newSecretAccessKey();
  const identity: BootstrapIdentity = {
    version: 1,
    accountId,
    admin: {
      userName: 'admin',
      userId: 'AIDA' + randomChars(B32, 17),
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

/** The findSecret seam for SigV4: looks an access key up and opens its secret. */
export function bootstrapSecretFinder(identity: BootstrapIdentity, master: MasterKey) {
  const principal: Principal = { id: identity.admin.userId, arn: identity.admin.arn, accountId: identity.accountId, userName: identity.admin.userName, type: 'IAMUser' };
  const secret = openSecret(master, identity.admin.accessKeyId, identity.admin.sealedSecret);
  return async (accessKeyId: string): Promise<{ secretAccessKey: string; principal: Principal } | null> =>
    accessKeyId === identity.admin.accessKeyId ? { secretAccessKey: secret, principal } : null;
}
