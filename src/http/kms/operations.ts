/**
 * The KMS operation table: each operation parses its JSON input, authorises `kms:<Op>` on the
 * key it acts on (or '*' for account-level operations), calls the built-in KMS and returns the
 * AWS-shaped output. Audit parameters never include plaintexts or data keys.
 */
import { CofferError } from '../../shared/index.js';
import type { BuiltinKms } from '../../kms/index.js';
import type { KmsAudit } from './handler.js';

export interface KmsOperationContext {
  kms: BuiltinKms;
  input: Record<string, unknown>;
  audit: KmsAudit;
  /** Throws AccessDenied unless the caller may perform `action` on `resource`. */
  authorize(action: string, resource: string): void;
}

interface KmsOperation {
  readOnly: boolean;
  run(c: KmsOperationContext): Promise<Record<string, unknown>> | Record<string, unknown>;
}

const invalid = (message: string) => new CofferError('kms.validation', { message });

function str(c: KmsOperationContext, name: string, required: true): string;
function str(c: KmsOperationContext, name: string, required?: false): string | undefined;
function str(c: KmsOperationContext, name: string, required = false): string | undefined {
  const v = c.input[name];
  if (v === undefined || v === null) {
    if (required) throw invalid(`1 validation error detected: Value null at '${name.charAt(0).toLowerCase() + name.slice(1)}' failed to satisfy constraint: Member must not be null`);
    return undefined;
  }
  if (typeof v !== 'string') throw new CofferError('kms.serialization', { message: `${name} must be a string.` });
  return v;
}

function int(c: KmsOperationContext, name: string): number | undefined {
  const v = c.input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new CofferError('kms.serialization', { message: `${name} must be an integer.` });
  return v;
}

function blob(c: KmsOperationContext, name: string): Buffer {
  const v = str(c, name, true);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 !== 0) throw new CofferError('kms.serialization', { message: `${name} must be base64.` });
  const b = Buffer.from(v, 'base64');
  if (b.length === 0) throw invalid(`${name} must not be empty.`);
  return b;
}

function context(c: KmsOperationContext, name = 'EncryptionContext'): Record<string, string> {
  const v = c.input[name];
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new CofferError('kms.serialization', { message: `${name} must be a map of strings.` });
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (typeof val !== 'string') throw new CofferError('kms.serialization', { message: `${name} values must be strings.` });
    out[k] = val;
  }
  return out;
}

function tagList(c: KmsOperationContext): Record<string, string> {
  const v = c.input['Tags'];
  if (v === undefined || v === null) return {};
  if (!Array.isArray(v)) throw new CofferError('kms.serialization', { message: 'Tags must be a list.' });
  const out: Record<string, string> = {};
  for (const t of v as unknown[]) {
    const tag = t as { TagKey?: unknown; TagValue?: unknown };
    if (typeof tag?.TagKey !== 'string' || typeof tag.TagValue !== 'string') throw invalid('Each tag has a TagKey and a TagValue.');
    out[tag.TagKey] = tag.TagValue;
  }
  return out;
}

/** Bytes of a data key: NumberOfBytes or KeySpec AES_256 / AES_128, exactly one of them. */
function dataKeySize(c: KmsOperationContext): number {
  const n = int(c, 'NumberOfBytes');
  const spec = str(c, 'KeySpec');
  if (n !== undefined && spec !== undefined) throw invalid('Specify either KeySpec or NumberOfBytes, not both.');
  if (spec !== undefined) {
    if (spec === 'AES_256') return 32;
    if (spec === 'AES_128') return 16;
    throw invalid("KeySpec must be 'AES_256' or 'AES_128'.");
  }
  if (n === undefined) throw invalid('Specify either KeySpec or NumberOfBytes.');
  return n;
}

function algorithm(c: KmsOperationContext, name = 'EncryptionAlgorithm'): void {
  const a = str(c, name);
  if (a !== undefined && a !== 'SYMMETRIC_DEFAULT') throw invalid(`${name} must be SYMMETRIC_DEFAULT for symmetric keys.`);
}

/** Resolves the key and authorises the action on its ARN. */
function key(c: KmsOperationContext, action: string, name = 'KeyId') {
  const ref = str(c, name, true);
  const k = c.kms.resolve(ref);
  const arn = c.kms.keyArn(k.keyId);
  c.authorize(action, arn);
  return { keyId: k.keyId, arn };
}

