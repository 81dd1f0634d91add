/**
 * A scheduled classification job over a prefix runs when its time comes and reports its
 * progress: an in-process server whose clock is moved past the next daily run (SDK clients follow
 * with systemClockOffset, so SigV4 skew stays small). Without initialRun, the run covers only the
 * prefix's objects written since the job was created (as Macie); its
 * finding carries the job id, DescribeClassificationJob counts the run, and the run's progress
 * (objects and bytes done, skipped with reasons) is recorded in the audit trail.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateClassificationJobCommand, DescribeClassificationJobCommand, GetFindingsCommand, ListFindingsCommand, Macie2Client } from '@aws-sdk/client-macie2';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { loadConfig } from '../../../src/config/index.js';
import { startCoffer, type RunningCoffer } from '../../../src/app/start.js';
import { readAuditEvents } from '../../../src/audit/index.js';
import { loadMasterKeyFile } from '../../../src/crypto/index.js';
import { initDataDir, type Credentials } from '../harness.js';

const DAY_MS = 86_400_000;

describe('a scheduled classification job', () => {
  let root: string;
  let dataDir: string;
  let creds: Credentials;
  let server: RunningCoffer;
  let ca: string;
  let offset = 0;
  const clock = { now: () => Date.now() + offset };
  const endpoint = () => `https://localhost:${server.port}`;
  const cfg = () => ({ endpoint: endpoint(), region: 'us-east-1', credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey }, requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca }) }), systemClockOffset: offset });
  const s3 = () => new S3Client({ ...cfg(), forcePathStyle: true });
  const macie = () => new Macie2Client(cfg());

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'coffer-scheduled-job-'));
    dataDir = join(root, 'data');
    creds = await initDataDir(dataDir);
    ca = await readFile(creds.caCertFile, 'utf8');
    // Discovery on write off: the only findings are the job's.
    const config = loadConfig({ env: {}, overrides: { dataDir, listen: '127.0.0.1:0', mfa: 'optional', discovery: { onWrite: false } as never }, cwd: root });
    server = await startCoffer(config, { clock, logger: pino({ level: 'silent' }) });
    await s3().send(new CreateBucketCommand({ Bucket: 'ledger' }));
    // Written before the job exists: without initialRun, its runs cover only what changes after.
    await s3().send(new PutObjectCommand({ Bucket: 'ledger', Key: 'reports/2025.csv', Body: 'name,ssn\nBob,536-90-4399\n' }));
  });
  after(async () => {
    await server?.close().catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  });

  it('runs at its scheduled time over its prefix only and reports the run', async () => {
    const { jobId } = await macie().send(new CreateClassificationJobCommand({
      name: 'daily-reports', jobType: 'SCHEDULED', initialRun: false, clientToken: 'daily-reports-1',
      scheduleFrequency: { dailySchedule: {} },
      s3JobDefinition: {
        bucketDefinitions: [{ accountId: '000000000000', buckets: ['ledger'] }],
        scoping: { includes: { and: [{ simpleScopeTerm: { key: 'OBJECT_KEY', comparator: 'STARTS_WITH', values: ['reports/'] } }] } },
      },
    }));
    assert.ok(jobId);
    const before = await macie().send(new DescribeClassificationJobCommand({ jobId }));
    assert.equal(before.jobStatus, 'IDLE');
    assert.equal(before.statistics?.numberOfRuns, 0);
    await new Promise((r) => setTimeout(r, 20));
    await s3().send(new PutObjectCommand({ Bucket: 'ledger', Key: 'reports/q1.csv', Body: 'name,ssn,card\nAda,536-90-4399,4111 1111 1111 1111\n' }));
    await s3().send(new PutObjectCommand({ Bucket: 'ledger', Key: 'reports/blank.bin', Body: Buffer.from([0, 1, 2, 3, 0, 0, 255, 254, 0, 7]) }));
    await s3().send(new PutObjectCommand({ Bucket: 'ledger', Key: 'drafts/notes.txt', Body: 'SSN 536-90-4399\n' }));

    // The next daily run is at the coming UTC midnight: move the server's clock past it.
    offset = DAY_MS + 60_000;
    const deadline = Date.now() + 90_000;
    let after = await macie().send(new DescribeClassificationJobCommand({ jobId }));
    while (after.statistics?.numberOfRuns !== 1 || after.jobStatus !== 'IDLE') {
      assert.ok(Date.now() < deadline, `the scheduled run did not complete (status ${after.jobStatus}, runs ${after.statistics?.numberOfRuns})`);
      await new Promise((r) => setTimeout(r, 500));
      after = await macie().send(new DescribeClassificationJobCommand({ jobId }));
    }
    assert.equal(after.statistics?.approximateNumberOfObjectsToProcess, 0);
    assert.ok(after.lastRunTime);

    const ids = (await macie().send(new ListFindingsCommand({ findingCriteria: { criterion: { 'classificationDetails.jobId': { eq: [jobId] } } } }))).findingIds ?? [];
    assert.equal(ids.length, 1, 'only the prefix, and only what changed since the job was created, is in scope');
    const f = (await macie().send(new GetFindingsCommand({ findingIds: ids }))).findings![0]!;
    assert.equal(f.resourcesAffected?.s3Object?.key, 'reports/q1.csv');
    assert.equal(f.classificationDetails?.originType, 'SENSITIVE_DATA_DISCOVERY_JOB');

    await server.close();
    const { key: master } = await loadMasterKeyFile(join(dataDir, 'master.key'));
    const runs: { eventName: string; additionalEventData?: Record<string, unknown> }[] = [];
    for await (const e of readAuditEvents(join(dataDir, 'audit'), master)) {
      if (/^ClassificationJobRun/.test(e.event.eventName)) runs.push(e.event as never);
    }
    assert.deepEqual(runs.map((r) => r.eventName), ['ClassificationJobRunStarted', 'ClassificationJobRunCompleted']);
    const progress = runs[1]!.additionalEventData?.progress as { objectsTotal: number; objectsDone: number; objectsSkipped: number; bytesDone: number; skippedByReason: Record<string, number>; findings: number };
    assert.equal(progress.objectsTotal, 2);
    assert.equal(progress.objectsDone + progress.objectsSkipped, 2);
    assert.equal(progress.findings, 1);
    assert.ok(progress.bytesDone > 0);
  });
});
