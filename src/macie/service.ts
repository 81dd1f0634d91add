/**
 * Discovery in the service, composed: the discovery database, the write capture around the
 * metadata store, the on-write worker and (later slices) jobs and actions. Two steps because the
 * object service is built on the wrapped metadata store and the worker reads through it:
 *
 *   const discovery = openDiscovery({ ... metadata ... });
 *   const objects = createObjectService({ metadata: discovery.metadata, ... });
 *   await discovery.start({ objects });      // resolves crash-left intents, starts the worker
 */
import type { Logger } from 'pino';
import { deriveKey, type MasterKey } from '../crypto/index.js';
import { createScanner, managedDetectors, type Scanner } from '../discovery/index.js';
import type { ObjectService } from '../objects/index.js';
import type { Clock } from '../shared/index.js';
import type { MetadataStore, ObjectVersionRecord } from '../storage/metadata/port.js';
import { captureWrites, reconcileSince, resolveIntents } from './capture.js';
import type { ClassifyContext } from './classify.js';
import { createCpuBudget, type CpuBudget } from './cpu-budget.js';
import { openMacieDb, type Db } from './db.js';
import { MacieStore, type ClassificationOutcome } from './store.js';
import { startDiscoveryWorker, type DiscoveryWorker } from './worker.js';
import { createIdentifiers, type Identifiers } from './identifiers.js';
import { createJobs, type Jobs } from './jobs.js';
import { startJobRunner, type JobRunner } from './job-runner.js';
import { createTagAction } from './actions.js';
import { revealOccurrences } from './reveal.js';
import { quarantineLevel, quarantineVersion, reachesLevel, type QuarantineLevel } from './quarantine.js';
import { enqueueNotifications, startWebhookDeliverer, type WebhookDeliverer, type WebhookSettings } from './webhooks.js';
import type { FindingRecord } from './finding.js';

export interface DiscoverySettings {
  /** Classify every new object version (discovery.onWrite). */
  onWrite: boolean;
  /** Share of one core scanning may use, 1..100 (discovery.cpuPercent). */
  cpuPercent: number;
  /** Versions classified at the same time. */
  concurrency: number;
  /** Tag classified versions with coffer:sensitivity / coffer:types (discovery.tagObjects). */
  tagObjects?: boolean;
  /** Quarantine severity per bucket, '*' for every other bucket (discovery.quarantine); absent: off. */
  quarantine?: Readonly<Record<string, QuarantineLevel>>;
  /** Finding notifications (discovery.webhook); absent or null: none. */
  webhook?: WebhookSettings | null;
}

/** Something discovery did on its own (a finding, a quarantine, a job run, a notification), for the audit trail. */
export interface DiscoveryEvent {
  eventName: 'CreateFinding' | 'QuarantineObject' | 'ClassificationJobRunStarted' | 'ClassificationJobRunCompleted' | 'DeliverFindingNotification';
  resources?: { type: string; ARN: string }[];
  additionalEventData: Record<string, unknown>;
  errorCode?: string;
}

export interface OpenDiscoveryOptions {
  /** The discovery database file, e.g. <data>/macie/macie.db. */
  path: string;
  masterKey: MasterKey;
  metadata: MetadataStore;
  clock: Clock;
  logger: Logger;
  settings: DiscoverySettings;
}

export interface StartDiscoveryOptions {
  objects: ObjectService;
  accountId: string;
  region: string;
  /** After each on-write classification (actions). */
  onClassified?(record: ObjectVersionRecord, outcome: ClassificationOutcome): Promise<void>;
  /** Records what discovery did on its own (audit trail); a rejection retries the classification. */
  record?(event: DiscoveryEvent): Promise<void>;
}

