/**
 * Server-side encryption modes of objects, and the port through which the object layer reaches
 * a KMS. The mode of a version is recorded in its `system` map under the S3 header names (so it
 * is returned as S3 does); each segment's `sealedKey` says how its data key is protected.
 */
import type { ObjectVersionRecord } from '../storage/metadata/port.js';

/** An SSE-C customer key as the request carries it (already checked against its MD5). */
export interface CustomerKey {
  key: Buffer;
  /** base64 MD5 of the key, as sent in x-amz-server-side-encryption-customer-key-MD5. */
  md5: string;
}

/** The encryption a write asks for; null/absent means "the bucket default, else SSE-S3". */
export type SseRequest =
  | { mode: 'AES256' }
  | { mode: 'aws:kms'; keyId?: string | undefined; context?: Record<string, string> | undefined; bucketKey?: boolean | undefined }
  | { mode: 'SSE-C'; customerKey: CustomerKey };

/** Opaque to the object layer: who is asking (the KMS adapter authorises kms:* with it). */
export type KeyCaller = unknown;

/**
 * The caller of in-process services (sensitive-data discovery, audit export) that call the
 * object service directly, without a request: the KMS adapter skips IAM for it, never the key
 * state. Requests always bring their own caller.
 */
export const INTERNAL_CALLER: unique symbol = Symbol.for('coffer.objects.internal-caller');

/** What a request brings to open existing data: its caller and, for SSE-C objects, the key. */
export interface KeyAccess {
  caller: KeyCaller;
  customerKey?: CustomerKey | undefined;
}

/**
 * The KMS as the object layer sees it (implemented over the built-in KMS in src/kms). Every call
 * authorises the caller (kms:GenerateDataKey for writes, kms:Decrypt for reads) and requires the
 * key to be Enabled; errors are the KMS's CofferErrors (kms.disabled, kms.key_deleted, ...).
 */
export interface KmsDataKeys {
  /** Resolves a key id / ARN / alias (undefined: the AWS managed key aws/s3) to its key ARN. */
  resolve(keyId: string | undefined): Promise<string>;
  generateDataKey(args: { keyArn: string; context: Record<string, string>; caller: KeyCaller }): Promise<{ keyArn: string; plaintext: Buffer; ciphertext: Buffer }>;
  decrypt(args: { ciphertext: Buffer; context: Record<string, string>; caller: KeyCaller }): Promise<{ keyArn: string; plaintext: Buffer }>;
  /** Authorises `action` on a key and checks that it is usable, without a cryptographic call (Bucket Keys). */
  check(args: { keyArn: string; action: 'kms:GenerateDataKey' | 'kms:Decrypt'; caller: KeyCaller }): Promise<void>;
  /** The key ARN a ciphertext names, without decrypting it. */
  keyOf(ciphertext: Buffer): string;
}

export const SSE = 'x-amz-server-side-encryption';
export const SSE_KMS_KEY = 'x-amz-server-side-encryption-aws-kms-key-id';
export const SSE_CONTEXT = 'x-amz-server-side-encryption-context';
export const SSE_BUCKET_KEY = 'x-amz-server-side-encryption-bucket-key-enabled';
export const SSE_C_ALGORITHM = 'x-amz-server-side-encryption-customer-algorithm';
export const SSE_C_MD5 = 'x-amz-server-side-encryption-customer-key-md5';

/** Drops any SSE fields from a system map (they are set by the write path, never copied). */
export function withoutSse(system: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(system)) if (!k.startsWith(SSE)) out[k] = v;
  return out;
}

/** The mode a stored version (or upload) was written with. */
export type StoredSse =
  | { mode: 'AES256' }
  | { mode: 'aws:kms'; keyArn: string; context: Record<string, string> | null; bucketKey: boolean }
  | { mode: 'SSE-C'; md5: string };

export function storedSse(system: Readonly<Record<string, string>>): StoredSse {
  if (system[SSE_C_ALGORITHM] !== undefined) return { mode: 'SSE-C', md5: system[SSE_C_MD5] ?? '' };
  if (system[SSE] === 'aws:kms') {
    let context: Record<string, string> | null = null;
    const raw = system[SSE_CONTEXT];
    if (raw !== undefined) context = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as Record<string, string>;
    return { mode: 'aws:kms', keyArn: system[SSE_KMS_KEY] ?? '', context, bucketKey: system[SSE_BUCKET_KEY] === 'true' };
  }
  return { mode: 'AES256' };
}

/** The system fields that record a mode. */
export function sseSystemFields(sse: StoredSse): Record<string, string> {
  if (sse.mode === 'SSE-C') return { [SSE_C_ALGORITHM]: 'AES256', [SSE_C_MD5]: sse.md5 };
  if (sse.mode === 'aws:kms') {
    return {
      [SSE]: 'aws:kms',
      [SSE_KMS_KEY]: sse.keyArn,
      ...(sse.context ? { [SSE_CONTEXT]: Buffer.from(JSON.stringify(sse.context)).toString('base64') } : {}),
      ...(sse.bucketKey ? { [SSE_BUCKET_KEY]: 'true' } : {}),
    };
  }
  return { [SSE]: 'AES256' };
}

/** The mode of a record, for the protocol edge. */
export function recordSse(rec: Pick<ObjectVersionRecord, 'system'>): StoredSse {
  return storedSse(rec.system);
}
