import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import https from 'node:https';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateClassificationJobCommand, DescribeBucketsCommand, DescribeClassificationJobCommand, GetBucketStatisticsCommand, GetFindingsCommand,
  GetFindingStatisticsCommand, ListClassificationJobsCommand, ListFindingsCommand, ListResourceProfileDetectionsCommand, Macie2Client, UpdateClassificationJobCommand,
} from '@aws-sdk/client-macie2';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startCoffer, type Coffer } from '../harness.js';
import { macieTestEnv } from './env.js';
import { SENSITIVE_TEXT } from '../../../src/macie/test-support.js';

const AWS = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';
// Fabricated values on known lines (the key pair is not a real credential).
const CARD_SSN_KEY = SENSITIVE_TEXT;

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

describe('Macie API over discovery on write and classification jobs', () => {
  let coffer: Coffer;
  let macie: Macie2Client;
  const handler = () => new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: coffer.ca }) });
  const cli = (...args: string[]) => {
    const r = spawnSync(AWS, ['--endpoint-url', coffer.endpoint, '--ca-bundle', coffer.caCertFile, '--output', 'json', 'macie2', ...args], { env: coffer.cliEnv(), encoding: 'utf8', timeout: 120_000 });
    return { status: r.status, stderr: r.stderr, json: r.stdout ? (JSON.parse(r.stdout) as Record<string, any>) : {} };
  };
  before(async () => {
    coffer = await startCoffer({ env: macieTestEnv() });
    macie = new Macie2Client({ endpoint: coffer.endpoint, region: 'us-east-1', credentials: { accessKeyId: coffer.accessKeyId, secretAccessKey: coffer.secretAccessKey }, requestHandler: handler() });
    const s3 = coffer.client();
    await s3.send(new CreateBucketCommand({ Bucket: 'customer-data' }));
  });
  after(async () => {
    macie?.destroy();
    await coffer?.dispose();
  });

  it('denies a user without a macie2 policy', async () => {
    const iam = new IAMClient({ endpoint: coffer.endpoint, region: 'us-east-1', credentials: { accessKeyId: coffer.accessKeyId, secretAccessKey: coffer.secretAccessKey }, requestHandler: handler() });
    await iam.send(new CreateUserCommand({ UserName: 'analyst' }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'analyst' }));
    iam.destroy();
    const asUser = new Macie2Client({ endpoint: coffer.endpoint, region: 'us-east-1', credentials: { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! }, requestHandler: handler() });
    await assert.rejects(asUser.send(new GetBucketStatisticsCommand({})), (e: Error) => e.name === 'AccessDeniedException');
    asUser.destroy();
  });

  it('finds card numbers, SSNs and AWS keys within seconds of PutObject, with locations, and the bucket score moves above 50', async () => {
    const before = await macie.send(new DescribeBucketsCommand({ criteria: { bucketName: { eq: ['customer-data'] } } }));
    assert.equal(before.buckets?.[0]?.sensitivityScore, 50);
    await coffer.client().send(new PutObjectCommand({ Bucket: 'customer-data', Key: 'crm/export.txt', Body: CARD_SSN_KEY }));
    const ids = await until('a finding for crm/export.txt', async () => {
      const r = cli('list-findings', '--finding-criteria', JSON.stringify({ criterion: { 'resourcesAffected.s3Object.key': { eq: ['crm/export.txt'] } } }));
      assert.equal(r.status, 0, r.stderr);
      return (r.json.findingIds as string[]).length ? (r.json.findingIds as string[]) : undefined;
    });
    const got = cli('get-findings', '--finding-ids', ...ids);
    assert.equal(got.status, 0, got.stderr);
    const finding = got.json.findings[0];
    assert.equal(finding.type, 'SensitiveData:S3Object/Multiple');
    assert.equal(finding.severity.description, 'High');
    assert.equal(finding.category, 'CLASSIFICATION');
    assert.equal(finding.resourcesAffected.s3Bucket.name, 'customer-data');
    assert.equal(finding.classificationDetails.originType, 'AUTOMATED_SENSITIVE_DATA_DISCOVERY');
    const detections = new Map<string, any>((finding.classificationDetails.result.sensitiveData as any[]).flatMap((s) => s.detections.map((d: any) => [d.type, d])));
    assert.deepEqual(detections.get('CREDIT_CARD_NUMBER').occurrences.lineRanges[0], { start: 2, end: 2, startColumn: 14 });
    assert.equal(detections.get('USA_SOCIAL_SECURITY_NUMBER').occurrences.lineRanges[0].start, 3);
    assert.ok(detections.has('AWS_CREDENTIALS'));
    assert.doesNotMatch(JSON.stringify(finding), /4111 1111|536-90-4399|AKIAJ5Q7|q8Vz3Lk0/);

    const sdk = await macie.send(new GetFindingsCommand({ findingIds: ids }));
    assert.equal(sdk.findings?.[0]?.classificationDetails?.result?.sensitiveData?.length, 3);
    const buckets = await macie.send(new DescribeBucketsCommand({ criteria: { bucketName: { eq: ['customer-data'] } } }));
    assert.ok((buckets.buckets?.[0]?.sensitivityScore ?? 0) > 50, String(buckets.buckets?.[0]?.sensitivityScore));
    const stats = await macie.send(new GetBucketStatisticsCommand({}));
    assert.equal(stats.bucketStatisticsBySensitivity?.sensitive?.totalCount, 1);
    const perType = await macie.send(new ListResourceProfileDetectionsCommand({ resourceArn: 'arn:aws:s3:::customer-data' }));
    assert.deepEqual(perType.detections?.map((d) => d.id).sort(), ['AWS_CREDENTIALS', 'CREDIT_CARD_NUMBER', 'USA_SOCIAL_SECURITY_NUMBER']);
    const bySeverity = await macie.send(new GetFindingStatisticsCommand({ groupBy: 'severity.description' }));
    assert.deepEqual(bySeverity.countsByGroup, [{ groupKey: 'High', count: 1 }]);
  });

  it('runs a one-time job scoped to a prefix through the SDK and reports progress', async () => {
    const s3 = coffer.client();
    await s3.send(new PutObjectCommand({ Bucket: 'customer-data', Key: 'hr/staff.csv', Body: 'name,ssn\nAda,536-90-4399\n' }));
    await s3.send(new PutObjectCommand({ Bucket: 'customer-data', Key: 'hr/notes.txt', Body: 'nothing sensitive here\n' }));
    const { jobId } = await macie.send(new CreateClassificationJobCommand({
      name: 'hr-once', jobType: 'ONE_TIME', clientToken: 'hr-once-1',
      s3JobDefinition: {
        bucketDefinitions: [{ accountId: '000000000000', buckets: ['customer-data'] }],
        scoping: { includes: { and: [{ simpleScopeTerm: { key: 'OBJECT_KEY', comparator: 'STARTS_WITH', values: ['hr/'] } }] } },
      },
    }));
    assert.ok(jobId);
    const done = await until('the job to complete', async () => {
      const j = await macie.send(new DescribeClassificationJobCommand({ jobId }));
      return j.jobStatus === 'COMPLETE' ? j : undefined;
    });
    assert.equal(done.statistics?.numberOfRuns, 1);
    assert.equal(done.statistics?.approximateNumberOfObjectsToProcess, 0);
    const described = cli('describe-classification-job', '--job-id', jobId!);
    assert.equal(described.status, 0, described.stderr);
    assert.equal(described.json.name, 'hr-once');
    const found = await macie.send(new ListFindingsCommand({ findingCriteria: { criterion: { 'classificationDetails.jobId': { eq: [jobId!] } } } }));
    assert.equal(found.findingIds?.length, 1);
    const f = await macie.send(new GetFindingsCommand({ findingIds: found.findingIds! }));
    assert.equal(f.findings?.[0]?.resourcesAffected?.s3Object?.key, 'hr/staff.csv');
    const cells = f.findings?.[0]?.classificationDetails?.result?.sensitiveData?.[0]?.detections?.[0]?.occurrences?.cells;
    assert.deepEqual(cells?.[0], { row: 2, column: 2, columnName: 'ssn' });
    const list = await macie.send(new ListClassificationJobsCommand({}));
    assert.ok(list.items?.some((j) => j.jobId === jobId && j.jobStatus === 'COMPLETE'));
  });

  it('pauses, resumes and cancels a scheduled job through the AWS CLI', async () => {
    const created = cli('create-classification-job', '--name', 'weekly-scan', '--job-type', 'SCHEDULED', '--no-initial-run',
      '--schedule-frequency', JSON.stringify({ weeklySchedule: { dayOfWeek: 'MONDAY' } }),
      '--s3-job-definition', JSON.stringify({ bucketDefinitions: [{ accountId: '000000000000', buckets: ['customer-data'] }] }));
    assert.equal(created.status, 0, created.stderr);
    const jobId = created.json.jobId as string;
    const status = () => cli('describe-classification-job', '--job-id', jobId).json.jobStatus as string;
    assert.equal(status(), 'IDLE');
    assert.equal(cli('update-classification-job', '--job-id', jobId, '--job-status', 'USER_PAUSED').status, 0);
    assert.equal(status(), 'USER_PAUSED');
    assert.ok(cli('describe-classification-job', '--job-id', jobId).json.userPausedDetails.jobExpiresAt);
    assert.equal(cli('update-classification-job', '--job-id', jobId, '--job-status', 'RUNNING').status, 0);
    assert.equal(status(), 'IDLE');
    assert.equal(cli('update-classification-job', '--job-id', jobId, '--job-status', 'CANCELLED').status, 0);
    assert.equal(status(), 'CANCELLED');
    const again = cli('update-classification-job', '--job-id', jobId, '--job-status', 'RUNNING');
    assert.notEqual(again.status, 0);
    assert.match(again.stderr, /ConflictException/);
    const missing = cli('describe-classification-job', '--job-id', 'no-such-job');
    assert.match(missing.stderr, /ResourceNotFoundException/);
  });

  it('manages custom data identifiers and allow lists through the AWS CLI', () => {
    const made = cli('create-custom-data-identifier', '--name', 'employee-id', '--regex', 'EMP-[0-9]{6}', '--keywords', 'employee', '--description', 'Staff numbers');
    assert.equal(made.status, 0, made.stderr);
    const id = made.json.customDataIdentifierId as string;
    assert.equal(cli('get-custom-data-identifier', '--id', id).json.regex, 'EMP-[0-9]{6}');
    assert.equal(cli('test-custom-data-identifier', '--regex', 'EMP-[0-9]{6}', '--sample-text', 'employee EMP-123456 and EMP-654321').json.matchCount, 2);
    assert.ok((cli('list-custom-data-identifiers').json.items as any[]).some((c) => c.id === id));
    const badRegex = cli('create-custom-data-identifier', '--name', 'bad', '--regex', '(a)\\1');
    assert.match(badRegex.stderr, /ValidationException/);
    const list = cli('create-allow-list', '--name', 'test-cards', '--criteria', JSON.stringify({ regex: '4111 1111 1111 1111' }));
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.json.id, /^[a-z0-9]{22}$/);
    const got = cli('get-allow-list', '--id', list.json.id);
    assert.equal(got.json.status.code, 'OK');
    assert.ok((cli('list-allow-lists').json.allowLists as any[]).some((a) => a.id === list.json.id));
    assert.equal(cli('delete-allow-list', '--id', list.json.id).status, 0);
    assert.match(cli('get-allow-list', '--id', list.json.id).stderr, /ResourceNotFoundException/);
    assert.equal(cli('delete-custom-data-identifier', '--id', id).status, 0);
    assert.equal(cli('get-custom-data-identifier', '--id', id).json.deleted, true);
  });
});