export interface Discovery {
  /** The metadata store to build the object service on (writes are captured). */
  readonly metadata: MetadataStore;
  readonly store: MacieStore;
  readonly budget: CpuBudget;
  /** Key of the keyed hashes the engine computes (never stored in findings). */
  readonly hashKey: Buffer;
  /** The managed-identifier scanner used by automated discovery. */
  readonly scanner: Scanner;
  /** Custom data identifiers and allow lists (after start). */
  readonly identifiers: Identifiers;
  /** Classification jobs (after start). */
  readonly jobs: Jobs;
  start(opts: StartDiscoveryOptions): Promise<void>;
  /** GetSensitiveDataOccurrences: up to 10 matched values per type, read from the object now (never stored). */
  reveal(findingId: string): Promise<Record<string, { value: string }[]>>;
  /** Resolves when no classification job is running (tests). */
  jobsIdle(): Promise<void>;
  /** Resolves once every queued version is classified (tests, benchmarks). */
  drained(): Promise<void>;
  /** Resolves when no webhook delivery is due (tests). */
  notificationsIdle(): Promise<void>;
  close(): Promise<void>;
}

export function openDiscovery(opts: OpenDiscoveryOptions): Discovery {
  const key = deriveKey(opts.masterKey, 'macie-db/v1');
  let db: Db;
  try {
    db = openMacieDb(opts.path, key);
  } finally {
    key.fill(0);
  }
  const store = new MacieStore(db, () => opts.clock.now());
  const hashKey = deriveKey(opts.masterKey, 'macie-hash/v1');
  const scanner = createScanner({ detectors: managedDetectors(), hashKey });
  const budget = createCpuBudget(opts.settings.cpuPercent / 100);
  let worker: DiscoveryWorker | null = null;
  let deliverer: WebhookDeliverer | null = null;
  let reconciling: Promise<void> | null = null;
  let closing = false;
  let reconciled = false;
  let reconcileFailed = false;
  let runner: JobRunner | null = null;
  let identifiers: Identifiers | null = null;
  let jobs: Jobs | null = null;
  let objectsRef: ObjectService | null = null;
  const started = <T>(v: T | null): T => {
    if (v === null) throw new Error('discovery is not started');
    return v;
  };
  const metadata = captureWrites(opts.metadata, {
    store,
    onWrite: opts.settings.onWrite,
    tagObjects: opts.settings.tagObjects === true,
    onEnqueued: () => worker?.notify(),
    onError: (err) => opts.logger.error({ err: (err as Error).message }, 'could not queue a new object version for classification; it is queued at the next start'),
  });
  return {
    metadata,
    store,
    budget,
    hashKey,
    scanner,
    get identifiers() {
      return started(identifiers);
    },
    get jobs() {
      return started(jobs);
    },
    async start(s) {
      const startedAt = opts.clock.now();
      objectsRef = s.objects;
      const run = store.markStarted();
      const queued = await resolveIntents(opts.metadata, store);
      if (queued > 0) opts.logger.info({ queued }, 'queued object versions written just before an interruption for classification');
      const context = (): ClassifyContext => ({
        objects: s.objects, scanner, budget, accountId: s.accountId, region: s.region, now: () => opts.clock.now(),
        origin: { originType: 'AUTOMATED_SENSITIVE_DATA_DISCOVERY' }, customArns: new Map(), objectTimeoutMs: 120_000,
      });
      const tag = opts.settings.tagObjects === true ? createTagAction(opts.metadata) : null;
      const record = s.record ?? (async () => undefined);
      // A finding: quarantine when it reaches the bucket's (or the job's) level, then the audit events.
      const act = async (version: ObjectVersionRecord, finding: FindingRecord, jobTags?: Readonly<Record<string, string>>): Promise<void> => {
        const level = quarantineLevel(opts.settings.quarantine ?? {}, version.bucket, jobTags);
        const quarantined = reachesLevel(finding.severity, level) && (await quarantineVersion(opts.metadata, version));
        const resources = [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${version.bucket}/${version.key}` }];
        const types = (finding.body.classificationDetails as { result?: { sensitiveData?: { detections?: { type: string; count: number }[] }[] } } | undefined)?.result?.sensitiveData?.flatMap((d) => d.detections ?? []).map((d) => ({ type: d.type, count: d.count })) ?? [];
        await record({
          eventName: 'CreateFinding',
          resources,
          additionalEventData: { findingId: finding.id, findingType: finding.type, severity: finding.severity, originType: finding.originType, ...(finding.jobId ? { jobId: finding.jobId } : {}), versionId: version.versionId, detections: types, quarantined },
        });
        if (quarantined) {
          await record({ eventName: 'QuarantineObject', resources, additionalEventData: { findingId: finding.id, severity: finding.severity, level, versionId: version.versionId } });
        }
      };
      const onClassified = async (version: ObjectVersionRecord, outcome: ClassificationOutcome) => {
        if (tag) await tag(version, outcome);
        if (outcome.finding) await act(version, outcome.finding);
        if (s.onClassified) await s.onClassified(version, outcome);
      };
      const webhook = opts.settings.webhook && opts.settings.webhook.urls.length > 0 ? opts.settings.webhook : null;
      const withFinding = (f: FindingRecord): void => {
        enqueueNotifications(store.db, webhook, f, { accountId: s.accountId, region: s.region, now: opts.clock.now() });
      };
      deliverer = webhook
        ? startWebhookDeliverer({
          db: store.db, settings: webhook, now: () => opts.clock.now(), logger: opts.logger,
          onOutcome: (o) => record({
            eventName: 'DeliverFindingNotification',
            additionalEventData: { deliveryId: o.deliveryId, findingId: o.findingId, webhookHost: o.host, state: o.state, attempts: o.attempts, lastStatus: o.lastStatus, lastError: o.lastError },
            ...(o.state === 'failed' ? { errorCode: 'DeliveryFailed' } : {}),
          }),
        })
        : null;
      worker = startDiscoveryWorker({
        store, objects: s.objects, context, concurrency: opts.settings.concurrency, logger: opts.logger,
        onClassified, withFinding, afterStored: (outcome) => {
          if (outcome.finding) deliverer?.notify();
        },
      });
      if (!run.clean && run.previousStart !== null && opts.settings.onWrite) {
        // Intents are written without their own fsync; after an unclean stop, what the previous run
        // wrote is compared with the queue by listing (in the background, serving goes on).
        const since = run.previousStart - 60_000;
        reconciling = reconcileSince(opts.metadata, store, since, () => closing)
          .then((n) => {
            if (!closing) {
              store.markReconciled(startedAt);
              reconciled = true;
            }
            if (n > 0) opts.logger.info({ queued: n }, 'queued object versions found by reconciliation after an unclean stop');
            worker?.notify();
          })
          .catch((err: unknown) => {
            reconcileFailed = true;
            opts.logger.error({ err: (err as Error).message }, 'reconciliation after an unclean stop failed; it runs again at the next start');
          });
      }
      const now = () => opts.clock.now();
      const ids = createIdentifiers({ store, objects: s.objects, accountId: s.accountId, region: s.region, now, hashKey });
      identifiers = ids;
      jobs = createJobs({ store, identifiers: ids, accountId: s.accountId, region: s.region, now, onChange: () => runner?.notify() });
      runner = startJobRunner({
        store, jobs, identifiers: ids, metadata: opts.metadata, objects: s.objects, budget, accountId: s.accountId, region: s.region, now, logger: opts.logger,
        onFinding: (version, finding, job) => act(version, finding, job.tags),
        withFinding: (f) => {
          withFinding(f);
          queueMicrotask(() => deliverer?.notify());
        },
        onRun: (job, what, progress) => {
          record({
            eventName: what === 'started' ? 'ClassificationJobRunStarted' : 'ClassificationJobRunCompleted',
            resources: [{ type: 'AWS::Macie2::ClassificationJob', ARN: job.jobArn }],
            additionalEventData: { jobId: job.jobId, jobType: job.jobType, jobStatus: job.jobStatus, ...(progress ? { progress } : {}) },
          }).catch((err: unknown) => opts.logger.error({ err: (err as Error).message }, 'could not record a classification job event'));
        },
      });
    },
    drained: () => worker?.drained() ?? Promise.resolve(),
    jobsIdle: () => runner?.idle() ?? Promise.resolve(),
    notificationsIdle: () => deliverer?.idle() ?? Promise.resolve(),
    reveal: (findingId) => revealOccurrences({ store, objects: started(objectsRef), jobs: started(jobs), identifiers: started(identifiers), scanner }, findingId),
    async close() {
      closing = true;
      await reconciling;
      await runner?.close();
      await worker?.close();
      await deliverer?.close();
      // Stopped cleanly only when nothing is left to reconcile (an interrupted reconciliation reruns).
      if (worker && !reconcileFailed && (reconciling === null || reconciled)) store.markStopped();
      db.close();
    },
  };
}
