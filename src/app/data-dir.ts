/**
 * The data directory: layout, initialisation and the "initialised" marker.
 *
 *   DIR/            0700
 *     coffer.json   marker: format version, account id, creation time (no secrets)
 *     master.key    0600, 32 random bytes: the root of every other key (masterKey.source file;
 *                   with kms: master.key.kms, the key wrapped by the external KMS; with env: nothing)
 *     identity.json bootstrap account + admin (secret sealed under the master key)
 *     tls/          local CA and server certificate (keys 0600)
 *     meta/         page-encrypted SQLite metadata (+ WAL)
 *     blobs/        encrypted object data
 */
import { mkdir, readFile, writeFile, stat, chmod, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CofferError } from '../shared/index.js';
import { generateMasterKeyFile, loadMasterKeyFile, type MasterKey } from '../crypto/index.js';
import { createBootstrapIdentity } from '../iam/index.js';
import { loadMasterKeyFrom, type MasterKeySource } from '../kms/index.js';
import type { CofferConfig } from '../config/index.js';
import { ensureTlsMaterial } from '../tls/index.js';

export const MARKER = 'coffer.json';

export interface DataDirPaths {
  root: string;
  marker: string;
  masterKey: string;
  meta: string;
  metaDb: string;
  blobs: string;
  tls: string;
}

export function dataDirPaths(dir: string): DataDirPaths {
  const root = resolve(dir);
  return {
    root,
    marker: join(root, MARKER),
    masterKey: join(root, 'master.key'),
    meta: join(root, 'meta'),
    metaDb: join(root, 'meta', 'coffer.db'),
    blobs: join(root, 'blobs'),
    tls: join(root, 'tls'),
  };
}

export async function isInitialized(dir: string): Promise<boolean> {
  try {
    await stat(dataDirPaths(dir).marker);
    return true;
  } catch {
    return false;
  }
}

export interface InitResult {
  accessKeyId: string;
  secretAccessKey: string;
  caCertFile: string;
  accountId: string;
}

/**
 * Creates and initialises DIR. Refuses an initialised DIR, and a non-empty DIR that is not one
 * (so a typo can never scatter keys into an unrelated folder).
 */
/** The master key source the configuration names (file by default). */
export async function masterKeySourceOf(config: CofferConfig): Promise<MasterKeySource> {
  const mk = config.masterKey;
  if (mk.source === 'env') return { kind: 'env', value: mk.value! };
  if (mk.source === 'kms') {
    return {
      kind: 'kms',
      endpoint: mk.kmsEndpoint!,
      region: mk.kmsRegion,
      credentials: { accessKeyId: mk.kmsAccessKeyId!, secretAccessKey: mk.kmsSecretAccessKey! },
      ...(mk.kmsCaFile ? { ca: await readFile(mk.kmsCaFile, 'utf8') } : {}),
      keyId: mk.kmsKeyId!,
      wrappedKeyPath: join(dataDirPaths(config.dataDir).root, 'master.key.kms'),
    };
  }
  return { kind: 'file', path: dataDirPaths(config.dataDir).masterKey };
}

export async function initDataDir(dir: string, opts: { serverNames: string[]; masterKey?: MasterKeySource }): Promise<InitResult> {
  const p = dataDirPaths(dir);
  if (await isInitialized(dir)) {
    throw new CofferError('init.already_initialized', { message: `${p.root} is already an initialised Coffer data directory; refusing to overwrite it.` });
  }
  await mkdir(p.root, { recursive: true, mode: 0o700 });
  const existing = await readdir(p.root);
  if (existing.length > 0) {
    throw new CofferError('init.not_empty', { message: `${p.root} is not empty and is not a Coffer data directory; choose an empty or new directory.` });
  }
  await chmod(p.root, 0o700);
  // The default writes a new key file; env and kms bring their own key (kms wraps a new one).
  const source = opts.masterKey ?? { kind: 'file', path: p.masterKey };
  const master = source.kind === 'file' ? await generateMasterKeyFile(source.path) : (await loadMasterKeyFrom(source)).key;
  await mkdir(p.meta, { mode: 0o700 });
  await mkdir(p.blobs, { mode: 0o700 });
  const tls = await ensureTlsMaterial({ dir: p.root, names: opts.serverNames });
  const { identity, secretAccessKey } = await createBootstrapIdentity(p.root, master);
  // The marker is written last: a crash during init leaves a directory that init refuses
  // (not empty) rather than a half-initialised one that the server would start on.
  await writeFile(p.marker, JSON.stringify({ format: 1, accountId: identity.accountId, createdAt: new Date().toISOString() }, null, 2) + '\n', { mode: 0o600 });
  return { accessKeyId: identity.admin.accessKeyId, secretAccessKey, caCertFile: tls.caCertFile, accountId: identity.accountId };
}

export async function readMarker(dir: string): Promise<{ format: number; accountId: string }> {
  const raw = JSON.parse(await readFile(dataDirPaths(dir).marker, 'utf8')) as { format: number; accountId: string };
  if (raw.format !== 1) throw new CofferError('init.unsupported_format', { message: `Unsupported data directory format ${String(raw.format)}.` });
  return raw;
}

export async function loadMasterKey(dir: string, source?: MasterKeySource): Promise<{ key: MasterKey; warnings: string[] }> {
  return source && source.kind !== 'file' ? loadMasterKeyFrom(source) : loadMasterKeyFile(dataDirPaths(dir).masterKey);
}
