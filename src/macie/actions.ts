/**
 * Actions that secure classified data: the sensitivity tags. Every classified object version gets
 *
 *   coffer:sensitivity = high | medium | low   (the finding's severity)
 *                      | none                  (classified, nothing found)
 *                      | unknown               (could not be classified: skipped or failed)
 *                      | pending               (set at write time, until classification)
 *   coffer:types       = the detection types, space-separated (only when something was found)
 *
 * which bucket and identity policies match with s3:ExistingObjectTag/coffer:sensitivity, e.g. deny
 * s3:GetObject on "high" except to a role, or allow reads only of "none" and "low" (fail closed
 * while "pending"). The coffer:* tags belong to the system: the capture wrapper drops coffer:*
 * tags clients send (PUT, copy, PutObjectTagging) and keeps the stored ones, so a caller cannot
 * re-label an object to escape a policy.
 */
import type { MetadataStore, ObjectVersionRecord } from '../storage/metadata/port.js';
import type { ClassificationOutcome } from './store.js';

export const SENSITIVITY_TAG = 'coffer:sensitivity';
export const TYPES_TAG = 'coffer:types';
export const SYSTEM_TAG_PREFIX = 'coffer:';

export type SensitivityLabel = 'high' | 'medium' | 'low' | 'none' | 'unknown' | 'pending';

export function sensitivityLabel(outcome: ClassificationOutcome): SensitivityLabel {
  if (outcome.finding) return outcome.finding.severity.toLowerCase() as SensitivityLabel;
  return outcome.state === 'COMPLETE' || outcome.state === 'PARTIAL' ? 'none' : 'unknown';
}

/** `tags` without the system's coffer:* tags. */
export function userTags(tags: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([k]) => !k.startsWith(SYSTEM_TAG_PREFIX)));
}

/** The system's coffer:* tags of `tags`. */
export function systemTags(tags: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([k]) => k.startsWith(SYSTEM_TAG_PREFIX)));
}

/**
 * The tagging action: after a version is classified, its coffer:* tags are replaced, through the
 * metadata store underneath the capture wrapper (only the system writes them).
 */
export function createTagAction(metadata: MetadataStore) {
  return async (record: ObjectVersionRecord, outcome: ClassificationOutcome): Promise<void> => {
    const current = await metadata.getVersion(record.bucket, record.key, record.versionId);
    if (!current || current.seq !== record.seq) return;
    const types = [...new Set(outcome.types.map((t) => t.type))].sort().join(' ').slice(0, 256);
    await metadata.setTags(record.bucket, record.key, record.versionId, {
      ...userTags(current.tags),
      [SENSITIVITY_TAG]: sensitivityLabel(outcome),
      ...(types ? { [TYPES_TAG]: types } : {}),
    });
  };
}
