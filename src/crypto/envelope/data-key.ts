/**
 * DataKey: the plaintext 256-bit key of one blob, held only in memory.
 *
 *   bytes live in a module-private WeakMap, never on the object itself, so
 *   JSON.stringify(dk) === '{}', structuredClone(dk) carries nothing, util.inspect(dk) is redacted;
 *   only this crypto area reads them (dataKeyBytes), to seal them or to key a stream.
 *
 * `DataKey` and `SealedDataKey` are distinct types: a plaintext key cannot be stored by mistake.
 */
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { CofferError } from '../../shared/index.js';

/** Size of a data key in bytes (AES-256). */
export const DATA_KEY_SIZE = 32;

const secrets = new WeakMap<DataKey, Buffer>();
declare const dataKeyBrand: unique symbol;

export class DataKey {
  declare private readonly [dataKeyBrand]: true;

  private constructor(bytes: Buffer) {
    secrets.set(this, bytes);
    Object.freeze(this);
  }

  /** A fresh random data key. */
  static generate(random: (n: number) => Buffer = randomBytes): DataKey {
    const bytes = random(DATA_KEY_SIZE);
    const dk = DataKey.fromBytes(bytes);
    bytes.fill(0);
    return dk;
  }

  /**
   * Wraps 32 key bytes (copied), e.g. a customer-provided key (SSE-C) or a key just unsealed.
   * Throws 'crypto.invalid_data_key' on a wrong size.
   */
  static fromBytes(bytes: Uint8Array): DataKey {
    if (bytes.length !== DATA_KEY_SIZE) {
      throw new CofferError('crypto.invalid_data_key', { message: `data key must be exactly ${DATA_KEY_SIZE} bytes` });
    }
    return new DataKey(Buffer.from(bytes));
  }

  /** Overwrites the key bytes with zeros; the key is unusable afterwards. */
  destroy(): void {
    const b = secrets.get(this);
    if (b !== undefined) {
      b.fill(0);
      secrets.delete(this);
    }
  }

  [inspect.custom](): string {
    return 'DataKey { <redacted> }';
  }

  toString(): string {
    return '[DataKey]';
  }
}

/** Internal to src/crypto: the raw bytes (not a copy; do not keep or modify them). */
export function dataKeyBytes(dk: DataKey): Buffer {
  const b = secrets.get(dk);
  if (b === undefined) throw new CofferError('crypto.invalid_data_key', { message: 'data key is destroyed or not a DataKey' });
  return b;
}
