/** S3 naming rules for buckets and object keys. */
import { CofferError } from '../shared/index.js';

const BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IPV4_RE = /^\d{1,3}(\.\d{1,3}){3}$/;

/** General-purpose bucket naming rules (docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html). */
export function validateBucketName(name: string): void {
  const ok =
    BUCKET_RE.test(name) &&
    !name.includes('..') &&
    !name.includes('.-') &&
    !name.includes('-.') &&
    !IPV4_RE.test(name) &&
    !name.startsWith('xn--') &&
    !name.startsWith('sthree-') &&
    !name.startsWith('amzn-s3-demo-') &&
    !name.endsWith('-s3alias') &&
    !name.endsWith('--ol-s3') &&
    !name.endsWith('.mrap') &&
    !name.endsWith('--x-s3') &&
    !name.endsWith('--table-s3');
  if (!ok) throw new CofferError('objects.invalid_bucket_name');
}

export const MAX_KEY_BYTES = 1024;

/** Keys are 1..1024 bytes of UTF-8 (lone surrogates cannot be encoded and are refused). */
export function validateKey(key: string): void {
  if (key.length === 0) throw new CofferError('objects.invalid_key');
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) throw new CofferError('objects.key_too_long');
  if (!key.isWellFormed()) throw new CofferError('objects.invalid_key');
}
