import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { type CofferError, isCofferError } from '../../shared/index.js';
import { MasterKey } from '../master-key.js';
import { DataKey, dataKeyBytes } from './data-key.js';
import { createEnvelope } from './envelope.js';
import { rewrap } from './rewrap.js';
import { SEALED_SIZE, type SealedDataKey, parseSealedDataKey, sealedKeyId } from './sealed-data-key.js';

const ctx = { bucket: 'photos', key: '2024/cat.jpg', version: 'v1' };
const unsealFailed = (e: unknown) => isCofferError(e, 'crypto.unseal_failed');

function setup() {
  const masterKey = MasterKey.generate();
  return { masterKey, env: createEnvelope({ masterKey }) };
}

describe('envelope', () => {
  it('opens a sealed data key with the same context and returns the same key bytes', () => {
    const { env } = setup();
    const dk = env.generateDataKey();
    const sealed = env.seal(dk, ctx);
    assert.equal(typeof sealed, 'string');
    assert.equal(Buffer.from(sealed, 'base64').length, SEALED_SIZE);
    const opened = env.open(sealed, { version: 'v1', key: '2024/cat.jpg', bucket: 'photos' }); // order does not matter
    assert.deepEqual(dataKeyBytes(opened), dataKeyBytes(dk));
  });

  it('seals the same key differently each time', () => {
    const { env } = setup();
    const dk = env.generateDataKey();
    assert.notEqual(env.seal(dk, ctx), env.seal(dk, ctx));
  });

  it('records the master key id in the sealed key', () => {
    const { env, masterKey } = setup();
    const sealed = env.seal(env.generateDataKey(), ctx);
    assert.equal(sealedKeyId(sealed), masterKey.id);
    assert.equal(env.keyId, masterKey.id);
  });

  it('rejects a context that differs in any key or value, or has an extra or missing entry', () => {
    const { env } = setup();
    const sealed = env.seal(env.generateDataKey(), ctx);
    const variants: Record<string, string>[] = [
      { ...ctx, version: 'v2' },
      { ...ctx, bucket: 'Photos' },
      { bucket: 'photos', key: '2024/cat.jpg' },
      { ...ctx, extra: '' },
      { bucket: 'photos', key: '2024/cat.jpg', versio: 'nv1' },
      {},
    ];
    for (const v of variants) assert.throws(() => env.open(sealed, v), unsealFailed, JSON.stringify(v));
  });

  it('does not confuse contexts whose concatenated keys and values are equal', () => {
    const { env } = setup();
    const sealed = env.seal(env.generateDataKey(), { bucket: 'a', key: 'b/c' });
    assert.throws(() => env.open(sealed, { bucket: 'a/b', key: 'c' }), unsealFailed);
    assert.throws(() => env.open(sealed, { bucketa: '', key: 'b/c' }), unsealFailed);
  });

  it('rejects a sealed key with any bit flipped', () => {
    const { env } = setup();
    const raw = Buffer.from(env.seal(env.generateDataKey(), ctx), 'base64');
    for (let byte = 0; byte < raw.length; byte++) {
      for (const bit of [0, 7]) {
        const t = Buffer.from(raw);
        t[byte]! ^= 1 << bit;
        assert.throws(() => env.open(t.toString('base64'), ctx), unsealFailed, `byte ${byte} bit ${bit}`);
      }
    }
  });

  it('rejects a sealed key that is truncated, extended or not canonical base64', () => {
    const { env } = setup();
    const sealed = env.seal(env.generateDataKey(), ctx);
    const raw = Buffer.from(sealed, 'base64');
    for (const bad of [
      '',
      sealed.slice(0, -4),
      sealed + 'AAAA',
      Buffer.concat([raw, Buffer.alloc(1)]).toString('base64'),
      '-' + sealed.slice(1), // base64url alphabet
      sealed.slice(0, -1) + '=',
      ' ' + sealed.slice(1),
    ]) {
      assert.throws(() => env.open(bad, ctx), unsealFailed);
    }
    assert.throws(() => parseSealedDataKey('not a key'), unsealFailed);
    assert.equal(parseSealedDataKey(sealed), sealed);
  });

  it('rejects a sealed key made under a different master key', () => {
    const a = setup();
    const b = setup();
    const sealed = a.env.seal(a.env.generateDataKey(), ctx);
    assert.throws(() => b.env.open(sealed, ctx), (e) => unsealFailed(e) && (e as CofferError).details['reason'] === 'key_id_mismatch');
    // Even with the key id forged to match, the tag does not verify under the other master key.
    const raw = Buffer.from(sealed, 'base64');
    Buffer.from(b.masterKey.id, 'hex').copy(raw, 2);
    assert.throws(() => b.env.open(raw.toString('base64'), ctx), unsealFailed);
  });

  it('opens keys sealed by another envelope over the same master key bytes', () => {
    const bytes = randomBytes(32);
    const one = createEnvelope({ masterKey: MasterKey.fromBytes(bytes) });
    const two = createEnvelope({ masterKey: MasterKey.fromBytes(bytes) });
    const dk = one.generateDataKey();
    assert.deepEqual(dataKeyBytes(two.open(one.seal(dk, ctx), ctx)), dataKeyBytes(dk));
  });

  it('refuses to seal with an empty context', () => {
    const { env } = setup();
    assert.throws(() => env.seal(env.generateDataKey(), {}), (e) => isCofferError(e, 'crypto.invalid_context'));
  });

  it('rejects contexts with non-string values', () => {
    const { env } = setup();
    const bad = { bucket: 'b', n: 1 } as unknown as Record<string, string>;
    assert.throws(() => env.seal(env.generateDataKey(), bad), (e) => isCofferError(e, 'crypto.invalid_context'));
    const sealed = env.seal(env.generateDataKey(), ctx);
    assert.throws(() => env.open(sealed, bad), unsealFailed);
  });

  it('rewraps a key to a new context, after which only the new context opens it', () => {
    const { env } = setup();
    const dk = env.generateDataKey();
    const sealed = env.seal(dk, ctx);
    const next = { ...ctx, version: 'v9' };
    const moved = rewrap(sealed, { from: env, context: ctx, newContext: next });
    assert.deepEqual(dataKeyBytes(env.open(moved, next)), dataKeyBytes(dk));
    assert.throws(() => env.open(moved, ctx), unsealFailed);
    assert.throws(() => rewrap(sealed, { from: env, context: next, newContext: ctx }), unsealFailed);
  });

  it('rewraps a key from an old master key to a new one', () => {
    const old = setup();
    const neu = setup();
    const dk = old.env.generateDataKey();
    const rotated = rewrap(old.env.seal(dk, ctx), { from: old.env, to: neu.env, context: ctx });
    assert.equal(sealedKeyId(rotated), neu.masterKey.id);
    assert.deepEqual(dataKeyBytes(neu.env.open(rotated, ctx)), dataKeyBytes(dk));
  });
});

