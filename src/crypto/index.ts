/**
 * Encryption at rest. Every blob is sealed with a fresh random data key in authenticated
 * chunks (stream/FORMAT.md); the data key is sealed under a KEK derived from the master key
 * and bound to the object's identity (envelope/FORMAT.md).
 *
 *   const env = createEnvelope({ masterKey });
 *   const dk = env.generateDataKey();
 *   const sealedKey = env.seal(dk, { bucket, key, version });       // store in metadata
 *   await pipeline(body, createEncryptStream(dk), blobWriter.stream);
 *   ...
 *   const dk2 = env.open(sealedKey, { bucket, key, version });
 *   await pipeline(blobs.read(id), createDecryptStream(dk2, { plaintextSize }), res);
 */

/** Root secret; `id` is a non-secret fingerprint. `MasterKey.fromBytes`, `MasterKey.generate`. */
export { MasterKey, MASTER_KEY_SIZE } from './master-key.js';
/** HKDF-SHA256 subkey for a versioned purpose label ('kek/v1', 'metadata-db/v1', ...). */
export { deriveKey } from './master-key.js';
/** Creates a 32-byte key file (mode 0600, atomic, never overwrites: 'crypto.master_key_exists'). */
export { generateMasterKeyFile } from './master-key.js';
/** Loads a key file; returns `{ key, warnings }` (warnings: loose permissions, foreign owner). */
export { loadMasterKeyFile, type LoadedMasterKey } from './master-key.js';

/** Plaintext data key; not serialisable, redacted in util.inspect. `destroy()` zeroes it. */
export { DataKey, DATA_KEY_SIZE } from './envelope/data-key.js';
/** The bytes of a DataKey (not a copy): only for key services that must hand a key out (KMS GenerateDataKey, SSE-C). */
export { dataKeyBytes } from './envelope/data-key.js';
/** Sealed data key: a base64 string, safe to store. `parseSealedDataKey` validates + brands. */
export { type SealedDataKey, parseSealedDataKey, sealedKeyId } from './envelope/sealed-data-key.js';
/** Sealed key <-> stored string (`sealedKeyFromString` validates, like `parseSealedDataKey`). */
export { sealedKeyToString, sealedKeyFromString } from './envelope/sealed-data-key.js';
/** The identity a data key is bound to, e.g. { bucket, key, version } or { upload, part }. */
export { type EncryptionContext, canonicalContext } from './envelope/context.js';
/** Seals/opens data keys under the master key; open fails closed with 'crypto.unseal_failed'. */
export { createEnvelope, type Envelope, type EnvelopeOptions } from './envelope/envelope.js';
/** Wraps/unwraps a data key under a caller-held 32-byte key (S3 Bucket Keys, SSE-C), bound to a context and a purpose label. */
export { wrapDataKey, unwrapDataKey, WRAPPED_KEY_SIZE } from './envelope/key-wrap.js';
/** Re-seals a data key under a new context and/or master key without touching the blob. */
export { rewrap, type RewrapOptions } from './envelope/rewrap.js';

/**
 * Transform: plaintext -> blob (header + 64 KiB AES-256-GCM chunks), constant memory. Pass
 * `plaintextSize` when known: no copying, and a length mismatch fails ('crypto.size_mismatch').
 */
export { createEncryptStream, type EncryptStreamOptions } from './stream/encrypt-stream.js';
/** Transform: blob (or header + planned range) -> verified plaintext; errors 'crypto.integrity'. */
export { createDecryptStream, type DecryptStreamOptions } from './stream/decrypt-stream.js';
/** Plaintext range -> chunk indexes and inclusive ciphertext byte range to read. */
export { planRange, type RangePlan } from './stream/plan-range.js';
/** Exact blob size for a plaintext size; `plaintextSizeOf` is the inverse. */
export { ciphertextSize, plaintextSizeOf } from './stream/format.js';
/** Parses and validates the 32-byte blob header (e.g. to learn the chunk size before a ranged read). */
export { parseStreamHeader, headerSize, type StreamHeader } from './stream/format.js';
/** Format constants: header size (32), default chunk size (65536), max chunk size, tag size (16). */
export { STREAM_HEADER_SIZE, DEFAULT_CHUNK_SIZE, MAX_CHUNK_SIZE, TAG_SIZE } from './stream/format.js';
