/**
 * The built-in KMS (AWS KMS semantics): customer managed symmetric keys whose material is sealed
 * under the master key in a page-encrypted SQLite file, aliases, rotation, scheduled deletion
 * (crypto-shredding) and the ciphertext blob format of FORMAT.md.
 *
 *   const store = KmsStore.open({ path: join(dataDir, 'kms', 'kms.db'), masterKey });
 *   const kms = createKms({ store, masterKey, clock, region, accountId });
 *   const { KeyId } = kms.createKey({ description: 'tenant a' });
 *   const { ciphertext } = kms.encrypt(KeyId, plaintext, { tenant: 'a' });
 *   kms.decrypt(ciphertext, { tenant: 'a' }).plaintext;
 *
 * Errors are CofferErrors: kms.not_found, kms.disabled, kms.invalid_state, kms.key_deleted,
 * kms.invalid_ciphertext, kms.incorrect_key, kms.validation, kms.already_exists,
 * kms.invalid_alias_name, kms.unsupported_operation, kms.tag.
 */
/** Creates the KMS over a store; every method is synchronous (better-sqlite3). */
export { createKms, type BuiltinKms, type KmsOptions, DEFAULT_ROTATION_DAYS } from './kms.js';
/** The page-encrypted key database (`KmsStore.open({ path, masterKey })`). */
export { KmsStore } from './store.js';
/** Ciphertext blob helpers (FORMAT.md): header parsing and the 4096-byte plaintext limit. */
export { parseCiphertextHeader, isKeyId, MAX_PLAINTEXT } from './ciphertext.js';
/** Key records, aliases and the DescribeKey metadata shape. */
export type { KeyRecord, KeyState, KeyManager, AliasRecord, KeyMetadata } from './types.js';
/** The object layer's KMS port (SSE-KMS) over the built-in KMS; `authorize` decides kms:* for the S3 caller. */
export { createKmsDataKeys, type KmsDataKeysDeps } from './s3-data-keys.js';
/** A SigV4-signed client of an AWS-KMS-API-compatible service (the URL passes assertSafeUrl). */
export { createKmsClient, type KmsClient, type KmsClientOptions } from './kms-client.js';
/** The master key from a key file (default), the environment (base64), or an external KMS (a wrapped data key). */
export { loadMasterKeyFrom, type MasterKeySource } from './master-key-source.js';
