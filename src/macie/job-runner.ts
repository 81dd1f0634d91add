/**
 * Runs classification jobs, one at a time, resumably:
 *
 *   tick: job = first RUNNING job (oldest), or an IDLE scheduled job whose nextRunAt has come
 *         no run yet -> new run (buckets selected now; scheduled increments: objects modified since the last run)
 *         not counted -> count pass over the listing (objects and bytes in scope, sampled)   -> persisted
 *         scan pass from the persisted cursor (bucketIndex, keyMarker):
 *           per object: job no longer RUNNING -> stop (the cursor stays; resume continues there)
 *                       read through the object service, classify with the job's scanner -> finding
 *                       progress + cursor persisted (one small transaction per object)
 *         end: ONE_TIME -> COMPLETE; SCHEDULED -> IDLE with the next run time
 *   A restart finds RUNNING jobs with their cursor and continues them.
 */
import type { Logger } from 'pino';
import { isCofferError } from '../shared/index.js';
import type { ObjectService } from '../objects/index.js';
import type { MetadataStore, ObjectVersionRecord } from '../storage/metadata/port.js';
import { classifyRecord } from './classify.js';
import type { CpuBudget } from './cpu-budget.js';
import { statusReason } from './finding.js';
import type { Identifiers } from './identifiers.js';
import { listingPrefix, objectInScope, sampled, selectBuckets } from './job-scope.js';
import { emptyProgress, type JobDoc, type Jobs } from './jobs.js';
import { nextRunAfter } from './schedule.js';
import type { MacieStore } from './store.js';

export interface JobRunnerOptions {
  store: MacieStore;
  jobs: Jobs;
  identifiers: Identifiers;
  metadata: MetadataStore;
  objects: ObjectService;
  budget: CpuBudget;
  accountId: string;
  region: string;
  now: () => number;
  logger: Logger;
  /** Before a job's finding is stored (quarantine); the job's tags choose the quarantine level. A failure skips the object. */
  onFinding?(record: ObjectVersionRecord, finding: import('./finding.js').FindingRecord, job: JobDoc): Promise<void>;
  /** In the transaction that stores a finding (the webhook outbox). */
  withFinding?(finding: import('./finding.js').FindingRecord): void;
  /** A run started, completed or stopped (paused, cancelled), for the audit trail. */
  onRun?(job: JobDoc, what: 'started' | 'completed', progress: unknown): void;
  /** How often due scheduled jobs are looked for when nothing wakes the runner. */
  tickMs?: number;
}

export interface JobRunner {
  /** A job was created or changed. */
  notify(): void;
  /** Resolves when no job is RUNNING (tests). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const PAGE = 500;

export function startJobRunner(opts: JobRunnerOptions): JobRunner {
  let closed = false;
  let wake: (() => void) | null = null;
  let idleWaiters: (() => void)[] = [];

  const due = (): JobDoc | null => {
    const all = opts.jobs.list();
    const running = all.find((j) => j.jobStatus === 'RUNNING');
    if (running) return running;
    const now = opts.now();
    const scheduled = all.find((j) => j.jobStatus === 'IDLE' && j.jobType === 'SCHEDULED' && j.nextRunAt !== undefined && j.nextRunAt <= now);
    if (scheduled) return opts.jobs.mutate(scheduled.jobId, (d) => (d.jobStatus = 'RUNNING'));
    return null;
  };

  /** Latest versions of one bucket in scope for the run, page by page after `after`. */
  async function* eligible(job: JobDoc, bucket: string, after: string | null): AsyncGenerator<ObjectVersionRecord> {
    const run = job.run!;
    const prefix = listingPrefix(job.s3JobDefinition.scoping);
    let marker = after ?? undefined;
    for (;;) {
      let page: ObjectVersionRecord[];
      try {
        page = await opts.metadata.listLatest(bucket, { limit: PAGE, ...(prefix ? { prefix } : {}), ...(marker !== undefined ? { after: marker } : {}) });
      } catch (err) {
        if (isCofferError(err, 'storage.no_such_bucket')) return;
        throw err;
      }
      for (const r of page) {
        if (r.isDeleteMarker) continue;
        if (run.since !== null && r.lastModified < run.since) continue;
        if (!objectInScope(job.s3JobDefinition.scoping, { key: r.key, size: r.size, lastModified: r.lastModified, tags: r.tags })) continue;
        if (!sampled(run.runId, bucket, r.key, job.samplingPercentage)) continue;
        yield r;
      }
      if (page.length < PAGE) return;
      marker = page[page.length - 1]!.key;
    }
  }

  const stillRunning = (jobId: string): boolean => !closed && opts.jobs.get(jobId).jobStatus === 'RUNNING';

