/**
 * Re-wrapping a sealed data key without touching the blob it protects.
 *
 *   dk = from.open(sealed, context); out = (to ?? from).seal(dk, newContext ?? context); wipe dk
 *
 * Used when an object's identity changes (e.g. a version id is assigned after upload) and for
 * master key rotation (open with the old envelope, seal with the new one).
 */
import type { EncryptionContext } from './context.js';
import type { Envelope } from './envelope.js';
import type { SealedDataKey } from './sealed-data-key.js';

export interface RewrapOptions {
  /** Envelope that can open `sealed` (the old master key). */
  from: Envelope;
  /** Envelope to seal with (the new master key); defaults to `from`. */
  to?: Envelope;
  /** Context `sealed` is bound to. */
  context: EncryptionContext;
  /** Context to bind the result to; defaults to `context`. */
  newContext?: EncryptionContext;
}

export function rewrap(sealed: SealedDataKey | string, options: RewrapOptions): SealedDataKey {
  const dk = options.from.open(sealed, options.context);
  try {
    return (options.to ?? options.from).seal(dk, options.newContext ?? options.context);
  } finally {
    dk.destroy();
  }
}
