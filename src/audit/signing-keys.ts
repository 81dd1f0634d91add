/**
 * Checkpoint signing keys: random Ed25519 keys, sealed at rest under a key derived from the
 * master key, with published public keys (C2SP vkeys) that carry a MAC.
 *
 *   wrap  = deriveKey(master, "audit-signing-wrap/v1");  mac = deriveKey(master, "audit-mac/v1")
 *   keys/<id>.vkey   = vkey "\n" "mac " hex(HMAC-SHA256(mac, vkey)) "\n"
 *   keys/<id>.sealed = nonce(12) | AES-256-GCM(wrap, PKCS#8 DER, AAD = vkey) | tag(16)
 *   keys/current     = id of the signing key (rotation: new key, then atomic rename of current)
 */
import { createCipheriv, createDecipheriv, createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deriveKey, type MasterKey } from '../crypto/index.js';
import { CofferError } from '../shared/index.js';
import { parseVkey, vkeyOf, type VerifierKey } from './checkpoint.js';
import { writeFileDurable } from './fs-util.js';

export interface SigningKey {
  name: string;
  keyId: string;
  privateKey: KeyObject;
  vkey: string;
}

function vkeyMac(master: MasterKey, vkey: string): Buffer {
  return createHmac('sha256', deriveKey(master, 'audit-mac/v1')).update(vkey, 'utf8').digest();
}

/** Creates a new signing key in DIR/keys and makes it current. */
export async function rotateSigningKey(dir: string, master: MasterKey, name: string): Promise<SigningKey> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const vkey = vkeyOf(name, publicKey);
  const keyId = vkey.split('+')[1] as string;
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', deriveKey(master, 'audit-signing-wrap/v1'), nonce);
  c.setAAD(Buffer.from(vkey, 'utf8'));
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const sealed = Buffer.concat([nonce, c.update(der), c.final(), c.getAuthTag()]);
  der.fill(0);
  const keys = join(dir, 'keys');
  await writeFileDurable(join(keys, `${keyId}.sealed`), sealed);
  await writeFileDurable(join(keys, `${keyId}.vkey`), `${vkey}\nmac ${vkeyMac(master, vkey).toString('hex')}\n`);
  await writeFileDurable(join(keys, 'current'), `${keyId}\n`, { replace: true });
  return { name, keyId, privateKey, vkey };
}

/** Loads the current signing key, creating the first one when there is none. */
export async function loadOrCreateSigningKey(dir: string, master: MasterKey, name: string): Promise<SigningKey> {
  let keyId: string;
  try {
    keyId = (await readFile(join(dir, 'keys', 'current'), 'utf8')).trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return rotateSigningKey(dir, master, name);
    throw e;
  }
  const fail = (why: string) => new CofferError('audit.signing_key_invalid', { message: `audit signing key ${why}` });
  if (!/^[0-9a-f]{8}$/.test(keyId)) throw fail('reference is malformed');
  const vkeyFile = await readFile(join(dir, 'keys', `${keyId}.vkey`), 'utf8');
  const vkey = vkeyFile.split('\n')[0] ?? '';
  const parsed = parseVkey(vkey);
  if (!parsed || parsed.keyId !== keyId || parsed.name !== name) throw fail('public key is malformed or belongs to another trail');
  const sealed = await readFile(join(dir, 'keys', `${keyId}.sealed`));
  try {
    const d = createDecipheriv('aes-256-gcm', deriveKey(master, 'audit-signing-wrap/v1'), sealed.subarray(0, 12));
    d.setAAD(Buffer.from(vkey, 'utf8'));
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    const der = Buffer.concat([d.update(sealed.subarray(12, sealed.length - 16)), d.final()]);
    const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    der.fill(0);
    const pub = createPublicKey(privateKey);
    if (vkeyOf(name, pub) !== vkey) throw fail('does not match its public key');
    return { name, keyId, privateKey, vkey };
  } catch (e) {
    if (e instanceof CofferError) throw e;
    throw fail('cannot be unsealed with this master key');
  }
}

export interface PublishedKeys {
  keys: Map<string, VerifierKey>;
  /** Key files that are malformed or whose MAC does not verify (with the master key). */
  rejected: { file: string; reason: string }[];
}

/**
 * The public keys under DIR/keys that a verifier may trust: with the master key, those whose
 * MAC verifies; without it, only those also listed in `trustedKeys` (vkey strings).
 */
export async function loadPublishedKeys(dir: string, opts: { masterKey?: MasterKey; trustedKeys?: readonly string[] }): Promise<PublishedKeys> {
  const keys = new Map<string, VerifierKey>();
  const rejected: PublishedKeys['rejected'] = [];
  for (const t of opts.trustedKeys ?? []) {
    const k = parseVkey(t);
    if (!k) rejected.push({ file: '(trustedKeys)', reason: 'malformed vkey' });
    else keys.set(k.keyId, k);
  }
  if (!opts.masterKey) return { keys, rejected };
  let names: string[] = [];
  try {
    names = await readdir(join(dir, 'keys'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  for (const f of names.filter((n) => n.endsWith('.vkey')).sort()) {
    const [vkey = '', macLine = ''] = (await readFile(join(dir, 'keys', f), 'utf8')).split('\n');
    const k = parseVkey(vkey);
    const mac = /^mac ([0-9a-f]{64})$/.exec(macLine);
    if (!k || !mac || `${k.keyId}.vkey` !== f) {
      rejected.push({ file: `keys/${f}`, reason: 'malformed public key file' });
      continue;
    }
    if (!timingSafeEqual(Buffer.from(mac[1] as string, 'hex'), vkeyMac(opts.masterKey, vkey))) {
      rejected.push({ file: `keys/${f}`, reason: 'public key MAC does not verify (key not issued with this master key)' });
      continue;
    }
    keys.set(k.keyId, k);
  }
  return { keys, rejected };
}
