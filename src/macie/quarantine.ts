/**
 * Quarantine: an object version whose finding reaches a bucket's (or a job's) quarantine severity
 * is marked with the system tag coffer:quarantine=active. While marked, reading its data (GetObject,
 * HeadObject, the copy source of CopyObject/UploadPartCopy) needs a distinct permission,
 * coffer:GetQuarantinedObject, on top of s3:GetObject; anonymous callers are always refused.
 * An administrator releases it with coffer:ReleaseQuarantinedObject (an MFA-privileged action):
 *
 *   aws s3api put-object-tagging --bucket B --key K --tagging 'TagSet=[{Key=coffer:quarantine,Value=released}]'
 *
 * which sets coffer:quarantine=released and leaves every other tag as it was. A released version
 * is not quarantined again by a later classification of the same version (a new version starts over).
 *
 *   threshold(bucket, jobTags) = jobTags['coffer:quarantine'] ?? settings[bucket] ?? settings['*'] ?? off
 *   quarantine(version, finding): finding.severity >= threshold and tag != released -> tag = active
 */
import type { MetadataStore, ObjectVersionRecord } from '../storage/metadata/port.js';
import type { FindingRecord } from './finding.js';

export const QUARANTINE_TAG = 'coffer:quarantine';
/** The IAM action that reads a quarantined version's data (in addition to s3:GetObject). */
export const READ_QUARANTINED_ACTION = 'coffer:GetQuarantinedObject';
/** The IAM action that releases a quarantined version (MFA-privileged). */
export const RELEASE_QUARANTINED_ACTION = 'coffer:ReleaseQuarantinedObject';

export const QUARANTINE_LEVELS = ['off', 'low', 'medium', 'high'] as const;
export type QuarantineLevel = (typeof QUARANTINE_LEVELS)[number];

const RANK: Record<FindingRecord['severity'] | QuarantineLevel, number> = { off: 99, low: 1, medium: 2, high: 3, Low: 1, Medium: 2, High: 3 };

/** Whether a version's tags mark it as quarantined (released or never marked: false). */
export function isQuarantined(tags: Readonly<Record<string, string>> | null | undefined): boolean {
  return tags?.[QUARANTINE_TAG] === 'active';
}

/** The quarantine severity for a bucket: a job's coffer:quarantine tag, else the bucket's setting, else '*'. */
export function quarantineLevel(settings: Readonly<Record<string, QuarantineLevel>>, bucket: string, jobTags?: Readonly<Record<string, string>>): QuarantineLevel {
  const fromJob = jobTags?.[QUARANTINE_TAG];
  if (fromJob !== undefined && (QUARANTINE_LEVELS as readonly string[]).includes(fromJob)) return fromJob as QuarantineLevel;
  return settings[bucket] ?? settings['*'] ?? 'off';
}

/** Whether a finding of `severity` is quarantined at `level`. */
export function reachesLevel(severity: FindingRecord['severity'], level: QuarantineLevel): boolean {
  return level !== 'off' && RANK[severity] >= RANK[level];
}

/**
 * Marks the version quarantined through the metadata store underneath the capture wrapper (only
 * the system writes coffer:* tags). Idempotent; returns true when the version is (now) active,
 * false when it is gone, replaced, or was released by an administrator.
 */
export async function quarantineVersion(metadata: MetadataStore, record: ObjectVersionRecord): Promise<boolean> {
  const current = await metadata.getVersion(record.bucket, record.key, record.versionId);
  if (!current || current.seq !== record.seq || current.isDeleteMarker) return false;
  const state = current.tags[QUARANTINE_TAG];
  if (state === 'released') return false;
  if (state === 'active') return true;
  await metadata.setTags(record.bucket, record.key, record.versionId, { ...current.tags, [QUARANTINE_TAG]: 'active' });
  return true;
}

/** Releases a quarantined version: coffer:quarantine=released, other tags unchanged. Returns the new record. */
export async function releaseVersion(metadata: MetadataStore, bucket: string, key: string, versionId: string | undefined): Promise<{ record: ObjectVersionRecord; wasQuarantined: boolean } | null> {
  const current = await metadata.getVersion(bucket, key, versionId);
  if (!current || current.isDeleteMarker) return null;
  const wasQuarantined = isQuarantined(current.tags);
  if (wasQuarantined) await metadata.setTags(bucket, key, current.versionId, { ...current.tags, [QUARANTINE_TAG]: 'released' });
  return { record: current, wasQuarantined };
}
