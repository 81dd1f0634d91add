import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isCofferError } from '../shared/index.js';
import { ACCOUNT, openFixture, removeDir, SENSITIVE_TEXT, type Fixture } from './test-support.js';
import { emptyProgress } from './jobs.js';

describe('classification jobs', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await removeDir(d);
  });
  const seed = async (fx: Fixture) => {
    await fx.objects.createBucket({ name: 'hr-files', owner: ACCOUNT });
    await fx.put('hr-files', 'people/a.txt', SENSITIVE_TEXT);
    await fx.put('hr-files', 'people/b.txt', 'nothing to see\n');
    await fx.put('hr-files', 'people/c.bin', Buffer.from([0, 1, 2, 3, 0, 0, 0, 7, 8, 9, 0, 255, 254]));
    await fx.put('hr-files', 'other/d.txt', SENSITIVE_TEXT);
  };
  const jobFindings = (fx: Fixture, jobId: string) =>
    [...fx.discovery.store.allFindings()].filter((f) => (f.body.classificationDetails as { jobId?: string }).jobId === jobId);

  it('runs a one-time job scoped to a prefix, with progress and findings tied to the job', async () => {
    const fx = await openFixture({ settings: { onWrite: false } });
    dirs.push(fx.dir);
    try {
      await seed(fx);
      const { jobId } = fx.discovery.jobs.create({
        name: 'people', jobType: 'ONE_TIME',
        s3JobDefinition: { bucketDefinitions: [{ accountId: ACCOUNT, buckets: ['hr-files'] }], scoping: { includes: { and: [{ simpleScopeTerm: { key: 'OBJECT_KEY', comparator: 'STARTS_WITH', values: ['people/'] } }] } } },
      });
      await fx.discovery.jobsIdle();
      const job = fx.discovery.jobs.get(jobId);
      assert.equal(job.jobStatus, 'COMPLETE');
      assert.equal(job.numberOfRuns, 1);
      const p = job.lastRun!;
      assert.equal(p.objectsTotal, 3);
      assert.equal(p.objectsDone + p.objectsSkipped, 3);
      assert.equal(p.findings, 1);
      const found = jobFindings(fx, jobId);
      assert.equal(found.length, 1);
      assert.equal((found[0]!.body.resourcesAffected as { s3Object: { key: string } }).s3Object.key, 'people/a.txt');
      assert.equal((found[0]!.body.classificationDetails as { originType: string }).originType, 'SENSITIVE_DATA_DISCOVERY_JOB');
    } finally {
      await fx.close();
    }
  });

  it('pauses, resumes from its persisted cursor, and cannot be changed once cancelled', async () => {
    const fx = await openFixture({ settings: { onWrite: false } });
    dirs.push(fx.dir);
    try {
      await seed(fx);
      const { jobId } = fx.discovery.jobs.create({ name: 'all', jobType: 'ONE_TIME', s3JobDefinition: { bucketDefinitions: [{ accountId: ACCOUNT, buckets: ['hr-files'] }] } });
      // Paused before the runner picks it up; then a run is left as a restart would find it:
      // counted, and the first key (other/d.txt) already processed.
      fx.discovery.jobs.updateStatus(jobId, 'USER_PAUSED');
      fx.discovery.jobs.mutate(jobId, (d) => {
        d.run = { runId: `${jobId}-1`, startedAt: Date.now(), since: null, buckets: ['hr-files'], counted: true, bucketIndex: 0, keyMarker: 'other/d.txt', progress: { ...emptyProgress(), objectsTotal: 4, objectsDone: 1 } };
      });
      await fx.discovery.jobsIdle();
      assert.equal(fx.discovery.jobs.get(jobId).jobStatus, 'USER_PAUSED');
      assert.ok(fx.discovery.jobs.describe(fx.discovery.jobs.get(jobId)).userPausedDetails);
      fx.discovery.jobs.updateStatus(jobId, 'RUNNING');
      await fx.discovery.jobsIdle();
      const job = fx.discovery.jobs.get(jobId);
      assert.equal(job.jobStatus, 'COMPLETE');
      assert.equal(job.lastRun!.objectsDone + job.lastRun!.objectsSkipped, 4);
      // Only people/a.txt was scanned after the resume: other/d.txt was before the cursor.
      assert.deepEqual(jobFindings(fx, jobId).map((f) => (f.body.resourcesAffected as { s3Object: { key: string } }).s3Object.key), ['people/a.txt']);
      assert.throws(() => fx.discovery.jobs.updateStatus(jobId, 'USER_PAUSED'), (e) => isCofferError(e, 'macie.conflict'));
      const other = fx.discovery.jobs.create({ name: 'x', jobType: 'SCHEDULED', scheduleFrequency: { dailySchedule: {} }, s3JobDefinition: { bucketDefinitions: [{ accountId: ACCOUNT, buckets: ['hr-files'] }] } });
      assert.equal(fx.discovery.jobs.get(other.jobId).jobStatus, 'IDLE');
      fx.discovery.jobs.updateStatus(other.jobId, 'CANCELLED');
      assert.throws(() => fx.discovery.jobs.updateStatus(other.jobId, 'RUNNING'), (e) => isCofferError(e, 'macie.conflict'));
    } finally {
      await fx.close();
    }
  });

  it('refuses invalid definitions with a validation error', async () => {
    const fx = await openFixture({ settings: { onWrite: false } });
    dirs.push(fx.dir);
    try {
      const bad = [
        { jobType: 'ONE_TIME', s3JobDefinition: { bucketDefinitions: [{ buckets: ['b'] }] } },
        { name: 'n', jobType: 'SOMETIMES', s3JobDefinition: { bucketDefinitions: [{ buckets: ['b'] }] } },
        { name: 'n', jobType: 'SCHEDULED', s3JobDefinition: { bucketDefinitions: [{ buckets: ['b'] }] } },
        { name: 'n', jobType: 'ONE_TIME', samplingPercentage: 0, s3JobDefinition: { bucketDefinitions: [{ buckets: ['b'] }] } },
        { name: 'n', jobType: 'ONE_TIME', s3JobDefinition: {} },
        { name: 'n', jobType: 'ONE_TIME', customDataIdentifierIds: ['nope'], s3JobDefinition: { bucketDefinitions: [{ buckets: ['b'] }] } },
      ];
      for (const input of bad) assert.throws(() => fx.discovery.jobs.create(input), (e) => isCofferError(e, 'macie.validation'), JSON.stringify(input));
    } finally {
      await fx.close();
    }
  });
});
