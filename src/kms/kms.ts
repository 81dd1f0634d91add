/**
 * The built-in KMS: customer managed symmetric keys with rotation and scheduled deletion.
 *
 *   createKey:  material = random(32); store seal_master(material, {kmsKey: id, material: "1"})
 *   encrypt:    k = resolve(ref) (must be Enabled; rotate first if automatic rotation is due)
 *               blob = sealCiphertext(material[k.current], {k.id, k.current}, pt, ctx)   (FORMAT.md)
 *   decrypt:    {id, v} = header(blob); k must be Enabled; pt = openCiphertext(material[id, v], blob, ctx)
 *   rotate:     material[id, current + 1] = random(32); older versions stay for decryption
 *   deletion:   schedule -> PendingDeletion (7..30 days, cancellable; unusable meanwhile);
 *               when the date passes (checked on every call and by sweep()), the material rows
 *               are destroyed and the key becomes a tombstone: its ciphertexts can never open again
 *
 * Only AES-256-GCM, HKDF-SHA-256 and crypto.randomBytes are used (FIPS-friendly).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { CofferError, type Clock } from '../shared/index.js';
import { type EncryptionContext, type MasterKey, DataKey, createEnvelope, dataKeyBytes } from '../crypto/index.js';
import { isKeyId, openCiphertext, parseCiphertextHeader, sealCiphertext } from './ciphertext.js';
import type { KmsStore } from './store.js';
import type { AliasRecord, KeyMetadata, KeyRecord } from './types.js';

const DAY = 86_400_000;
const ALIAS_RE = /^alias\/[a-zA-Z0-9/_-]{1,250}$/;
/** Default automatic rotation period (AWS: 365 days, allowed 90..2560). */
export const DEFAULT_ROTATION_DAYS = 365;

export interface KmsOptions {
  store: KmsStore;
  masterKey: MasterKey;
  clock: Clock;
  region: string;
  accountId: string;
  random?: (n: number) => Buffer;
}

export type BuiltinKms = ReturnType<typeof createKms>;

const notFound = (what: string) => new CofferError('kms.not_found', { message: `${what} does not exist.` });
const validation = (message: string) => new CofferError('kms.validation', { message });

