/**
 * Bucket inventory answers of the Macie API from automated discovery's statistics:
 * DescribeBuckets (BucketMetadata with sensitivityScore), GetBucketStatistics, GetResourceProfile
 * and ListResourceProfileDetections (occurrences per detection type in a bucket).
 */
import type { BucketStatistics, MacieStore } from '../../macie/index.js';
import type { BucketRecord } from '../../storage/metadata/port.js';

const iso = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString() : undefined);

/** BucketMetadata for one bucket. */
export function bucketMetadata(b: BucketRecord, s: BucketStatistics, ctx: { accountId: string; region: string }): Record<string, unknown> {
  const skipped = Math.max(0, s.total - s.classified - s.queued - s.errors);
  return {
    accountId: ctx.accountId,
    allowsUnencryptedObjectUploads: 'FALSE',
    bucketArn: `arn:aws:s3:::${b.name}`,
    bucketCreatedAt: iso(b.createdAt),
    bucketName: b.name,
    classifiableObjectCount: s.total,
    classifiableSizeInBytes: s.totalBytes,
    jobDetails: { isDefinedInJob: 'UNKNOWN', isMonitoredByJob: 'UNKNOWN' },
    ...(s.lastClassifiedAt ? { lastAutomatedDiscoveryTime: iso(s.lastClassifiedAt) } : {}),
    lastUpdated: new Date().toISOString(),
    objectCount: s.total,
    objectCountByEncryptionType: { customerManaged: 0, kmsManaged: 0, s3Managed: s.total, unencrypted: 0, unknown: 0 },
    publicAccess: { effectivePermission: 'NOT_PUBLIC' },
    region: b.region || ctx.region,
    sensitivityScore: s.sensitivityScore,
    serverSideEncryption: { type: 'AES256' },
    sharedAccess: 'NOT_SHARED',
    sizeInBytes: s.totalBytes,
    sizeInBytesCompressed: 0,
    tags: Object.entries(b.tags ?? {}).map(([key, value]) => ({ key, value })),
    unclassifiableObjectCount: { fileType: skipped, storageClass: 0, total: skipped },
    unclassifiableObjectSizeInBytes: { fileType: 0, storageClass: 0, total: 0 },
    versioning: b.versioning === 'Enabled',
  };
}

/** GetBucketStatistics: buckets grouped by sensitivity, objects and bytes. */
export function bucketStatistics(buckets: readonly BucketRecord[], store: MacieStore): Record<string, unknown> {
  const group = () => ({ classifiableSizeInBytes: 0, publiclyAccessibleCount: 0, totalCount: 0, totalSizeInBytes: 0 });
  const by = { classificationError: group(), notClassified: group(), notSensitive: group(), sensitive: group() };
  let objectCount = 0;
  let size = 0;
  let last = 0;
  for (const b of buckets) {
    const s = store.bucketStatistics(b.name);
    objectCount += s.total;
    size += s.totalBytes;
    last = Math.max(last, s.lastClassifiedAt ?? 0);
    const g = s.sensitivityScore > 50 ? by.sensitive : s.sensitivityScore === 50 ? by.notClassified : by.notSensitive;
    g.totalCount++;
    g.totalSizeInBytes += s.totalBytes;
    g.classifiableSizeInBytes += s.totalBytes;
  }
  return {
    bucketCount: buckets.length,
    bucketCountByEffectivePermission: { publiclyAccessible: 0, publiclyReadable: 0, publiclyWritable: 0, unknown: 0 },
    bucketCountByEncryptionType: { kmsManaged: 0, s3Managed: buckets.length, unencrypted: 0, unknown: 0 },
    bucketCountByObjectEncryptionRequirement: { allowsUnencryptedObjectUploads: 0, deniesUnencryptedObjectUploads: buckets.length, unknown: 0 },
    bucketCountBySharedAccessType: { external: 0, internal: 0, notShared: buckets.length, unknown: 0 },
    bucketStatisticsBySensitivity: by,
    classifiableObjectCount: objectCount,
    classifiableSizeInBytes: size,
    ...(last ? { lastUpdated: new Date(last).toISOString() } : {}),
    objectCount,
    sizeInBytes: size,
    sizeInBytesCompressed: 0,
    unclassifiableObjectCount: { fileType: 0, storageClass: 0, total: 0 },
    unclassifiableObjectSizeInBytes: { fileType: 0, storageClass: 0, total: 0 },
  };
}

/** GetResourceProfile for a bucket. */
export function resourceProfile(s: BucketStatistics): Record<string, unknown> {
  return {
    ...(s.lastClassifiedAt ? { profileUpdatedAt: new Date(s.lastClassifiedAt).toISOString() } : {}),
    sensitivityScore: s.sensitivityScore,
    sensitivityScoreOverridden: false,
    statistics: {
      totalBytesClassified: s.classifiedBytes,
      totalDetections: s.byType.reduce((n, t) => n + t.count, 0),
      totalDetectionsSuppressed: 0,
      totalItemsClassified: s.classified,
      totalItemsSensitive: s.sensitive,
      totalItemsSkipped: s.errors,
      totalItemsSkippedInvalidEncryption: 0,
      totalItemsSkippedInvalidKms: 0,
      totalItemsSkippedPermissionDenied: 0,
    },
  };
}

/** ListResourceProfileDetections: one entry per detection type found in the bucket's live versions. */
export function resourceDetections(s: BucketStatistics, customArns: ReadonlyMap<string, { id: string; arn: string }>): Record<string, unknown>[] {
  return s.byType.map((t) => {
    const custom = t.category === 'CustomIdentifier' ? customArns.get(t.type) : undefined;
    return custom
      ? { arn: custom.arn, count: t.count, id: custom.id, name: t.type, suppressed: false, type: 'CUSTOM' }
      : { count: t.count, id: t.type, name: t.type, suppressed: false, type: 'MANAGED' };
  });
}