const b64 = (b: Buffer) => b.toString('base64');
const seconds = (ms: number | null) => (ms === null ? undefined : ms / 1000);

function params(c: KmsOperationContext, names: string[]): void {
  const p: Record<string, unknown> = {};
  for (const n of names) {
    const v = c.input[n];
    if (v !== undefined) p[n.charAt(0).toLowerCase() + n.slice(1)] = v;
  }
  c.audit.requestParameters = p;
}

export const KMS_OPERATIONS = {
  CreateKey: {
    readOnly: false,
    run(c) {
      params(c, ['Description', 'KeyUsage', 'KeySpec', 'CustomerMasterKeySpec', 'Origin', 'MultiRegion']);
      c.authorize('kms:CreateKey', '*');
      const usage = str(c, 'KeyUsage');
      if (usage !== undefined && usage !== 'ENCRYPT_DECRYPT') throw new CofferError('kms.unsupported_operation', { message: 'Only ENCRYPT_DECRYPT keys are supported.' });
      const spec = str(c, 'KeySpec') ?? str(c, 'CustomerMasterKeySpec');
      if (spec !== undefined && spec !== 'SYMMETRIC_DEFAULT') throw new CofferError('kms.unsupported_operation', { message: 'Only SYMMETRIC_DEFAULT keys are supported.' });
      const origin = str(c, 'Origin');
      if (origin !== undefined && origin !== 'AWS_KMS') throw new CofferError('kms.unsupported_operation', { message: 'Only AWS_KMS key origin is supported.' });
      if (c.input['MultiRegion'] === true) throw new CofferError('kms.unsupported_operation', { message: 'Multi-Region keys are not supported.' });
      const description = str(c, 'Description');
      const m = c.kms.createKey({ ...(description !== undefined ? { description } : {}), tags: tagList(c) });
      c.audit.resources.push({ type: 'AWS::KMS::Key', ARN: m.Arn });
      c.audit.responseElements = { keyMetadata: m };
      return { KeyMetadata: m };
    },
  },
  DescribeKey: {
    readOnly: true,
    run(c) {
      params(c, ['KeyId']);
      const { keyId } = key(c, 'kms:DescribeKey');
      return { KeyMetadata: c.kms.describeKey(keyId) };
    },
  },
  ListKeys: {
    readOnly: true,
    run(c) {
      params(c, ['Limit', 'Marker']);
      c.authorize('kms:ListKeys', '*');
      const limit = int(c, 'Limit');
      const marker = str(c, 'Marker');
      const r = c.kms.listKeys({ ...(limit !== undefined ? { limit } : {}), ...(marker !== undefined ? { marker } : {}) });
      return { Keys: r.keys, Truncated: r.nextMarker !== null, ...(r.nextMarker !== null ? { NextMarker: r.nextMarker } : {}) };
    },
  },
  CreateAlias: {
    readOnly: false,
    run(c) {
      params(c, ['AliasName', 'TargetKeyId']);
      const name = str(c, 'AliasName', true);
      c.authorize('kms:CreateAlias', c.kms.aliasArn(name));
      const { keyId } = key(c, 'kms:CreateAlias', 'TargetKeyId');
      c.kms.createAlias(name, keyId);
      return {};
    },
  },
  UpdateAlias: {
    readOnly: false,
    run(c) {
      params(c, ['AliasName', 'TargetKeyId']);
      const name = str(c, 'AliasName', true);
      c.authorize('kms:UpdateAlias', c.kms.aliasArn(name));
      const { keyId } = key(c, 'kms:UpdateAlias', 'TargetKeyId');
      c.kms.updateAlias(name, keyId);
      return {};
    },
  },
  DeleteAlias: {
    readOnly: false,
    run(c) {
      params(c, ['AliasName']);
      const name = str(c, 'AliasName', true);
      c.authorize('kms:DeleteAlias', c.kms.aliasArn(name));
      c.kms.deleteAlias(name);
      return {};
    },
  },
  ListAliases: {
    readOnly: true,
    run(c) {
      params(c, ['KeyId', 'Limit', 'Marker']);
      c.authorize('kms:ListAliases', '*');
      const keyRef = str(c, 'KeyId');
      const limit = int(c, 'Limit');
      const marker = str(c, 'Marker');
      const r = c.kms.listAliases({ ...(keyRef !== undefined ? { keyRef } : {}), ...(limit !== undefined ? { limit } : {}), ...(marker !== undefined ? { marker } : {}) });
      return {
        Aliases: r.aliases.map((a) => ({ AliasName: a.name, AliasArn: a.arn, TargetKeyId: a.keyId, CreationDate: a.createdMs / 1000, LastUpdatedDate: a.updatedMs / 1000 })),
        Truncated: r.nextMarker !== null,
        ...(r.nextMarker !== null ? { NextMarker: r.nextMarker } : {}),
      };
    },
  },
  EnableKey: simple('kms:EnableKey', (kms, id) => kms.enableKey(id)),
  DisableKey: simple('kms:DisableKey', (kms, id) => kms.disableKey(id)),
  DisableKeyRotation: simple('kms:DisableKeyRotation', (kms, id) => kms.disableKeyRotation(id)),
  EnableKeyRotation: {
    readOnly: false,
    run(c) {
      params(c, ['KeyId', 'RotationPeriodInDays']);
      const { keyId } = key(c, 'kms:EnableKeyRotation');
      c.kms.enableKeyRotation(keyId, int(c, 'RotationPeriodInDays'));
      return {};
    },
  },
  GetKeyRotationStatus: {
    readOnly: true,
    run(c) {
      params(c, ['KeyId']);
      const { keyId, arn } = key(c, 'kms:GetKeyRotationStatus');
      const s = c.kms.getKeyRotationStatus(keyId);
      return {
        KeyRotationEnabled: s.enabled,
        KeyId: arn,
        ...(s.periodDays !== null ? { RotationPeriodInDays: s.periodDays } : {}),
        ...(s.nextRotationMs !== null ? { NextRotationDate: seconds(s.nextRotationMs) } : {}),
        ...(s.onDemandRotationMs !== null ? { OnDemandRotationStartDate: seconds(s.onDemandRotationMs) } : {}),
      };
    },
  },
  RotateKeyOnDemand: {
    readOnly: false,
    run(c) {
      params(c, ['KeyId']);
      const { keyId, arn } = key(c, 'kms:RotateKeyOnDemand');
      c.kms.rotateKeyOnDemand(keyId);
      return { KeyId: arn };
    },
  },
  ScheduleKeyDeletion: {
    readOnly: false,
    run(c) {
      params(c, ['KeyId', 'PendingWindowInDays']);
      const { keyId, arn } = key(c, 'kms:ScheduleKeyDeletion');
      const r = c.kms.scheduleKeyDeletion(keyId, int(c, 'PendingWindowInDays'));
      c.audit.responseElements = { keyId: arn, keyState: 'PendingDeletion', deletionDate: new Date(r.deletionMs).toISOString(), pendingWindowInDays: r.windowDays };
      return { KeyId: arn, DeletionDate: r.deletionMs / 1000, KeyState: 'PendingDeletion', PendingWindowInDays: r.windowDays };
    },
  },
  CancelKeyDeletion: {
    readOnly: false,
    run(c) {
      params(c, ['KeyId']);
      const { keyId, arn } = key(c, 'kms:CancelKeyDeletion');
      c.kms.cancelKeyDeletion(keyId);
      return { KeyId: arn };
    },
  },
  Encrypt: {
    readOnly: true,
    run(c) {
      params(c, ['KeyId', 'EncryptionContext', 'EncryptionAlgorithm']);
      algorithm(c);
      const plaintext = blob(c, 'Plaintext');
      c.audit.secrets.push(str(c, 'Plaintext', true));
      const { keyId, arn } = key(c, 'kms:Encrypt');
      const r = c.kms.encrypt(keyId, plaintext, context(c));
      plaintext.fill(0);
      return { CiphertextBlob: b64(r.ciphertext), KeyId: arn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    },
  },
  Decrypt: {
    readOnly: true,
    run(c) {
      params(c, ['KeyId', 'EncryptionContext', 'EncryptionAlgorithm']);
      algorithm(c);
      const ciphertext = blob(c, 'CiphertextBlob');
      const keyId = c.kms.keyOfCiphertext(ciphertext);
      const arn = c.kms.keyArn(keyId);
      c.authorize('kms:Decrypt', arn);
      const r = c.kms.decrypt(ciphertext, context(c), str(c, 'KeyId'));
      const plain = b64(r.plaintext);
      r.plaintext.fill(0);
      c.audit.secrets.push(plain);
      return { KeyId: arn, Plaintext: plain, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    },
  },
  ReEncrypt: {
    readOnly: true,
    run(c) {
      params(c, ['SourceKeyId', 'DestinationKeyId', 'SourceEncryptionContext', 'DestinationEncryptionContext', 'SourceEncryptionAlgorithm', 'DestinationEncryptionAlgorithm']);
      algorithm(c, 'SourceEncryptionAlgorithm');
      algorithm(c, 'DestinationEncryptionAlgorithm');
      const ciphertext = blob(c, 'CiphertextBlob');
      const sourceArn = c.kms.keyArn(c.kms.keyOfCiphertext(ciphertext));
      c.authorize('kms:ReEncryptFrom', sourceArn);
      const dest = key(c, 'kms:ReEncryptTo', 'DestinationKeyId');
      const opened = c.kms.decrypt(ciphertext, context(c, 'SourceEncryptionContext'), str(c, 'SourceKeyId'));
      try {
        const r = c.kms.encrypt(dest.keyId, opened.plaintext, context(c, 'DestinationEncryptionContext'));
        return { CiphertextBlob: b64(r.ciphertext), SourceKeyId: sourceArn, KeyId: dest.arn, SourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT', DestinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
      } finally {
        opened.plaintext.fill(0);
      }
    },
  },
  GenerateDataKey: {
    readOnly: true,
    run(c) {
      params(c, ['KeyId', 'EncryptionContext', 'KeySpec', 'NumberOfBytes']);
      const size = dataKeySize(c);
      const { keyId, arn } = key(c, 'kms:GenerateDataKey');
      const r = c.kms.generateDataKey(keyId, size, context(c));
      const plain = b64(r.plaintext);
      r.plaintext.fill(0);
      c.audit.secrets.push(plain);
      return { CiphertextBlob: b64(r.ciphertext), Plaintext: plain, KeyId: arn };
    },
  },
  GenerateDataKeyWithoutPlaintext: {
    readOnly: true,
    run(c) {
      params(c, ['KeyId', 'EncryptionContext', 'KeySpec', 'NumberOfBytes']);
      const size = dataKeySize(c);
      const { keyId, arn } = key(c, 'kms:GenerateDataKeyWithoutPlaintext');
      const r = c.kms.generateDataKey(keyId, size, context(c));
      r.plaintext.fill(0);
      return { CiphertextBlob: b64(r.ciphertext), KeyId: arn };
    },
  },
  GenerateRandom: {
    readOnly: true,
    run(c) {
      params(c, ['NumberOfBytes']);
      c.authorize('kms:GenerateRandom', '*');
      const n = int(c, 'NumberOfBytes');
      if (n === undefined) throw invalid('NumberOfBytes is required.');
      const plain = b64(c.kms.generateRandom(n));
      c.audit.secrets.push(plain);
      return { Plaintext: plain };
    },
  },
  TagResource: {
    readOnly: false,
    run(c) {
      params(c, ['KeyId', 'Tags']);
      const { keyId } = key(c, 'kms:TagResource');
      c.kms.tagResource(keyId, tagList(c));
      return {};
    },
  },
  UntagResource: {
    readOnly: false,
    run(c) {
      params(c, ['KeyId', 'TagKeys']);
      const { keyId } = key(c, 'kms:UntagResource');
      const keys = c.input['TagKeys'];
      if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) throw invalid('TagKeys must be a list of strings.');
      c.kms.untagResource(keyId, keys as string[]);
      return {};
    },
  },
  ListResourceTags: {
    readOnly: true,
    run(c) {
      params(c, ['KeyId', 'Limit', 'Marker']);
      const { keyId } = key(c, 'kms:ListResourceTags');
      return { Tags: Object.entries(c.kms.listResourceTags(keyId)).map(([TagKey, TagValue]) => ({ TagKey, TagValue })), Truncated: false };
    },
  },
} satisfies Record<string, KmsOperation>;

function simple(action: string, fn: (kms: BuiltinKms, keyId: string) => void): KmsOperation {
  return {
    readOnly: false,
    run(c) {
      params(c, ['KeyId']);
      const { keyId } = key(c, action);
      fn(c.kms, keyId);
      return {};
    },
  };
}