export function createKms(opts: KmsOptions) {
  const { store, clock, region, accountId } = opts;
  const random = opts.random ?? randomBytes;
  const envelope = createEnvelope({ masterKey: opts.masterKey, random });
  // Plaintext materials by "id:version": opened once, dropped when a key is shredded.
  const materials = new Map<string, Buffer>();
  let nextDeletion: number | null = store.nextDeletionMs();

  const keyArn = (keyId: string) => `arn:aws:kms:${region}:${accountId}:key/${keyId}`;
  const aliasArn = (name: string) => `arn:aws:kms:${region}:${accountId}:${name}`;

  function sealMaterial(keyId: string, version: number, material: Buffer): string {
    const dk = DataKey.fromBytes(material);
    try {
      return envelope.seal(dk, { kmsKey: keyId, material: String(version) });
    } finally {
      dk.destroy();
    }
  }

  function material(keyId: string, version: number): Buffer {
    const id = `${keyId}:${version}`;
    const hit = materials.get(id);
    if (hit) return hit;
    const sealed = store.getMaterial(keyId, version);
    if (sealed === null) throw new CofferError('kms.invalid_ciphertext', { message: 'The ciphertext refers to key material that does not exist.' });
    const dk = envelope.open(sealed, { kmsKey: keyId, material: String(version) });
    const bytes = Buffer.from(dataKeyBytes(dk));
    dk.destroy();
    materials.set(id, bytes);
    return bytes;
  }

  /** Completes every deletion whose date has passed. Returns how many keys were destroyed. */
  function sweep(): number {
    const now = clock.now();
    if (nextDeletion === null || nextDeletion > now) return 0;
    const due = store.dueDeletions(now);
    for (const keyId of due) {
      store.shred(keyId);
      for (const [k, buf] of materials) {
        if (k.startsWith(`${keyId}:`)) {
          buf.fill(0);
          materials.delete(k);
        }
      }
    }
    nextDeletion = store.nextDeletionMs();
    return due.length;
  }

  /** Resolves a key id, key ARN, alias name or alias ARN to a live (non-tombstone) key. */
  function resolve(ref: string | undefined): KeyRecord {
    sweep();
    if (ref === undefined || ref === '') throw validation('KeyId is required.');
    let id = ref;
    const arnPrefix = `arn:aws:kms:`;
    if (ref.startsWith(arnPrefix)) {
      const m = /^arn:aws:kms:([^:]+):(\d{12}):(key\/.+|alias\/.+)$/.exec(ref);
      if (!m || m[1] !== region || m[2] !== accountId) throw notFound(`Key '${ref.slice(0, 300)}'`);
      id = m[3]!.startsWith('key/') ? m[3]!.slice(4) : m[3]!;
    }
    if (id.startsWith('alias/')) {
      const a = store.getAlias(id);
      if (!a) throw notFound(`Alias '${aliasArn(id).slice(0, 300)}'`);
      id = a.keyId;
    }
    if (!isKeyId(id)) throw notFound(`Key '${ref.slice(0, 300)}'`);
    const k = store.getKey(id);
    if (!k || k.state === 'Deleted') throw notFound(`Key '${keyArn(id)}'`);
    return k;
  }

  function requireUsable(k: KeyRecord): void {
    if (k.state === 'Enabled') return;
    if (k.state === 'Disabled') throw new CofferError('kms.disabled', { message: `${keyArn(k.keyId)} is disabled.`, details: { keyId: k.keyId } });
    if (k.state === 'Deleted') throw new CofferError('kms.key_deleted', { message: `${keyArn(k.keyId)} has been deleted; data encrypted under it cannot be decrypted.`, details: { keyId: k.keyId } });
    throw new CofferError('kms.invalid_state', { message: `${keyArn(k.keyId)} is pending deletion.`, details: { keyId: k.keyId } });
  }

  function rotate(k: KeyRecord, now: number): KeyRecord {
    const version = k.currentMaterial + 1;
    const fresh = random(32);
    const next: KeyRecord = { ...k, currentMaterial: version, nextRotationMs: k.rotationEnabled ? now + k.rotationPeriodDays * DAY : k.nextRotationMs };
    store.addMaterial(next, version, sealMaterial(k.keyId, version, fresh), now);
    fresh.fill(0);
    return next;
  }

  /** The key for a new encryption: usable, with a due automatic rotation applied first. */
  function forEncryption(ref: string | undefined): KeyRecord {
    const k = resolve(ref);
    requireUsable(k);
    const now = clock.now();
    if (k.rotationEnabled && k.nextRotationMs !== null && k.nextRotationMs <= now) return rotate(k, now);
    return k;
  }

  function metadata(k: KeyRecord): KeyMetadata {
    const m: KeyMetadata = {
      AWSAccountId: accountId,
      KeyId: k.keyId,
      Arn: keyArn(k.keyId),
      CreationDate: k.createdMs / 1000,
      Enabled: k.state === 'Enabled',
      Description: k.description,
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeyState: k.state as KeyMetadata['KeyState'],
      Origin: 'AWS_KMS',
      KeyManager: k.keyManager,
      CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      KeySpec: 'SYMMETRIC_DEFAULT',
      EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
      MultiRegion: false,
    };
    if (k.state === 'PendingDeletion' && k.deletionMs !== null) {
      m.DeletionDate = k.deletionMs / 1000;
      if (k.pendingWindowDays !== null) m.PendingDeletionWindowInDays = k.pendingWindowDays;
    }
    return m;
  }

  function customerKey(ref: string | undefined): KeyRecord {
    const k = resolve(ref);
    if (k.keyManager !== 'CUSTOMER') throw new CofferError('kms.unsupported_operation', { message: 'This operation is not supported on AWS managed keys.' });
    return k;
  }

  function validateTags(tags: Record<string, string>): void {
    for (const [k, v] of Object.entries(tags)) {
      if (k.length < 1 || k.length > 128 || v.length > 256 || k.startsWith('aws:')) throw new CofferError('kms.tag', { message: 'Tag keys are 1-128 characters (not starting with aws:) and values at most 256.' });
    }
    if (Object.keys(tags).length > 50) throw new CofferError('kms.tag', { message: 'A key has at most 50 tags.' });
  }

  function newKey(description: string, keyManager: KeyRecord['keyManager'], tags: Record<string, string>): KeyRecord {
    const now = clock.now();
    const k: KeyRecord = {
      keyId: randomUUID(),
      description,
      state: 'Enabled',
      keyManager,
      createdMs: now,
      // AWS managed keys rotate every year, always.
      rotationEnabled: keyManager === 'AWS',
      rotationPeriodDays: DEFAULT_ROTATION_DAYS,
      nextRotationMs: keyManager === 'AWS' ? now + DEFAULT_ROTATION_DAYS * DAY : null,
      currentMaterial: 1,
      deletionMs: null,
      pendingWindowDays: null,
      tags,
    };
    const fresh = random(32);
    store.insertKey(k, sealMaterial(k.keyId, 1, fresh));
    fresh.fill(0);
    return k;
  }

  function checkAliasName(name: string): void {
    if (!ALIAS_RE.test(name)) throw validation("Alias names must begin with 'alias/' followed by 1-250 letters, digits, '/', '_' or '-'.");
    if (name.startsWith('alias/aws/')) throw new CofferError('kms.invalid_alias_name', { message: "Alias names beginning with 'alias/aws/' are reserved." });
  }

  return {
    region,
    accountId,
    keyArn,
    aliasArn,
    resolve,
    sweep,
    metadata,

    createKey(input: { description?: string; tags?: Record<string, string> } = {}): KeyMetadata {
      sweep();
      const description = input.description ?? '';
      if (description.length > 8192) throw validation('Description is at most 8192 characters.');
      validateTags(input.tags ?? {});
      return metadata(newKey(description, 'CUSTOMER', { ...(input.tags ?? {}) }));
    },

    /** The AWS managed key behind `alias/aws/<service>`, created on first use (S3's default SSE-KMS key). */
    managedKey(service: 's3'): KeyRecord {
      sweep();
      const name = `alias/aws/${service}`;
      const a = store.getAlias(name);
      if (a) {
        const k = store.getKey(a.keyId);
        if (k && k.state !== 'Deleted') return k;
      }
      const k = newKey(`Default key that protects my ${service.toUpperCase()} objects when no other key is defined`, 'AWS', {});
      const now = clock.now();
      store.transaction(() => {
        store.deleteAlias(name);
        store.insertAlias({ name, keyId: k.keyId, createdMs: now, updatedMs: now });
      });
      return k;
    },

    describeKey(ref: string | undefined): KeyMetadata {
      return metadata(resolve(ref));
    },

    listKeys(input: { limit?: number; marker?: string } = {}): { keys: { KeyId: string; KeyArn: string }[]; nextMarker: string | null } {
      sweep();
      const limit = input.limit ?? 1000;
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw validation('Limit must be between 1 and 1000.');
      const rows = store.listKeys({ ...(input.marker !== undefined ? { after: input.marker } : {}), limit: limit + 1 });
      const page = rows.slice(0, limit);
      return { keys: page.map((k) => ({ KeyId: k.keyId, KeyArn: keyArn(k.keyId) })), nextMarker: rows.length > limit ? page[page.length - 1]!.keyId : null };
    },

    createAlias(name: string, targetRef: string): void {
      checkAliasName(name);
      const k = customerKey(targetRef);
      if (k.state === 'PendingDeletion') throw new CofferError('kms.invalid_state', { message: `${keyArn(k.keyId)} is pending deletion.` });
      if (store.getAlias(name)) throw new CofferError('kms.already_exists', { message: `An alias with the name ${aliasArn(name)} already exists.` });
      const now = clock.now();
      store.insertAlias({ name, keyId: k.keyId, createdMs: now, updatedMs: now });
    },

    updateAlias(name: string, targetRef: string): void {
      checkAliasName(name);
      sweep();
      if (!store.getAlias(name)) throw notFound(`Alias ${aliasArn(name)}`);
      const k = customerKey(targetRef);
      if (k.state === 'PendingDeletion') throw new CofferError('kms.invalid_state', { message: `${keyArn(k.keyId)} is pending deletion.` });
      store.updateAlias(name, k.keyId, clock.now());
    },

    deleteAlias(name: string): void {
      checkAliasName(name);
      sweep();
      if (!store.deleteAlias(name)) throw notFound(`Alias ${aliasArn(name)}`);
    },

    listAliases(input: { keyRef?: string; limit?: number; marker?: string } = {}): { aliases: (AliasRecord & { arn: string })[]; nextMarker: string | null } {
      sweep();
      const limit = input.limit ?? 100;
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw validation('Limit must be between 1 and 100.');
      const keyId = input.keyRef !== undefined ? resolve(input.keyRef).keyId : undefined;
      const rows = store.listAliases({ ...(keyId !== undefined ? { keyId } : {}), ...(input.marker !== undefined ? { after: input.marker } : {}), limit: limit + 1 });
      const page = rows.slice(0, limit);
      return { aliases: page.map((a) => ({ ...a, arn: aliasArn(a.name) })), nextMarker: rows.length > limit ? page[page.length - 1]!.name : null };
    },

    enableKey(ref: string | undefined): void {
      const k = customerKey(ref);
      if (k.state === 'PendingDeletion') throw new CofferError('kms.invalid_state', { message: `${keyArn(k.keyId)} is pending deletion.` });
      store.updateKey({ ...k, state: 'Enabled' });
    },

    disableKey(ref: string | undefined): void {
      const k = customerKey(ref);
      if (k.state === 'PendingDeletion') throw new CofferError('kms.invalid_state', { message: `${keyArn(k.keyId)} is pending deletion.` });
      store.updateKey({ ...k, state: 'Disabled' });
    },

    enableKeyRotation(ref: string | undefined, periodDays?: number): void {
      const k = customerKey(ref);
      if (k.state !== 'Enabled') requireUsable(k);
      const days = periodDays ?? k.rotationPeriodDays;
      if (!Number.isInteger(days) || days < 90 || days > 2560) throw validation('RotationPeriodInDays must be between 90 and 2560.');
      store.updateKey({ ...k, rotationEnabled: true, rotationPeriodDays: days, nextRotationMs: clock.now() + days * DAY });
    },

    disableKeyRotation(ref: string | undefined): void {
      const k = customerKey(ref);
      if (k.state !== 'Enabled') requireUsable(k);
      store.updateKey({ ...k, rotationEnabled: false, nextRotationMs: null });
    },

    getKeyRotationStatus(ref: string | undefined): { keyId: string; enabled: boolean; periodDays: number | null; nextRotationMs: number | null; onDemandRotationMs: number | null } {
      const k = resolve(ref);
      if (k.state === 'PendingDeletion') throw new CofferError('kms.invalid_state', { message: `${keyArn(k.keyId)} is pending deletion.` });
      const mats = store.listMaterials(k.keyId);
      return {
        keyId: k.keyId,
        enabled: k.rotationEnabled,
        periodDays: k.rotationEnabled ? k.rotationPeriodDays : null,
        nextRotationMs: k.rotationEnabled ? k.nextRotationMs : null,
        onDemandRotationMs: mats.length > 1 ? mats[mats.length - 1]!.createdMs : null,
      };
    },

    /** New material now; data encrypted before keeps decrypting with the older versions. */
    rotateKeyOnDemand(ref: string | undefined): { keyId: string; materialVersion: number } {
      const k = customerKey(ref);
      requireUsable(k);
      const next = rotate(k, clock.now());
      return { keyId: k.keyId, materialVersion: next.currentMaterial };
    },

    scheduleKeyDeletion(ref: string | undefined, windowDays = 30): { keyId: string; deletionMs: number; windowDays: number } {
      const k = customerKey(ref);
      if (!Number.isInteger(windowDays) || windowDays < 7 || windowDays > 30) throw validation('PendingWindowInDays must be between 7 and 30.');
      if (k.state === 'PendingDeletion') throw new CofferError('kms.invalid_state', { message: `${keyArn(k.keyId)} is pending deletion.` });
      const deletionMs = clock.now() + windowDays * DAY;
      store.updateKey({ ...k, state: 'PendingDeletion', deletionMs, pendingWindowDays: windowDays });
      nextDeletion = nextDeletion === null ? deletionMs : Math.min(nextDeletion, deletionMs);
      return { keyId: k.keyId, deletionMs, windowDays };
    },

    /** Back to Disabled, as AWS does: the owner re-enables the key explicitly. */
    cancelKeyDeletion(ref: string | undefined): { keyId: string } {
      const k = customerKey(ref);
      if (k.state !== 'PendingDeletion') throw new CofferError('kms.invalid_state', { message: `${keyArn(k.keyId)} is not pending deletion.` });
      store.updateKey({ ...k, state: 'Disabled', deletionMs: null, pendingWindowDays: null });
      nextDeletion = store.nextDeletionMs();
      return { keyId: k.keyId };
    },

    encrypt(ref: string | undefined, plaintext: Buffer, context: EncryptionContext = {}): { keyId: string; ciphertext: Buffer } {
      const k = forEncryption(ref);
      const ciphertext = sealCiphertext(material(k.keyId, k.currentMaterial), { keyId: k.keyId, materialVersion: k.currentMaterial }, plaintext, context, random);
      return { keyId: k.keyId, ciphertext };
    },

    /**
     * Opens a blob. `expectedRef`, when given, must name the key the blob was made with
     * ('kms.incorrect_key' otherwise), as AWS checks a KeyId passed to Decrypt.
     */
    decrypt(blob: Buffer, context: EncryptionContext = {}, expectedRef?: string): { keyId: string; plaintext: Buffer } {
      sweep();
      const head = parseCiphertextHeader(blob);
      const k = store.getKey(head.keyId);
      if (!k) throw new CofferError('kms.invalid_ciphertext', { message: 'The ciphertext refers to a key that does not exist.' });
      if (expectedRef !== undefined && resolve(expectedRef).keyId !== k.keyId) {
        throw new CofferError('kms.incorrect_key', { message: 'The key ID in the request does not identify the KMS key that encrypted the ciphertext.' });
      }
      requireUsable(k);
      return { keyId: k.keyId, plaintext: openCiphertext(material(k.keyId, head.materialVersion), blob, context) };
    },

    /**
     * Throws unless the key (by id, tombstones included) is Enabled: kms.disabled,
     * kms.invalid_state (pending deletion), kms.key_deleted, kms.not_found.
     */
    assertUsable(keyId: string): void {
      sweep();
      const k = store.getKey(keyId);
      if (!k) throw notFound(`Key '${keyArn(keyId)}'`);
      requireUsable(k);
    },

    /** Who manages a key (tombstones included), or null when there is no such key. */
    managerOf(keyId: string): KeyRecord['keyManager'] | null {
      return store.getKey(keyId)?.keyManager ?? null;
    },

    /** The key a ciphertext names (tombstones included), without decrypting it. */
    keyOfCiphertext(blob: Buffer): string {
      return parseCiphertextHeader(blob).keyId;
    },

    generateDataKey(ref: string | undefined, size: number, context: EncryptionContext = {}): { keyId: string; plaintext: Buffer; ciphertext: Buffer } {
      if (!Number.isInteger(size) || size < 1 || size > 1024) throw validation('NumberOfBytes must be between 1 and 1024.');
      const k = forEncryption(ref);
      const plaintext = random(size);
      const ciphertext = sealCiphertext(material(k.keyId, k.currentMaterial), { keyId: k.keyId, materialVersion: k.currentMaterial }, plaintext, context, random);
      return { keyId: k.keyId, plaintext, ciphertext };
    },

    generateRandom(size: number): Buffer {
      if (!Number.isInteger(size) || size < 1 || size > 1024) throw validation('NumberOfBytes must be between 1 and 1024.');
      return random(size);
    },

    tagResource(ref: string | undefined, tags: Record<string, string>): void {
      const k = customerKey(ref);
      const merged = { ...k.tags, ...tags };
      validateTags(merged);
      store.updateKey({ ...k, tags: merged });
    },

    untagResource(ref: string | undefined, tagKeys: string[]): void {
      const k = customerKey(ref);
      const tags = { ...k.tags };
      for (const t of tagKeys) delete tags[t];
      store.updateKey({ ...k, tags });
    },

    listResourceTags(ref: string | undefined): Record<string, string> {
      return { ...resolve(ref).tags };
    },

    /** Re-seals every key material under a new master key (master-key rotation; no data rewrite). */
    rewrapMaterials(newMaster: MasterKey): number {
      const next = createEnvelope({ masterKey: newMaster, random });
      const all = store.allMaterials();
      store.transaction(() => {
        for (const m of all) {
          const ctx = { kmsKey: m.keyId, material: String(m.version) };
          const dk = envelope.open(m.sealed, ctx);
          store.replaceMaterial(m.keyId, m.version, next.seal(dk, ctx));
          dk.destroy();
        }
      });
      return all.length;
    },

    /** Zeroes the cached materials (on shutdown). */
    close(): void {
      for (const b of materials.values()) b.fill(0);
      materials.clear();
    },
  };
}
