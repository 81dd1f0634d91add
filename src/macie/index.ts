/**
 * Sensitive-data discovery in the service (Amazon Macie's model): automated discovery of every
 * new object version through a durable queue, findings stored per version with exact locations
 * (never the matched values), per-bucket sensitivity scores and statistics.
 */

/**
 * `openDiscovery({ path, masterKey, metadata, clock, logger, settings })` opens the discovery
 * database and wraps `metadata` so every committed version is queued; build the object service on
 * `discovery.metadata`, then `await discovery.start({ objects, accountId, region })`.
 */
export { openDiscovery, type Discovery, type DiscoveryEvent, type DiscoverySettings, type OpenDiscoveryOptions, type StartDiscoveryOptions } from './service.js';
/** Quarantine of versions whose findings reach a level: the system tag, the IAM actions, and the release. */
export { QUARANTINE_TAG, READ_QUARANTINED_ACTION, RELEASE_QUARANTINED_ACTION, QUARANTINE_LEVELS, isQuarantined, quarantineLevel, reachesLevel, releaseVersion, type QuarantineLevel } from './quarantine.js';
/** Signed finding notifications to HTTPS webhooks through a durable outbox. */
export { signWebhook, notificationOf, type WebhookSettings, type DeliveryOutcome } from './webhooks.js';
/** The discovery store: queue, classification state, findings, bucket statistics. */
export { MacieStore, type BucketStatistics, type ClassificationOutcome, type ClassificationState, type FindingRow, type QueueItem, type VersionRef } from './store.js';
/** Macie's sensitivity score (1-49 not sensitive, 50 not yet analysed, 51-100 sensitive) from a bucket's state. */
export { sensitivityScore, type BucketClassification } from './score.js';
/** A Macie-shaped finding from a scan result (locations only). */
export { buildFinding, type FindingRecord, type FindingObject, type FindingOrigin } from './finding.js';
/** The duty-cycle limiter every scan shares. */
export { createCpuBudget, type CpuBudget } from './cpu-budget.js';
