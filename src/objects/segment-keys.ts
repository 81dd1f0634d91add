/**
 * The data key of each segment, per encryption mode. `sealedKey` is self-describing:
 *
 *   SSE-S3   <120 base64 chars>            envelope.seal(dk, {...ctx, uid}) under the master key
 *   SSE-KMS  "kms1." b64(blob)              blob = KMS GenerateDataKey(key, {aws:s3:arn: object ARN, ...user ctx})
 *   +BucketKey "kmsbk1." b64(bkBlob) "." b64(w)
 *            bk = KMS GenerateDataKey(key, {aws:s3:arn: bucket ARN}) (cached per bucket and key, 5 min)
 *            w  = wrapDataKey(bk, dk, {...ctx, uid, aws:s3:arn}, 's3-bucket-key/v1')
 *   SSE-C    "ssec1." b64(salt) "." b64(check) "." b64(w)
 *            check = HMAC-SHA256(HKDF(ck, salt, 'coffer/sse-c/check/v1'), 'coffer sse-c key check v1')
 *            w     = wrapDataKey(HKDF(ck, salt, 'coffer/sse-c/kek/v1'), dk, {...ctx, uid}, 'sse-c/v1')
 *            (the customer key ck is never stored; a wrong key fails the check: 403)
 *
 * Bucket Keys save KMS cryptographic calls: writes reuse a cached bucket key and reads reuse a
 * decrypted one, but every use still authorises the caller and requires the KMS key to be
 * usable (kms.check), so disabling or deleting the key blocks access at once.
 */
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { CofferError } from '../shared/index.js';
import {
  DataKey,
  sealedKeyFromString,
  sealedKeyToString,
  unwrapDataKey,
  wrapDataKey,
  type Envelope,
} from '../crypto/index.js';
import type { Clock } from '../shared/index.js';
import type { Segment } from '../storage/metadata/port.js';
import type { CustomerKey, KeyAccess, KeyCaller, KmsDataKeys, StoredSse } from './sse.js';

const BUCKET_KEY_TTL_MS = 5 * 60_000;
const BUCKET_KEY_CACHE = 1024;
const CHECK_MESSAGE = Buffer.from('coffer sse-c key check v1');

/** What a write needs to seal its segments: the stored mode plus, for SSE-C, the key. */
export type WritePlan =
  | { mode: 'AES256' }
  | { mode: 'aws:kms'; keyArn: string; context: Record<string, string> | null; bucketKey: boolean; bucket: string; key: string; caller: KeyCaller }
  | { mode: 'SSE-C'; customerKey: CustomerKey };

export interface PreparedKey {
  dataKey: DataKey;
  sealedKey: string;
  keyContext: Record<string, string>;
}

export interface SegmentKeys {
  create(plan: WritePlan, baseContext: Record<string, string>): Promise<PreparedKey>;
  /** Opens a segment's data key; the caller must destroy() it when done. */
  open(segment: Segment, sse: StoredSse, access: KeyAccess): Promise<DataKey>;
  /** Whether a KMS is configured (SSE-KMS requests fail with sse.kms_unavailable otherwise). */
  readonly kms: KmsDataKeys | null;
}

interface CachedKey {
  plaintext: Buffer;
  ciphertext: Buffer;
  keyArn: string;
  expires: number;
}

function sseC(ck: Buffer, salt: Buffer): { check: Buffer; kek: Buffer } {
  const checkKey = Buffer.from(hkdfSync('sha256', ck, salt, 'coffer/sse-c/check/v1', 32));
  const check = createHmac('sha256', checkKey).update(CHECK_MESSAGE).digest();
  checkKey.fill(0);
  return { check, kek: Buffer.from(hkdfSync('sha256', ck, salt, 'coffer/sse-c/kek/v1', 32)) };
}

const b64 = (b: Buffer) => b.toString('base64');
const unb64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64');