describe('sealed data key format v1 (FORMAT.md)', () => {
  it('matches a fixed known-answer vector', () => {
    // Cross-checked with an independent implementation (Python `cryptography` 48: HKDF + AESGCM).
    const masterKey = MasterKey.fromBytes(Buffer.alloc(32, 0x42));
    const nonce = Buffer.from(Array.from({ length: 32 }, (_, i) => 100 + i));
    const env = createEnvelope({ masterKey, random: (n) => (n === 32 ? Buffer.from(nonce) : randomBytes(n)) });
    const dk = DataKey.fromBytes(Buffer.from(Array.from({ length: 32 }, (_, i) => 200 + i)));
    assert.equal(masterKey.id, 'bd0c6186757ce188');
    const sealed = env.seal(dk, ctx);
    assert.equal(
      sealed,
      'AQG9DGGGdXzhiGRlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDj/kaEIcaLa1aswOFUZcgN6mAlNU5EjYxHk7mLtgBNbwd8Lul12qWuy1omukagwff',
    );
    assert.deepEqual(dataKeyBytes(env.open(sealed, ctx)), dataKeyBytes(dk));
  });
});

describe('DataKey', () => {
  it('cannot be serialised with JSON.stringify, util.inspect, String or structuredClone', () => {
    const dk = DataKey.generate();
    const bytes = dataKeyBytes(dk);
    const renderings = [
      JSON.stringify(dk),
      JSON.stringify({ dk }),
      inspect(dk, { showHidden: true, depth: 5 }),
      inspect({ nested: { dk } }, { showHidden: true }),
      String(dk),
      `${dk}`,
      JSON.stringify(structuredClone({ dk })),
    ];
    for (const r of renderings) {
      for (const enc of ['hex', 'base64', 'base64url', 'latin1'] as const) {
        assert.ok(!r.includes(bytes.toString(enc)), `${r} leaks the key as ${enc}`);
      }
      assert.ok(!/\b\d{1,3}(, \d{1,3}){8,}/.test(r), `${r} looks like a byte list`);
    }
    assert.equal(inspect(dk), 'DataKey { <redacted> }');
    assert.equal(Object.keys(dk).length, 0);
  });

  it('is a distinct type from SealedDataKey and from plain strings (checked by tsc)', () => {
    const { env } = setup();
    const dk = env.generateDataKey();
    const sealed = env.seal(dk, ctx);
    // @ts-expect-error a plaintext key is not a sealed key
    const asSealed: SealedDataKey = dk;
    // @ts-expect-error a sealed key is not a plaintext key
    const asPlain: DataKey = sealed;
    // @ts-expect-error a string becomes a sealed key only through parseSealedDataKey
    const fromString: SealedDataKey = 'abc';
    // @ts-expect-error a look-alike object is not a DataKey
    const lookAlike: DataKey = { destroy() {}, toString: () => '' };
    const stored: string = sealed; // the sealed form is a string and can be stored as one
    assert.ok(asSealed && asPlain && fromString && lookAlike && stored);
  });

  it('is zeroed and unusable after destroy', () => {
    const { env } = setup();
    const dk = env.generateDataKey();
    const bytes = dataKeyBytes(dk);
    dk.destroy();
    assert.ok(bytes.every((b) => b === 0));
    assert.throws(() => env.seal(dk, ctx), (e) => isCofferError(e, 'crypto.invalid_data_key'));
  });

  it('accepts exactly 32 bytes', () => {
    assert.throws(() => DataKey.fromBytes(Buffer.alloc(31)), (e) => isCofferError(e, 'crypto.invalid_data_key'));
    assert.throws(() => DataKey.fromBytes(Buffer.alloc(33)), (e) => isCofferError(e, 'crypto.invalid_data_key'));
    assert.ok(DataKey.fromBytes(Buffer.alloc(32, 1)) instanceof DataKey);
  });
});
