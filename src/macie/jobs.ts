/**
 * Classification jobs as Macie resources: create (validated, idempotent on clientToken),
 * describe, list, and status changes (pause, resume, cancel). The run itself, resumable from
 * its persisted cursor, is in job-runner.ts.
 *
 *   ONE_TIME:   RUNNING -> COMPLETE                     (USER_PAUSED <-> RUNNING, any -> CANCELLED)
 *   SCHEDULED:  RUNNING (initialRun) or IDLE -> at each scheduled time RUNNING -> IDLE ...
 */
import { randomBytes } from 'node:crypto';
import { CofferError } from '../shared/index.js';
import type { Identifiers, IdentifierSelection } from './identifiers.js';
import type { S3JobDefinition } from './job-scope.js';
import { nextRunAfter, validSchedule, type ScheduleFrequency } from './schedule.js';
import type { MacieStore } from './store.js';

export type JobStatus = 'RUNNING' | 'PAUSED' | 'CANCELLED' | 'COMPLETE' | 'IDLE' | 'USER_PAUSED';

/** Counters of one run. */
export interface RunProgress {
  objectsTotal: number;
  bytesTotal: number;
  objectsDone: number;
  bytesDone: number;
  objectsSkipped: number;
  bytesSkipped: number;
  /** Skipped objects by Macie status reason. */
  skippedByReason: Record<string, number>;
  findings: number;
}

/** A run in progress: what it covers and where it is (persisted after every object). */
export interface RunState {
  runId: string;
  startedAt: number;
  /** Only objects modified at or after this time (later runs of scheduled jobs), or null. */
  since: number | null;
  buckets: string[];
  counted: boolean;
  bucketIndex: number;
  /** Last key processed in buckets[bucketIndex], or null at the bucket's start. */
  keyMarker: string | null;
  progress: RunProgress;
}

export interface JobDoc extends IdentifierSelection {
  jobId: string;
  jobArn: string;
  name: string;
  description?: string;
  clientToken?: string;
  jobType: 'ONE_TIME' | 'SCHEDULED';
  initialRun: boolean;
  s3JobDefinition: S3JobDefinition;
  samplingPercentage: number;
  scheduleFrequency?: ScheduleFrequency;
  tags: Record<string, string>;
  createdAt: string;
  jobStatus: JobStatus;
  lastRunTime?: string;
  lastRunErrorStatus: { code: 'NONE' | 'ERROR' };
  numberOfRuns: number;
  userPausedAt?: string;
  /** Scheduled jobs: when the next run starts (epoch ms). */
  nextRunAt?: number;
  /** End time of the previous run's start (scheduled increments start there). */
  lastRunStartedAt?: number;
  run: RunState | null;
  lastRun: RunProgress | null;
}

const invalid = (message: string) => new CofferError('macie.validation', { message });
const USER_PAUSE_MS = 30 * 86_400_000;

export const emptyProgress = (): RunProgress => ({ objectsTotal: 0, bytesTotal: 0, objectsDone: 0, bytesDone: 0, objectsSkipped: 0, bytesSkipped: 0, skippedByReason: {}, findings: 0 });