export function createSegmentKeys(deps: { envelope: Envelope; kms?: KmsDataKeys | null; clock: Clock; random?: (n: number) => Buffer }): SegmentKeys {
  const { envelope, clock } = deps;
  const kms = deps.kms ?? null;
  const random = deps.random ?? randomBytes;
  // Bucket keys for writes, by bucket and KMS key; decrypted bucket keys for reads, by blob.
  const writeKeys = new Map<string, CachedKey>();
  const readKeys = new Map<string, CachedKey>();
  const remember = (m: Map<string, CachedKey>, k: string, v: CachedKey) => {
    m.set(k, v);
    if (m.size > BUCKET_KEY_CACHE) {
      const [oldest, entry] = m.entries().next().value!;
      entry.plaintext.fill(0);
      m.delete(oldest);
    }
  };
  const requireKms = (): KmsDataKeys => {
    if (!kms) throw new CofferError('sse.kms_unavailable', { message: 'SSE-KMS is not available on this server.' });
    return kms;
  };

  async function bucketKeyForWrite(plan: Extract<WritePlan, { mode: 'aws:kms' }>): Promise<CachedKey> {
    const k = requireKms();
    const id = `${plan.bucket}\n${plan.keyArn}`;
    const hit = writeKeys.get(id);
    if (hit && hit.expires > clock.now()) {
      await k.check({ keyArn: hit.keyArn, action: 'kms:GenerateDataKey', caller: plan.caller });
      return hit;
    }
    const r = await k.generateDataKey({ keyArn: plan.keyArn, context: { 'aws:s3:arn': `arn:aws:s3:::${plan.bucket}` }, caller: plan.caller });
    const entry = { plaintext: r.plaintext, ciphertext: r.ciphertext, keyArn: r.keyArn, expires: clock.now() + BUCKET_KEY_TTL_MS };
    if (hit) hit.plaintext.fill(0);
    remember(writeKeys, id, entry);
    return entry;
  }

  async function bucketKeyForRead(blob: Buffer, bucketArn: string, caller: KeyCaller): Promise<Buffer> {
    const k = requireKms();
    const id = b64(blob);
    const hit = readKeys.get(id);
    if (hit && hit.expires > clock.now()) {
      try {
        await k.check({ keyArn: hit.keyArn, action: 'kms:Decrypt', caller });
      } catch (err) {
        hit.plaintext.fill(0);
        readKeys.delete(id);
        throw err;
      }
      return hit.plaintext;
    }
    const r = await k.decrypt({ ciphertext: blob, context: { 'aws:s3:arn': bucketArn }, caller });
    remember(readKeys, id, { plaintext: r.plaintext, ciphertext: blob, keyArn: r.keyArn, expires: clock.now() + BUCKET_KEY_TTL_MS });
    return r.plaintext;
  }

  return {
    kms,
    async create(plan, baseContext) {
      // A random id in the context makes every sealed key unique to its blob, so a key sealed
      // for one blob can never open another (no rollback by swapping rows for the same name).
      const keyContext = { ...baseContext, uid: random(12).toString('base64url') };
      if (plan.mode === 'AES256') {
        const dataKey = envelope.generateDataKey();
        return { dataKey, sealedKey: sealedKeyToString(envelope.seal(dataKey, keyContext)), keyContext };
      }
      if (plan.mode === 'SSE-C') {
        const salt = random(16);
        const { check, kek } = sseC(plan.customerKey.key, salt);
        const dataKey = DataKey.generate(random);
        try {
          const wrapped = wrapDataKey(kek, dataKey, keyContext, 'sse-c/v1', random);
          return { dataKey, sealedKey: `ssec1.${b64(salt)}.${b64(check)}.${b64(wrapped)}`, keyContext };
        } finally {
          kek.fill(0);
        }
      }
      const k = requireKms();
      const objectArn = `arn:aws:s3:::${plan.bucket}/${plan.key}`;
      if (plan.bucketKey) {
        const bk = await bucketKeyForWrite(plan);
        const ctx = { ...keyContext, 'aws:s3:arn': `arn:aws:s3:::${plan.bucket}` };
        const dataKey = DataKey.generate(random);
        const wrapped = wrapDataKey(bk.plaintext, dataKey, ctx, 's3-bucket-key/v1', random);
        return { dataKey, sealedKey: `kmsbk1.${b64(bk.ciphertext)}.${b64(wrapped)}`, keyContext: ctx };
      }
      const ctx = { 'aws:s3:arn': objectArn, ...(plan.context ?? {}) };
      const r = await k.generateDataKey({ keyArn: plan.keyArn, context: ctx, caller: plan.caller });
      try {
        return { dataKey: DataKey.fromBytes(r.plaintext), sealedKey: `kms1.${b64(r.ciphertext)}`, keyContext: ctx };
      } finally {
        r.plaintext.fill(0);
      }
    },

    async open(segment, sse, access) {
      const sealed = segment.sealedKey;
      if (sse.mode === 'SSE-C' || sealed.startsWith('ssec1.')) {
        if (!access.customerKey) throw new CofferError('sse.customer_key_required');
        const [, salt, check, wrapped] = sealed.split('.');
        const derived = sseC(access.customerKey.key, unb64(salt));
        try {
          const want = unb64(check);
          if (want.length !== derived.check.length || !timingSafeEqual(want, derived.check)) throw new CofferError('sse.customer_key_mismatch');
          return unwrapDataKey(derived.kek, unb64(wrapped), segment.keyContext, 'sse-c/v1');
        } finally {
          derived.kek.fill(0);
        }
      }
      if (access.customerKey) throw new CofferError('sse.customer_key_not_applicable');
      if (sealed.startsWith('kmsbk1.')) {
        const [, blob, wrapped] = sealed.split('.');
        const bucketArn = segment.keyContext['aws:s3:arn'] ?? '';
        const bk = await bucketKeyForRead(unb64(blob), bucketArn, access.caller);
        return unwrapDataKey(bk, unb64(wrapped), segment.keyContext, 's3-bucket-key/v1');
      }
      if (sealed.startsWith('kms1.')) {
        const r = await requireKms().decrypt({ ciphertext: unb64(sealed.slice(5)), context: segment.keyContext, caller: access.caller });
        try {
          return DataKey.fromBytes(r.plaintext);
        } finally {
          r.plaintext.fill(0);
        }
      }
      return envelope.open(sealedKeyFromString(sealed), segment.keyContext);
    },
  };
}
