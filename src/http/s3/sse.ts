/**
 * S3 server-side encryption headers: request parsing (SSE-S3, SSE-KMS, SSE-C and the copy-source
 * SSE-C key) and the response headers S3 returns for each mode.
 *
 *   x-amz-server-side-encryption: AES256 | aws:kms  [+ -aws-kms-key-id, -context (base64 JSON), -bucket-key-enabled]
 *   x-amz-server-side-encryption-customer-{algorithm, key (base64, 32 bytes), key-MD5}
 *   SSE-C over plain HTTP is refused (400 InvalidRequest), as S3 does; the MD5 must match.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { CofferError } from '../../shared/index.js';
import { type CustomerKey, type KeyAccess, type SseRequest, storedSse } from '../../objects/index.js';
import { type S3Context, header } from './context.js';

const invalid = (message: string) => new CofferError('sse.invalid_argument', { message });

/** An SSE-C key from `<prefix>algorithm`, `<prefix>key`, `<prefix>key-md5`, or undefined when absent. */
export function customerKeyOf(c: S3Context, prefix = 'x-amz-server-side-encryption-customer-'): CustomerKey | undefined {
  const algorithm = header(c, `${prefix}algorithm`);
  const key = header(c, `${prefix}key`);
  const md5 = header(c, `${prefix}key-md5`);
  if (algorithm === undefined && key === undefined && md5 === undefined) return undefined;
  if (!c.secureTransport) throw new CofferError('sse.insecure_transport');
  if (algorithm !== 'AES256') throw invalid('The customer-provided encryption algorithm must be AES256.');
  if (key === undefined) throw invalid('Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.');
  if (md5 === undefined) throw invalid('Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated MD5 of the secret key.');
  const bytes = Buffer.from(key, 'base64');
  if (bytes.length !== 32 || bytes.toString('base64') !== key) throw invalid('The secret key was invalid for the specified algorithm.');
  const want = Buffer.from(md5, 'base64');
  const got = createHash('md5').update(bytes).digest();
  if (want.length !== got.length || !timingSafeEqual(want, got)) throw invalid('The calculated MD5 hash of the key did not match the hash that was provided.');
  return { key: bytes, md5: got.toString('base64') };
}

/** The encryption a write request asks for (null: none named; the bucket default applies). */
export function sseRequestOf(c: S3Context): SseRequest | null {
  const mode = header(c, 'x-amz-server-side-encryption');
  const keyId = header(c, 'x-amz-server-side-encryption-aws-kms-key-id');
  const context = header(c, 'x-amz-server-side-encryption-context');
  const bucketKey = header(c, 'x-amz-server-side-encryption-bucket-key-enabled');
  const customerKey = customerKeyOf(c);
  if (customerKey) {
    if (mode !== undefined || keyId !== undefined) throw invalid('Server Side Encryption with Customer provided key is incompatible with the encryption method specified.');
    return { mode: 'SSE-C', customerKey };
  }
  if (mode === undefined) {
    if (keyId !== undefined || context !== undefined) throw invalid('Specifying a KMS key or encryption context requires x-amz-server-side-encryption: aws:kms.');
    return null;
  }
  if (mode === 'AES256') {
    if (keyId !== undefined || context !== undefined) throw invalid('A KMS key or encryption context is only valid with aws:kms.');
    return { mode: 'AES256' };
  }
  if (mode !== 'aws:kms') throw invalid('The encryption method specified is not supported.');
  let ctx: Record<string, string> | undefined;
  if (context !== undefined) {
    try {
      const parsed: unknown = JSON.parse(Buffer.from(context, 'base64').toString('utf8'));
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || !Object.values(parsed).every((v) => typeof v === 'string')) throw new Error('not a map');
      ctx = parsed as Record<string, string>;
    } catch {
      throw invalid('The x-amz-server-side-encryption-context header must be base64-encoded JSON of string keys and values.');
    }
    if (Object.keys(ctx).some((k) => k.startsWith('aws:'))) throw invalid('Encryption context keys must not start with aws:.');
  }
  if (bucketKey !== undefined && bucketKey !== 'true' && bucketKey !== 'false') throw invalid('x-amz-server-side-encryption-bucket-key-enabled must be true or false.');
  return { mode: 'aws:kms', keyId, context: ctx, bucketKey: bucketKey === undefined ? undefined : bucketKey === 'true' };
}

/** Who is asking, for kms:* decisions on SSE-KMS keys. */
export function kmsCaller(c: S3Context): unknown {
  return { principal: c.auth.principal, conditionKeys: { 'aws:SecureTransport': c.secureTransport ? 'true' : 'false' } };
}

/** The caller and SSE-C key a read brings (`prefix` for the copy source's key). */
export function keyAccessOf(c: S3Context, prefix?: string): KeyAccess {
  return { caller: kmsCaller(c), customerKey: customerKeyOf(c, prefix) };
}

/** The SSE response headers for a stored version or upload (context only on writes, as S3). */
export function sseResponseHeaders(system: Readonly<Record<string, string>>, opts: { context?: boolean } = {}): Record<string, string> {
  const sse = storedSse(system);
  if (sse.mode === 'SSE-C') return { 'x-amz-server-side-encryption-customer-algorithm': 'AES256', 'x-amz-server-side-encryption-customer-key-MD5': sse.md5 };
  if (sse.mode === 'aws:kms') {
    return {
      'x-amz-server-side-encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': sse.keyArn,
      ...(sse.bucketKey ? { 'x-amz-server-side-encryption-bucket-key-enabled': 'true' } : {}),
      ...(opts.context && sse.context ? { 'x-amz-server-side-encryption-context': Buffer.from(JSON.stringify(sse.context)).toString('base64') } : {}),
    };
  }
  return { 'x-amz-server-side-encryption': 'AES256' };
}

/** True for system-map names that carry SSE state (never echoed as plain metadata). */
export const isSseField = (name: string): boolean => name.startsWith('x-amz-server-side-encryption');