export function createJobs(deps: { store: MacieStore; identifiers: Identifiers; accountId: string; region: string; now: () => number; onChange(): void }) {
  const { store } = deps;
  const get = (jobId: string): JobDoc => {
    const r = store.getResource<JobDoc>('job', jobId);
    if (!r) throw new CofferError('macie.not_found', { message: 'The classification job was not found.' });
    return r.body;
  };
  const put = (doc: JobDoc): void => store.putResource('job', { id: doc.jobId, name: doc.name, createdAt: Date.parse(doc.createdAt), clientToken: doc.clientToken, body: doc });

  return {
    get,
    /** Read-modify-write of one job, synchronously (no other job change can interleave). */
    mutate(jobId: string, fn: (doc: JobDoc) => void): JobDoc {
      const doc = get(jobId);
      fn(doc);
      put(doc);
      return doc;
    },
    create(input: Record<string, unknown>): { jobId: string; jobArn: string } {
      const token = typeof input.clientToken === 'string' ? input.clientToken : undefined;
      if (token) {
        const prior = store.resourceByClientToken<JobDoc>('job', token);
        if (prior) return { jobId: prior.body.jobId, jobArn: prior.body.jobArn };
      }
      const name = input.name;
      if (typeof name !== 'string' || name.length < 1 || name.length > 500) throw invalid('name must be 1 to 500 characters.');
      const jobType = input.jobType;
      if (jobType !== 'ONE_TIME' && jobType !== 'SCHEDULED') throw invalid('jobType must be ONE_TIME or SCHEDULED.');
      const description = input.description;
      if (description !== undefined && (typeof description !== 'string' || description.length > 200)) throw invalid('description must be at most 200 characters.');
      const def = input.s3JobDefinition as S3JobDefinition | undefined;
      if (!def || typeof def !== 'object') throw invalid('s3JobDefinition is required.');
      if ((def.bucketDefinitions === undefined) === (def.bucketCriteria === undefined)) throw invalid('s3JobDefinition must have exactly one of bucketDefinitions or bucketCriteria.');
      if (def.bucketDefinitions && (!Array.isArray(def.bucketDefinitions) || def.bucketDefinitions.some((d) => !Array.isArray(d.buckets) || d.buckets.length === 0))) {
        throw invalid('Each bucket definition needs a list of buckets.');
      }
      const sampling = input.samplingPercentage ?? 100;
      if (typeof sampling !== 'number' || !Number.isInteger(sampling) || sampling < 1 || sampling > 100) throw invalid('samplingPercentage must be 1 to 100.');
      const schedule = input.scheduleFrequency as ScheduleFrequency | undefined;
      if (jobType === 'SCHEDULED') {
        const bad = validSchedule(schedule);
        if (bad) throw invalid(bad);
      } else if (schedule !== undefined) {
        throw invalid('scheduleFrequency is only for SCHEDULED jobs.');
      }
      const selector = input.managedDataIdentifierSelector as JobDoc['managedDataIdentifierSelector'];
      if (selector !== undefined && !['ALL', 'EXCLUDE', 'INCLUDE', 'NONE', 'RECOMMENDED'].includes(selector)) throw invalid('managedDataIdentifierSelector is not valid.');
      const list = (v: unknown, what: string): string[] | undefined => {
        if (v === undefined) return undefined;
        if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw invalid(`${what} must be a list of ids.`);
        return v as string[];
      };
      const sel: IdentifierSelection = {
        managedDataIdentifierSelector: selector ?? 'ALL',
        managedDataIdentifierIds: list(input.managedDataIdentifierIds, 'managedDataIdentifierIds'),
        customDataIdentifierIds: list(input.customDataIdentifierIds, 'customDataIdentifierIds'),
        allowListIds: list(input.allowListIds, 'allowListIds'),
      };
      if ((sel.managedDataIdentifierSelector === 'INCLUDE' || sel.managedDataIdentifierSelector === 'EXCLUDE') && !sel.managedDataIdentifierIds?.length) {
        throw invalid('managedDataIdentifierIds is required with INCLUDE or EXCLUDE.');
      }
      if (sel.managedDataIdentifierSelector === 'NONE' && !sel.customDataIdentifierIds?.length) throw invalid('A job with no managed data identifiers needs custom data identifiers.');
      deps.identifiers.checkSelection(sel);
      const now = deps.now();
      const jobId = randomBytes(16).toString('hex');
      const initialRun = jobType === 'ONE_TIME' ? true : input.initialRun === true;
      const doc: JobDoc = {
        jobId, jobArn: `arn:aws:macie2:${deps.region}:${deps.accountId}:classification-job/${jobId}`, name,
        ...(typeof description === 'string' ? { description } : {}), ...(token ? { clientToken: token } : {}),
        jobType, initialRun, s3JobDefinition: def, samplingPercentage: sampling, ...(schedule ? { scheduleFrequency: schedule } : {}),
        ...Object.fromEntries(Object.entries(sel).filter(([, v]) => v !== undefined)),
        tags: (input.tags as Record<string, string> | undefined) ?? {}, createdAt: new Date(now).toISOString(),
        jobStatus: initialRun ? 'RUNNING' : 'IDLE', lastRunErrorStatus: { code: 'NONE' }, numberOfRuns: 0,
        ...(jobType === 'SCHEDULED' && !initialRun ? { nextRunAt: nextRunAfter(schedule!, now), lastRunStartedAt: now } : {}),
        run: null, lastRun: null,
      };
      put(doc);
      deps.onChange();
      return { jobId, jobArn: doc.jobArn };
    },
    list(): JobDoc[] {
      return store.listResources<JobDoc>('job').map((r) => r.body);
    },
    /** UpdateClassificationJob: RUNNING (resume), USER_PAUSED or CANCELLED. */
    updateStatus(jobId: string, status: unknown): void {
      if (status !== 'RUNNING' && status !== 'USER_PAUSED' && status !== 'CANCELLED') throw invalid('jobStatus must be RUNNING, USER_PAUSED or CANCELLED.');
      const doc = get(jobId);
      const from = doc.jobStatus;
      if (from === 'CANCELLED' || from === 'COMPLETE') throw new CofferError('macie.conflict', { message: `A ${from.toLowerCase()} job cannot be changed.` });
      if (status === 'USER_PAUSED' && from !== 'RUNNING' && from !== 'IDLE') throw new CofferError('macie.conflict', { message: 'Only a running or idle job can be paused.' });
      if (status === 'RUNNING' && from !== 'USER_PAUSED' && from !== 'PAUSED') throw new CofferError('macie.conflict', { message: 'Only a paused job can be resumed.' });
      this.mutate(jobId, (d) => {
        if (status === 'USER_PAUSED') d.userPausedAt = new Date(deps.now()).toISOString();
        else delete d.userPausedAt;
        // A resumed scheduled job between runs waits for its next run.
        d.jobStatus = status === 'RUNNING' && d.jobType === 'SCHEDULED' && d.run === null ? 'IDLE' : status;
      });
      deps.onChange();
    },
    /** DescribeClassificationJob's body (with Coffer's run progress under `progress`). */
    describe(doc: JobDoc): Record<string, unknown> {
      const p = doc.run?.progress;
      const left = p ? Math.max(0, p.objectsTotal - p.objectsDone - p.objectsSkipped) : 0;
      const { run, lastRun, nextRunAt, lastRunStartedAt, userPausedAt, ...rest } = doc;
      return {
        ...rest,
        statistics: { approximateNumberOfObjectsToProcess: left, numberOfRuns: doc.numberOfRuns },
        ...(userPausedAt ? { userPausedDetails: { jobPausedAt: userPausedAt, jobExpiresAt: new Date(Date.parse(userPausedAt) + USER_PAUSE_MS).toISOString() } } : {}),
        progress: {
          current: p ? { ...p, objectsLeft: left, bytesLeft: Math.max(0, p.bytesTotal - p.bytesDone - p.bytesSkipped) } : null,
          lastRun,
          ...(nextRunAt !== undefined ? { nextRunAt: new Date(nextRunAt).toISOString() } : {}),
        },
      };
    },
    summary(doc: JobDoc): Record<string, unknown> {
      return {
        jobId: doc.jobId, name: doc.name, jobType: doc.jobType, jobStatus: doc.jobStatus, createdAt: doc.createdAt, lastRunErrorStatus: doc.lastRunErrorStatus,
        ...(doc.s3JobDefinition.bucketDefinitions ? { bucketDefinitions: doc.s3JobDefinition.bucketDefinitions } : {}),
        ...(doc.s3JobDefinition.bucketCriteria ? { bucketCriteria: doc.s3JobDefinition.bucketCriteria } : {}),
        ...(doc.userPausedAt ? { userPausedDetails: { jobPausedAt: doc.userPausedAt, jobExpiresAt: new Date(Date.parse(doc.userPausedAt) + USER_PAUSE_MS).toISOString() } } : {}),
      };
    },
  };
}

export type Jobs = ReturnType<typeof createJobs>;
