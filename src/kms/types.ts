/** Public types of the built-in KMS. */

/** AWS KMS key states Coffer uses; 'Deleted' is an internal tombstone (NotFound on the API). */
export type KeyState = 'Enabled' | 'Disabled' | 'PendingDeletion' | 'Deleted';

/** Who manages a key: customers, or Coffer itself for `alias/aws/s3` (AWS managed key). */
export type KeyManager = 'CUSTOMER' | 'AWS';

export interface KeyRecord {
  keyId: string;
  description: string;
  state: KeyState;
  keyManager: KeyManager;
  /** Epoch milliseconds. */
  createdMs: number;
  /** Automatic rotation on/off, its period and when it is next due (epoch ms, null when off). */
  rotationEnabled: boolean;
  rotationPeriodDays: number;
  nextRotationMs: number | null;
  /** Current (newest) material version; encryption uses it, decryption accepts any kept one. */
  currentMaterial: number;
  /** Set while PendingDeletion (and kept on the tombstone). */
  deletionMs: number | null;
  pendingWindowDays: number | null;
  tags: Record<string, string>;
}

export interface AliasRecord {
  /** 'alias/...' */
  name: string;
  keyId: string;
  createdMs: number;
  updatedMs: number;
}

/** KeyMetadata as DescribeKey returns it (AWS shapes; dates in epoch seconds). */
export interface KeyMetadata {
  AWSAccountId: string;
  KeyId: string;
  Arn: string;
  CreationDate: number;
  Enabled: boolean;
  Description: string;
  KeyUsage: 'ENCRYPT_DECRYPT';
  KeyState: Exclude<KeyState, 'Deleted'>;
  DeletionDate?: number;
  PendingDeletionWindowInDays?: number;
  Origin: 'AWS_KMS';
  KeyManager: KeyManager;
  CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT';
  KeySpec: 'SYMMETRIC_DEFAULT';
  EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'];
  MultiRegion: false;
}