  async function runJob(start: JobDoc): Promise<void> {
    let job = start;
    if (!job.run) {
      const now = opts.now();
      const buckets = selectBuckets(job.s3JobDefinition, (await opts.metadata.listBuckets()).map((b) => ({ name: b.name, tags: b.tags })), opts.accountId);
      // Later runs of a scheduled job (and the first one without initialRun) cover what changed since.
      const since = job.jobType === 'SCHEDULED' && (job.numberOfRuns > 0 || !job.initialRun) ? (job.lastRunStartedAt ?? null) : null;
      job = opts.jobs.mutate(job.jobId, (d) => {
        d.run = { runId: `${d.jobId}-${d.numberOfRuns + 1}`, startedAt: now, since, buckets, counted: false, bucketIndex: 0, keyMarker: null, progress: emptyProgress() };
      });
      opts.onRun?.(job, 'started', null);
    }
    if (!job.run!.counted) {
      let objects = 0;
      let bytes = 0;
      for (const bucket of job.run!.buckets) {
        for await (const r of eligible(job, bucket, null)) {
          objects++;
          bytes += r.size;
        }
        if (!stillRunning(job.jobId)) return;
      }
      job = opts.jobs.mutate(job.jobId, (d) => {
        d.run!.counted = true;
        d.run!.progress.objectsTotal = objects;
        d.run!.progress.bytesTotal = bytes;
      });
    }
    const { scanner, customArns } = await opts.identifiers.scannerFor(job);
    const ctx = {
      objects: opts.objects, scanner, budget: opts.budget, accountId: opts.accountId, region: opts.region, now: opts.now,
      origin: { originType: 'SENSITIVE_DATA_DISCOVERY_JOB' as const, jobId: job.jobId, jobArn: job.jobArn }, customArns, objectTimeoutMs: 120_000,
    };
    for (let b = job.run!.bucketIndex; b < job.run!.buckets.length; b++) {
      const bucket = job.run!.buckets[b]!;
      const bucketRecord = await opts.metadata.getBucket(bucket);
      for await (const r of eligible(job, bucket, b === job.run!.bucketIndex ? job.run!.keyMarker : null)) {
        if (!stillRunning(job.jobId)) return;
        let skipped: string | null = null;
        let finding = false;
        try {
          const read = await opts.objects.getObject({ bucket, key: r.key, versionId: r.versionId, conditions: {} });
          const { outcome, result } = await classifyRecord(ctx, read.record, read.open, { ...(bucketRecord ? { createdAt: bucketRecord.createdAt, owner: bucketRecord.owner } : {}) });
          if (outcome.finding) {
            if (opts.onFinding) await opts.onFinding(read.record, outcome.finding, job);
            opts.store.insertFinding(outcome.finding, opts.withFinding);
            finding = true;
          }
          if (result.status === 'SKIPPED' || result.status === 'ERROR') skipped = statusReason(result) ?? 'UNABLE_TO_PARSE_FILE';
        } catch (err) {
          skipped = isCofferError(err) && /no_such_(key|version|bucket)/.test(err.code) ? 'SOURCE_OBJECT_NO_LONGER_AVAILABLE' : 'INVALID_OBJECT_STATE';
          opts.logger.warn({ jobId: job.jobId, err: (err as Error).message }, 'a job could not read an object');
        }
        job = opts.jobs.mutate(job.jobId, (d) => {
          const p = d.run!.progress;
          if (skipped) {
            p.objectsSkipped++;
            p.bytesSkipped += r.size;
            p.skippedByReason[skipped] = (p.skippedByReason[skipped] ?? 0) + 1;
          } else {
            p.objectsDone++;
            p.bytesDone += r.size;
          }
          if (finding) p.findings++;
          d.run!.bucketIndex = b;
          d.run!.keyMarker = r.key;
        });
      }
      if (!stillRunning(job.jobId)) return;
      job = opts.jobs.mutate(job.jobId, (d) => {
        d.run!.bucketIndex = b + 1;
        d.run!.keyMarker = null;
      });
    }
    const finished = opts.jobs.mutate(job.jobId, (d) => {
      if (d.jobStatus !== 'RUNNING') return;
      const now = opts.now();
      d.numberOfRuns++;
      d.lastRunTime = new Date(d.run!.startedAt).toISOString();
      d.lastRunStartedAt = d.run!.startedAt;
      d.lastRun = d.run!.progress;
      d.run = null;
      if (d.jobType === 'ONE_TIME') d.jobStatus = 'COMPLETE';
      else {
        d.jobStatus = 'IDLE';
        d.nextRunAt = nextRunAfter(d.scheduleFrequency!, now);
      }
    });
    if (finished.jobStatus !== 'RUNNING' && finished.run === null) opts.onRun?.(finished, 'completed', finished.lastRun);
  }

  const loop = async (): Promise<void> => {
    while (!closed) {
      let job: JobDoc | null = null;
      try {
        job = due();
        if (job) await runJob(job);
      } catch (err) {
        opts.logger.error({ jobId: job?.jobId, err: (err as Error).message }, 'classification job run failed');
        if (job) {
          const failed = job;
          try {
            opts.jobs.mutate(failed.jobId, (d) => {
              d.lastRunErrorStatus = { code: 'ERROR' };
              d.jobStatus = 'PAUSED';
            });
          } catch {
            // the job is gone; nothing to record
          }
        }
      }
      if (closed) break;
      if (!job) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const w of waiters) w();
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, opts.tickMs ?? 30_000);
          wake = () => {
            clearTimeout(t);
            wake = null;
            resolve();
          };
        });
      }
    }
  };
  const looping = loop();

  return {
    notify() {
      wake?.();
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        wake?.();
      });
    },
    async close() {
      closed = true;
      wake?.();
      await looping;
    },
  };
}
