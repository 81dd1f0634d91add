import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { isCofferError } from '../shared/index.js';
import { MasterKey, deriveKey, generateMasterKeyFile, loadMasterKeyFile } from './master-key.js';

const posix = process.platform !== 'win32';

describe('master key file', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-master-key-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a 32-byte file readable only by its owner and loads the same key back', async () => {
    const path = join(dir, 'a.key');
    const created = await generateMasterKeyFile(path);
    const st = await stat(path);
    assert.equal(st.size, 32);
    if (posix) assert.equal(st.mode & 0o777, 0o600);
    const loaded = await loadMasterKeyFile(path);
    assert.deepEqual(loaded.warnings, []);
    assert.equal(loaded.key.id, created.id);
    assert.deepEqual(deriveKey(loaded.key, 'kek/v1'), deriveKey(created, 'kek/v1'));
    assert.deepEqual((await readdir(dir)).sort(), ['a.key'], 'no temp files left behind');
  });

  it('refuses to overwrite an existing key file and leaves it unchanged', async () => {
    const path = join(dir, 'b.key');
    await generateMasterKeyFile(path);
    const before = await readFile(path);
    await assert.rejects(generateMasterKeyFile(path), (e) => isCofferError(e, 'crypto.master_key_exists'));
    assert.deepEqual(await readFile(path), before);
    const other = join(dir, 'not-a-key');
    await writeFile(other, 'hello');
    await assert.rejects(generateMasterKeyFile(other), (e) => isCofferError(e, 'crypto.master_key_exists'));
    assert.equal(await readFile(other, 'utf8'), 'hello');
  });

  it('reports a missing directory as a write failure', async () => {
    await assert.rejects(generateMasterKeyFile(join(dir, 'no-such-dir', 'k.key')), (e) => isCofferError(e, 'crypto.master_key_write_failed'));
  });

  it('rejects a key file of the wrong size and a missing file', async () => {
    for (const size of [0, 31, 33, 64]) {
      const path = join(dir, `size-${size}.key`);
      await writeFile(path, Buffer.alloc(size, 7), { mode: 0o600 });
      await assert.rejects(loadMasterKeyFile(path), (e) => isCofferError(e, 'crypto.master_key_invalid'), `size ${size}`);
    }
    await assert.rejects(loadMasterKeyFile(join(dir, 'missing.key')), (e) => isCofferError(e, 'crypto.master_key_missing'));
    await assert.rejects(loadMasterKeyFile(dir), (e) => isCofferError(e, 'crypto.master_key_invalid'));
  });

  it('warns when the key file is readable by group or others', { skip: !posix }, async () => {
    const path = join(dir, 'loose.key');
    await generateMasterKeyFile(path);
    await chmod(path, 0o644);
    const { warnings } = await loadMasterKeyFile(path);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /group or others/);
  });
});

describe('deriveKey', () => {
  const master = MasterKey.fromBytes(Buffer.alloc(32, 0x42));

  it('gives independent keys for distinct labels and the same key for the same label', () => {
    const kek = deriveKey(master, 'kek/v1');
    assert.equal(kek.length, 32);
    assert.deepEqual(deriveKey(master, 'kek/v1'), kek);
    assert.notDeepEqual(deriveKey(master, 'metadata-db/v1'), kek);
    assert.notDeepEqual(deriveKey(master, 'kek/v2'), kek);
    assert.equal(deriveKey(master, 'metadata-db/v1', 64).length, 64);
  });

  it('matches HKDF-SHA256 with an empty salt and info "coffer/<label>" (RFC 5869)', async () => {
    // Independent HKDF from the RFC's two steps with HMAC, not node's hkdfSync.
    const { createHmac } = await import('node:crypto');
    const prk = createHmac('sha256', Buffer.alloc(32)).update(Buffer.alloc(32, 0x42)).digest();
    const t1 = createHmac('sha256', prk).update(Buffer.concat([Buffer.from('coffer/kek/v1'), Buffer.from([1])])).digest();
    assert.deepEqual(deriveKey(master, 'kek/v1'), t1);
  });

  it('rejects labels without a version and bad lengths', () => {
    for (const label of ['kek', '', 'KEK/v1', 'kek/v', '/kek/v1', 'kek//v1']) {
      assert.throws(() => deriveKey(master, label), (e) => isCofferError(e, 'crypto.invalid_label'), label);
    }
    assert.throws(() => deriveKey(master, 'kek/v1', 0), (e) => isCofferError(e, 'crypto.invalid_length'));
  });

  it('derives a stable, non-secret 16-hex-digit key id', () => {
    assert.match(master.id, /^[0-9a-f]{16}$/);
    assert.equal(MasterKey.fromBytes(Buffer.alloc(32, 0x42)).id, master.id);
    assert.notEqual(MasterKey.fromBytes(Buffer.alloc(32, 0x43)).id, master.id);
  });

  it('keeps the master key bytes out of JSON and util.inspect', () => {
    const text = JSON.stringify(master) + inspect(master, { showHidden: true });
    assert.ok(!text.includes(Buffer.alloc(32, 0x42).toString('hex')));
    assert.ok(!text.includes(Buffer.alloc(32, 0x42).toString('base64')));
    assert.ok(!/66, 66, 66/.test(text));
  });

  it('rejects master keys of the wrong size', () => {
    assert.throws(() => MasterKey.fromBytes(Buffer.alloc(16)), (e) => isCofferError(e, 'crypto.master_key_invalid'));
  });
});
