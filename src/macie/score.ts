/**
 * A bucket's sensitivity score on Macie's scale, from the classification state of its live object
 * versions. Macie does not publish its formula; this is ours:
 *
 *   nothing classified yet                 -> 50                       (not yet analysed)
 *   no sensitive object                    -> 1 + round(48 * pending / total)   (1..49; 1 = all analysed)
 *   sensitive objects                      -> 51 + round(49 * s), s in [0, 1] with
 *       s = 0.4 * maxSeverity / 3 + 0.3 * min(types, 5) / 5 + 0.3 * sensitive / classified
 *
 * where pending = versions still queued or failed, types = distinct detection types found.
 */

export interface BucketClassification {
  /** Live object versions tracked. */
  total: number;
  /** Versions classified (COMPLETE, PARTIAL or SKIPPED). */
  classified: number;
  /** Versions waiting in the queue. */
  queued: number;
  /** Versions whose classification failed. */
  errors: number;
  /** Classified versions with at least one finding. */
  sensitive: number;
  /** Highest severity score (1..3) among findings; 0 when none. */
  maxSeverity: number;
  /** Distinct detection types found. */
  types: number;
}

export function sensitivityScore(b: BucketClassification): number {
  if (b.classified === 0) return 50;
  if (b.sensitive === 0) return 1 + Math.round((48 * (b.queued + b.errors)) / Math.max(1, b.total));
  const s = (0.4 * Math.min(3, b.maxSeverity)) / 3 + (0.3 * Math.min(b.types, 5)) / 5 + (0.3 * b.sensitive) / b.classified;
  return Math.min(100, 51 + Math.round(49 * s));
}
