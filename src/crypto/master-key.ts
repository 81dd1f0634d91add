/**
 * Master key: the root secret every other Coffer key is derived from.
 *
 *   file      = 32 random bytes, mode 0600, created atomically, never overwritten
 *   keyId     = hex(HKDF-SHA256(master, salt = "", info = "coffer/key-id/v1", 8))
 *   derive(l) = HKDF-SHA256(master, salt = "", info = "coffer/" + l, length)
 *               where l is a versioned label such as "kek/v1" or "metadata-db/v1"
 *
 * Creation writes a private temp file in the target directory, fsyncs it, then link(2)s it to
 * the final name: link fails if the name exists, so an existing key is never replaced, even by
 * a concurrent generator, and a crash leaves either no key file or a complete one.
 */
import { hkdfSync, randomBytes } from 'node:crypto';
import { constants as fsc } from 'node:fs';
import { link, lstat, open, readFile, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { inspect } from 'node:util';
import { CofferError } from '../shared/index.js';

/** Size of a master key in bytes. */
export const MASTER_KEY_SIZE = 32;

const LABEL_RE = /^[a-z0-9][a-z0-9-]*(?:\/[a-z0-9][a-z0-9-]*)*\/v[0-9]+$/;
const secrets = new WeakMap<MasterKey, Buffer>();

/**
 * An in-memory master key. Its bytes are not reachable from outside this module: it does not
 * serialise (JSON.stringify gives "{}") and inspects as `MasterKey { id: ... }`.
 */
export class MasterKey {
  /** Non-secret fingerprint (16 hex chars), stored in every sealed data key. */
  readonly id: string;

  private constructor(bytes: Buffer) {
    secrets.set(this, bytes);
    this.id = hkdf(bytes, 'key-id/v1', 8).toString('hex');
    Object.freeze(this);
  }

  /** Wraps 32 key bytes (copied). Throws 'crypto.master_key_invalid' on a wrong size. */
  static fromBytes(bytes: Uint8Array): MasterKey {
    if (bytes.length !== MASTER_KEY_SIZE) {
      throw new CofferError('crypto.master_key_invalid', {
        message: `master key must be exactly ${MASTER_KEY_SIZE} bytes`,
        details: { size: bytes.length },
      });
    }
    return new MasterKey(Buffer.from(bytes));
  }

  /** A fresh random master key (not persisted). */
  static generate(random: (n: number) => Buffer = randomBytes): MasterKey {
    const bytes = random(MASTER_KEY_SIZE);
    const key = MasterKey.fromBytes(bytes);
    bytes.fill(0);
    return key;
  }

  [inspect.custom](): string {
    return `MasterKey { id: '${this.id}' }`;
  }
}

/**
 * Derives a subkey for one purpose. `label` is versioned and distinct per use
 * ('kek/v1', 'metadata-db/v1', ...), so keys for different purposes are independent.
 */
export function deriveKey(master: MasterKey, label: string, length = 32): Buffer {
  if (!LABEL_RE.test(label)) {
    throw new CofferError('crypto.invalid_label', { message: 'key label must look like "purpose/v1"' });
  }
  if (!Number.isInteger(length) || length < 1 || length > 255 * 32) {
    throw new CofferError('crypto.invalid_length', { message: 'derived key length out of range' });
  }
  const bytes = secrets.get(master);
  if (bytes === undefined) throw new CofferError('crypto.master_key_invalid', { message: 'not a master key' });
  return hkdf(bytes, label, length);
}

function hkdf(ikm: Buffer, label: string, length: number): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), `coffer/${label}`, length));
}

/**
 * Creates a new master key file at `path` (mode 0600) and returns the key.
 * Refuses with 'crypto.master_key_exists' if anything already exists at `path`.
 */
export async function generateMasterKeyFile(
  path: string,
  options: { random?: (n: number) => Buffer } = {},
): Promise<MasterKey> {
  const random = options.random ?? randomBytes;
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);
  const bytes = random(MASTER_KEY_SIZE);
  try {
    if (bytes.length !== MASTER_KEY_SIZE) throw new CofferError('crypto.random_failed', { message: 'short random read' });
    const fh = await open(tmp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | (fsc.O_NOFOLLOW ?? 0), 0o600);
    try {
      // The creation mode is filtered by the umask (only ever narrower); pin it to exactly 0600.
      await fh.chmod(0o600);
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    // link(2) fails with EEXIST instead of replacing, unlike rename(2).
    await link(tmp, path);
    await syncDir(dir);
    return MasterKey.fromBytes(bytes);
  } catch (e) {
    if (e instanceof CofferError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new CofferError('crypto.master_key_exists', { message: 'refusing to overwrite an existing master key file' });
    }
    throw new CofferError('crypto.master_key_write_failed', { message: 'could not create master key file', cause: e });
  } finally {
    bytes.fill(0);
    await unlink(tmp).catch(() => undefined);
  }
}

/** Result of loading a key file: the key plus non-fatal findings (e.g. loose permissions). */
export interface LoadedMasterKey {
  key: MasterKey;
  warnings: string[];
}

/**
 * Loads and validates a master key file: a regular file of exactly 32 bytes.
 * Group/world access is reported in `warnings` (not fatal, so a mis-set mode does not take the
 * server down; the caller logs it). Errors: 'crypto.master_key_missing', 'crypto.master_key_invalid'.
 */
export async function loadMasterKeyFile(path: string): Promise<LoadedMasterKey> {
  const warnings: string[] = [];
  let st;
  try {
    st = await lstat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CofferError('crypto.master_key_missing', { message: 'master key file does not exist', cause: e });
    }
    throw new CofferError('crypto.master_key_invalid', { message: 'cannot stat master key file', cause: e });
  }
  if (st.isSymbolicLink()) warnings.push('master key file is a symbolic link');
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new CofferError('crypto.master_key_invalid', { message: 'cannot read master key file', cause: e });
  }
  try {
    const real = st.isSymbolicLink() ? await stat(path) : st;
    if (!real.isFile()) throw new CofferError('crypto.master_key_invalid', { message: 'master key path is not a regular file' });
    if (process.platform !== 'win32' && (real.mode & 0o077) !== 0) {
      warnings.push(`master key file is accessible by group or others (mode ${(real.mode & 0o777).toString(8)}); run chmod 600`);
    }
    if (process.platform !== 'win32' && typeof process.getuid === 'function' && real.uid !== process.getuid()) {
      warnings.push('master key file is not owned by the user running Coffer');
    }
    return { key: MasterKey.fromBytes(bytes), warnings };
  } finally {
    bytes.fill(0);
  }
}

async function syncDir(dir: string): Promise<void> {
  // Directory fsync makes the new name durable; not supported on every platform, so best effort.
  const fh = await open(dir, fsc.O_RDONLY).catch(() => null);
  if (fh === null) return;
  try {
    await fh.sync().catch(() => undefined);
  } finally {
    await fh.close();
  }
}
