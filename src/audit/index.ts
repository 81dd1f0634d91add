/**
 * Audit trail: CloudTrail-shaped events in an encrypted, append-only, Merkle-tree log with
 * signed checkpoints (FORMAT.md). The HTTP pipeline records each request before replying:
 *
 *   const trail = await openAuditTrail({ dir, masterKey, accountId, region, clock });
 *   await trail.record(buildS3Event(info, { accountId, region }), { secrets });  // durable
 *   ...
 *   await trail.close();
 *   const report = await verifyAuditTrail(dir, masterKey);                      // offline
 */

/** Opens (creating if needed) the trail in `dir`; see AuditTrail for record/close/lookup. */
export { openAuditTrail, type AuditTrail, type AuditTrailOptions, type AuditTrailStats, type RecordOptions } from './trail.js';
/** CloudTrail record types; `usernameOf` gives LookupEvents' Username. */
export { EVENT_VERSION, usernameOf, type AuditEvent, type StoredEvent, type UserIdentity, type SessionContext, type EventResource, type TlsDetails } from './event.js';
/** Maps an S3 request to a CloudTrail event, copying request parameters from an allow-list only. */
export { buildS3Event, type S3RequestInfo, type BuildEventContext } from './build-s3-event.js';
export { buildServiceEvent, type ServiceRequestInfo } from './build-service-event.js';
/** Hides secrets (by field name, by shape, and exact caller-supplied values); record() always applies it. */
export { redactEvent, HIDDEN } from './redact.js';
/** Decrypting reader over stored events, oldest or newest first. */
export { readAuditEvents, type ReadEventsOptions } from './read-events.js';
/** Offline verification with a precise report (segment, offset, index, kind of each finding). */
export { verifyAuditTrail, type AuditVerifyReport, type AuditIssue, type AuditIssueKind, type VerifyOptions } from './verify.js';
/**
 * CloudTrail LookupEvents semantics (one attribute, time range, 1..50 results, MAC-protected NextToken):
 * `lookupEvents(dir, key, input)` scans offline; a running trail's `trail.lookupEvents(input)` uses its index.
 */
export { lookupEvents, type LookupEventsInput, type LookupEventsOutput, type LookedUpEvent, type LookupAttributeKey } from './lookup.js';
/** Checkpoint notes (C2SP signed-note) parsing, for monitors that keep checkpoints elsewhere. */
export { parseCheckpoint, parseVkey, type ParsedCheckpoint } from './checkpoint.js';
/** Inclusion and consistency proof bundles, checkable with the public key alone (RFC 9162). */
export { proveInclusion, proveConsistency, verifyInclusionBundle, verifyConsistencyBundle, type InclusionBundle, type ConsistencyBundle } from './proofs.js';
/** `coffer audit verify|prove|consistency|check-proof`; `auditDirOf(dataDir)` = DATA_DIR/audit. */
export { registerAuditCommands, auditDirOf } from './cli.js';
/** Retention: prune segments older than a date under a signed manifest (verify reports them as pruned). */
export { pruneSegments, readPruneManifest, type PruneResult, type PruneManifest } from './prune.js';
/** CloudTrail-format export (log files + Ed25519-signed digest chain) to a bucket, and its verifier. */
export { exportOnce, startCloudTrailExporter, verifyDigestChain, digestSigningString, keyFingerprint, type ExportOptions, type ExportSink, type ExportRun, type CloudTrailExporter, type FetchedObject, type DigestChainReport } from './export.js';
/** Least privilege from evidence: lastAccessed / generatePolicy over stored events (ActionResolver maps events to actions). */
export { lastAccessed, generatePolicy, minimalPolicy, serviceActionUses, isByUser, wasAllowed, type ActionUse, type ActionResolver, type LastAccessedEntry, type PolicyDocument } from './least-privilege.js';
/** Benchmark-only: a trail view that records nothing (set only through startCoffer's benchmarkOnlyDisableAudit; never by config or env). */
export { unauditedForBenchmark, isUnauditedForBenchmark } from './benchmark-switch.js';
